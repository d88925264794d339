"""The gateway app factory: routes under /api/<service>/, problem+json errors, health, OpenAPI, request ids."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import kombu
from flask import Flask, Response, current_app, g, jsonify, request
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, InternalServerError

from cars_shared import logging as cars_logging
from cars_shared.config import ACCOUNTS_JWKS_URL, AMQP_URI, database_url
from cars_shared.db import Database
from cars_shared.web.auth import TokenVerifier, authenticated
from cars_shared.web.problems import (
    PROBLEM_CONTENT_TYPE,
    Problem,
    ProblemFactory,
    ProblemSchema,
    View,
    documents_problems,
    from_http_exception,
    from_problem,
    problem_response,
    register_problems,
)

log = cars_logging.get_logger(__name__)

BEARER = [{"bearerAuth": []}]


class Health(Schema):
    service = fields.String(required=True)
    status = fields.String(required=True)
    checks = fields.Dict(keys=fields.String(), values=fields.String())


class GatewayApi(Api):
    """flask-smorest's Api, documenting and answering every error as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        original = self.DEFAULT_RESPONSE_CONTENT_TYPE
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_CONTENT_TYPE
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = original

    def handle_http_exception(self, error: HTTPException) -> Response:
        if isinstance(error, InternalServerError):
            log.error("unhandled_error", exc_info=getattr(error, "original_exception", None) or error)
        return from_http_exception(error, g.get("request_id"))


def session_scope() -> Any:
    """A unit of work on this gateway's own database (commit on success, rollback on error)."""
    return current_app.extensions["cars.database"].session()


def protected(blueprint: Blueprint, *statuses: int, by_reference: bool = False) -> Callable[[View], View]:
    """A bearer-token route: the token is checked before the view below; 401 and `statuses` are documented.

    `by_reference` documents the problems as the API's shared responses (see `documents_problems`).
    """
    problems = documents_problems(blueprint, 401, *statuses, by_reference=by_reference)

    def decorate(view: View) -> View:
        return blueprint.doc(security=BEARER)(problems(authenticated(view)))

    return decorate


def _bind_request_ids() -> None:
    g.request_id = request.headers.get("X-Request-ID") or cars_logging.new_id()
    g.started = time.perf_counter()
    cars_logging.bind_contextvars(
        request_id=g.request_id, correlation_id=request.headers.get("X-Correlation-ID") or g.request_id
    )


def _log_request(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    log.info(
        "http_request",
        method=request.method,
        path=request.path,
        status=response.status_code,
        ms=round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1),
    )
    return response


def _unbind_request_ids(_error: BaseException | None) -> None:
    cars_logging.structlog.contextvars.unbind_contextvars("request_id", "correlation_id")


def broker_reachable(amqp_uri: str) -> None:
    with kombu.Connection(amqp_uri, connect_timeout=2) as connection:
        connection.ensure_connection(max_retries=1)


def create_gateway(
    service: str,
    blueprints: Iterable[Blueprint],
    *,
    title: str,
    database: Database | None = None,
    verifier: TokenVerifier | None = None,
    amqp_uri: str | None = None,
    config: dict[str, Any] | None = None,
    problems: Mapping[type[Exception], ProblemFactory] | None = None,
) -> Flask:
    """A gateway serving `blueprints` under /api/<service>/ with the project's common behaviour.

    `problems` maps domain exceptions raised anywhere in the app to the problems they answer as.
    """
    cars_logging.configure_once(f"{service}-gateway")
    prefix = f"/api/{service}"
    app = Flask(service)
    app.config.update(
        API_TITLE=title,
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=None,
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=10 * 1024 * 1024,
    )
    app.config.update(config or {})
    app.url_map.strict_slashes = False
    app.extensions["cars.database"] = database or Database(database_url(service))
    app.extensions["cars.verifier"] = verifier or TokenVerifier(ACCOUNTS_JWKS_URL.get())
    app.extensions["cars.amqp_uri"] = amqp_uri or AMQP_URI.get()

    api = GatewayApi(app, spec_kwargs={"servers": [{"url": "/"}]})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    api.register_blueprint(_health_blueprint(service), url_prefix=prefix)
    for blueprint in blueprints:
        api.register_blueprint(blueprint, url_prefix=prefix)
    app.extensions["cars.api"] = api

    @app.get(f"{prefix}/openapi.json")
    def openapi_document() -> Response:
        return jsonify(api.spec.to_dict())

    app.register_error_handler(Problem, lambda error: from_problem(error, g.get("request_id")))
    register_problems(app, problems or {})
    app.before_request(_bind_request_ids)
    app.after_request(_log_request)
    app.teardown_request(_unbind_request_ids)
    return app


def _health_blueprint(service: str) -> Blueprint:
    blueprint = Blueprint("health", f"{service}.health", description="Liveness and readiness")

    @blueprint.route("/healthz", methods=["GET"])
    @blueprint.response(200, Health)
    def healthz() -> dict[str, Any]:
        """The process is up."""
        return {"service": service, "status": "ok", "checks": {}}

    @blueprint.route("/readyz", methods=["GET"])
    @blueprint.response(200, Health)
    @documents_problems(blueprint, 503)
    def readyz() -> Any:
        """The database and the broker are reachable."""
        checks: dict[str, str] = {}
        for name, check in (
            ("database", lambda: current_app.extensions["cars.database"].ping()),
            ("broker", lambda: broker_reachable(current_app.extensions["cars.amqp_uri"])),
        ):
            try:
                check()
                checks[name] = "ok"
            except Exception as error:  # noqa: BLE001 - readiness reports, it does not raise
                checks[name] = f"unreachable: {type(error).__name__}"
        if any(value != "ok" for value in checks.values()):
            failing = ", ".join(name for name, value in checks.items() if value != "ok")
            return problem_response(
                503, "Service Unavailable", f"Not ready: {failing} unreachable.", request_id=g.get("request_id")
            )
        return {"service": service, "status": "ready", "checks": checks}

    return blueprint


__all__ = ["BEARER", "Blueprint", "Session", "create_gateway", "protected", "session_scope"]
