"""RFC 9457 problem details: the one error shape of every gateway."""

from __future__ import annotations

from typing import Any

from flask import Response, json
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://cars.sos.ca.gov/problems/"


class FieldError(Schema):
    location = fields.String(metadata={"description": "json, query, path or headers"})
    field = fields.String(metadata={"description": "Dotted name of the field"})
    messages = fields.List(fields.String())


class ProblemSchema(Schema):
    """Documented shape of every error response."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    request_id = fields.String()
    errors = fields.List(fields.Nested(FieldError))


class Problem(Exception):
    """An error a gateway answers with as problem+json; `field` names the input at fault."""

    status = 400
    title = "Bad Request"
    slug = "bad-request"

    def __init__(
        self, detail: str, *, field: str | None = None, status: int | None = None, title: str | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        if status is not None:
            self.status = status
        if title is not None:
            self.title = title


class NotFound(Problem):
    status, title, slug = 404, "Not Found", "not-found"


class Conflict(Problem):
    status, title, slug = 409, "Conflict", "conflict"


class Forbidden(Problem):
    status, title, slug = 403, "Forbidden", "forbidden"


class Unauthorized(Problem):
    status, title, slug = 401, "Unauthorized", "unauthorized"


def flatten_errors(messages: Any, location: str, prefix: str = "") -> list[dict[str, Any]]:
    """marshmallow's nested error dict as a flat list naming each field."""
    if isinstance(messages, dict):
        out: list[dict[str, Any]] = []
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, list) and all(isinstance(item, str) for item in value):
                out.append({"location": location, "field": name, "messages": value})
            else:
                out.extend(flatten_errors(value, location, name))
        return out
    if isinstance(messages, list):
        return [{"location": location, "field": prefix or "_schema", "messages": [str(m) for m in messages]}]
    return [{"location": location, "field": prefix or "_schema", "messages": [str(messages)]}]


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    request_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (slug or title.lower().replace(" ", "-")),
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    if request_id:
        body["request_id"] = request_id
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_http_exception(error: HTTPException, request_id: str | None) -> Response:
    """Map a werkzeug/webargs exception (validation errors included) to a problem."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors: list[dict[str, Any]] = []
    for location, messages in (data.get("messages") or data.get("errors") or {}).items():
        errors.extend(flatten_errors(messages, location))
    detail = data.get("message") or (
        error.description if status < 500 else "The server could not complete the request."
    )
    if errors:
        names = ", ".join(sorted({e["field"] for e in errors}))
        detail = f"Invalid input: {names}."
    headers = dict(data.get("headers") or {})
    if status == 405 and error.get_response().headers.get("Allow"):
        headers["Allow"] = error.get_response().headers["Allow"]
    return problem_response(status, error.name, detail, errors=errors, request_id=request_id, headers=headers)


def from_problem(error: Problem, request_id: str | None) -> Response:
    errors = [{"location": "json", "field": error.field, "messages": [error.detail]}] if error.field else None
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return problem_response(
        error.status, error.title, error.detail, slug=error.slug, errors=errors, request_id=request_id, headers=headers
    )
