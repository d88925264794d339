"""RFC 9457 problem details: the one error shape of every gateway."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, TypeVar

from flask import Blueprint as FlaskBlueprint
from flask import Flask, Response, g, json
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://cars.sos.ca.gov/problems/"

View = TypeVar("View", bound=Callable[..., Any])


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
    """An error a gateway answers with as problem+json; `field` names the input at fault.

    `errors` lists several fields at fault instead; `headers` go on the response.
    """

    status = 400
    title = "Bad Request"
    slug = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        status: int | None = None,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.errors = errors
        self.headers = dict(headers or {})
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


class Unprocessable(Problem):
    """A rule the input breaks, answered like schema validation errors."""

    status, title, slug = 422, "Unprocessable Entity", "unprocessable-entity"

    @classmethod
    def of_fields(cls, messages: Mapping[str, list[str]], location: str = "json") -> Unprocessable:
        """Several fields at fault at once, each with its messages (the shape of schema validation errors)."""
        errors = flatten_errors(dict(messages), location)
        return cls(invalid_input_detail(errors), errors=errors)


class TooManyRequests(Problem):
    """Too many attempts; `retry_after` (seconds) goes in the Retry-After header."""

    status, title, slug = 429, "Too Many Requests", "too-many-requests"

    def __init__(self, detail: str, *, field: str | None = None, retry_after: int | None = None) -> None:
        super().__init__(
            detail, field=field, headers={"Retry-After": str(retry_after)} if retry_after is not None else None
        )


ProblemFactory = Callable[[Any], Problem]


def register_problems(target: Flask | FlaskBlueprint, problems: Mapping[type[Exception], ProblemFactory]) -> None:
    """Answer each domain exception raised under `target` (an app or a blueprint) with the problem made of it."""
    for kind, to_problem in problems.items():
        target.register_error_handler(kind, _answering_with(to_problem))


def _answering_with(to_problem: ProblemFactory) -> Callable[[Exception], Response]:
    def answer(error: Exception) -> Response:
        return from_problem(to_problem(error), g.get("request_id"))

    return answer


def documents_problems(blueprint: Blueprint, *statuses: int, by_reference: bool = False) -> Callable[[View], View]:
    """Document the problem responses a route gives besides validation errors.

    Inline problem+json schemas, or with `by_reference` the API's shared responses (UNAUTHORIZED, NOT_FOUND...).
    """

    def decorate(view: View) -> View:
        for status in statuses:
            if by_reference:
                view = blueprint.alt_response(status, response=HTTPStatus(status).name)(view)
            else:
                view = blueprint.alt_response(status, schema=ProblemSchema, content_type=PROBLEM_CONTENT_TYPE)(view)
        return view

    return decorate


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


def invalid_input_detail(errors: list[dict[str, Any]]) -> str:
    names = ", ".join(sorted({e["field"] for e in errors}))
    return f"Invalid input: {names}."


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
        detail = invalid_input_detail(errors)
    headers = dict(data.get("headers") or {})
    if status == 405 and error.get_response().headers.get("Allow"):
        headers["Allow"] = error.get_response().headers["Allow"]
    return problem_response(status, error.name, detail, errors=errors, request_id=request_id, headers=headers)


def from_problem(error: Problem, request_id: str | None) -> Response:
    errors = error.errors
    if errors is None and error.field:
        errors = [{"location": "json", "field": error.field, "messages": [error.detail]}]
    headers = dict(error.headers)
    if error.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return problem_response(
        error.status, error.title, error.detail, slug=error.slug, errors=errors, request_id=request_id, headers=headers
    )
