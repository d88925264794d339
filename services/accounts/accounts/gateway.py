"""The accounts HTTP gateway: sign-up, sign-in, the caller's own account, and the token-signing keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from flask import Flask, Response, current_app, g
from flask_smorest import Blueprint

from accounts import handlers
from accounts.audit import routes as audit_routes
from accounts.domain.password_policy import PasswordRejected
from accounts.domain.username import UsernameRejected
from accounts.exceptions import InvalidCredentials, UnknownUser, UsernameTaken
from accounts.links import routes as links_routes
from accounts.schemas import AccessTokenOut, JwksOut, MeOut, SignInIn, SignUpIn, UserOut
from accounts.signing_key import SigningKey
from accounts.vendors import routes as vendors_routes
from cars_shared.web.app import create_gateway, session_scope
from cars_shared.web.auth import authenticated, current_principal
from cars_shared.web.problems import PROBLEM_CONTENT_TYPE, Conflict, Problem, ProblemSchema, Unauthorized, from_problem

blueprint = Blueprint("accounts", __name__, description="Accounts, sign-in and access tokens")

WRONG_CREDENTIALS = "The username or the password is not correct."


class Unprocessable(Problem):
    """A rule the input breaks, answered like schema validation errors."""

    status, title, slug = 422, "Unprocessable Entity", "unprocessable-entity"


PROBLEMS: dict[type[Exception], Callable[[Exception], Problem]] = {
    UsernameRejected: lambda error: Unprocessable(str(error), field="username"),
    PasswordRejected: lambda error: Unprocessable(str(error), field="password"),
    UsernameTaken: lambda _error: Conflict("This username is taken; choose another.", field="username"),
    InvalidCredentials: lambda _error: Unauthorized(WRONG_CREDENTIALS),
    UnknownUser: lambda _error: Unauthorized("The account of this access token no longer exists."),
}


def signing_key() -> SigningKey:
    return current_app.extensions["accounts.signing_key"]


def problem_documented(*statuses: int) -> Callable:
    """Document the problem responses a route gives besides validation errors."""

    def decorate(view: Callable) -> Callable:
        for status in statuses:
            view = blueprint.alt_response(status, schema=ProblemSchema, content_type=PROBLEM_CONTENT_TYPE)(view)
        return view

    return decorate


@blueprint.route("/jwks.json", methods=["GET"])
@blueprint.response(200, JwksOut)
def jwks() -> tuple[dict[str, Any], dict[str, str]]:
    """The public keys that verify access tokens (JWK Set)."""
    return {"keys": [signing_key().jwk()]}, {"Cache-Control": "public, max-age=300"}


@blueprint.route("/users", methods=["POST"])
@blueprint.arguments(SignUpIn)
@blueprint.response(201, UserOut)
@problem_documented(409)
def sign_up(body: dict[str, Any]) -> dict[str, Any]:
    """Create an account (username, e-mail address, password)."""
    with session_scope() as session:
        user = handlers.register_user(session, body["username"], body["email"], body["password"])
        return {"user_id": user.id, "username": user.username, "email": user.email}


@blueprint.route("/sessions", methods=["POST"])
@blueprint.arguments(SignInIn)
@blueprint.response(200, AccessTokenOut)
@problem_documented(401)
def sign_in(body: dict[str, Any]) -> dict[str, Any]:
    """Sign in with username and password; answers an access token."""
    with session_scope() as session:
        return asdict(handlers.sign_in(session, signing_key(), body["username"], body["password"]))


@blueprint.route("/me", methods=["GET"])
@blueprint.doc(security=[{"bearerAuth": []}])
@blueprint.response(200, MeOut)
@problem_documented(401)
@authenticated
def me() -> dict[str, Any]:
    """The signed-in user's account and the entities it may act for."""
    with session_scope() as session:
        return handlers.profile(session, current_principal().user_id)


def answer_with_problem(error: Exception) -> Response:
    for kind, to_problem in PROBLEMS.items():
        if isinstance(error, kind):
            return from_problem(to_problem(error), g.get("request_id"))
    raise error


def create_app(**options: Any) -> Flask:
    """The accounts gateway; its verifier trusts this service's own key unless one is given."""
    key = options.pop("signing_key", None) or SigningKey.load()
    options.setdefault("verifier", key.verifier())
    app = create_gateway(
        "accounts",
        [blueprint, links_routes.blueprint, vendors_routes.blueprint, audit_routes.blueprint],
        title="CARS accounts",
        **options,
    )
    app.extensions["accounts.signing_key"] = key
    for kind in PROBLEMS:
        app.register_error_handler(kind, answer_with_problem)
    return app
