"""Domain exceptions declared once as problems, and the OpenAPI documentation of problem responses."""

import pytest
from marshmallow import Schema, fields

from cars_shared.db import Database
from cars_shared.web.app import Blueprint, create_gateway, protected
from cars_shared.web.problems import (
    NotFound,
    TooManyRequests,
    Unauthorized,
    Unprocessable,
    documents_problems,
    register_problems,
)

PROBLEM = "application/problem+json"


class LockedOut(Exception):
    def __init__(self, retry_after):
        super().__init__(retry_after)
        self.retry_after = retry_after


class NoSuchWidget(LookupError):
    pass


class WrongSecret(Exception):
    pass


class RulesBroken(Exception):
    pass


class Ok(Schema):
    ok = fields.Boolean(required=True)


def widgets_blueprint():
    blueprint = Blueprint("widgets", "widgets", description="Widgets, for testing problem mappings")
    register_problems(
        blueprint,
        {
            LockedOut: lambda error: TooManyRequests("Locked.", field="key_id", retry_after=error.retry_after),
            WrongSecret: lambda _error: Unauthorized("Wrong secret.", field="secret"),
            RulesBroken: lambda _error: Unprocessable.of_fields({"lines.0.amount": ["Too big."], "name": ["Empty."]}),
        },
    )

    @blueprint.route("/widgets/<kind>", methods=["POST"])
    @blueprint.response(200, Ok)
    @documents_problems(blueprint, 401, 422, 429)
    def poke(kind):
        raise {"locked": LockedOut(90), "secret": WrongSecret(), "rules": RulesBroken(), "missing": NoSuchWidget()}[
            kind
        ]

    @blueprint.route("/widgets/<kind>/shared", methods=["GET"])
    @blueprint.response(200, Ok)
    @documents_problems(blueprint, 404, by_reference=True)
    def shared(kind):
        raise NoSuchWidget(kind)

    @blueprint.route("/widgets/mine", methods=["GET"])
    @blueprint.response(200, Ok)
    @protected(blueprint, 404)
    def mine():
        return {"ok": True}

    return blueprint


def other_blueprint():
    blueprint = Blueprint("others", "others", description="A blueprint without the widgets' mappings")

    @blueprint.route("/others/locked", methods=["POST"])
    @blueprint.response(200, Ok)
    def locked():
        raise LockedOut(5)

    return blueprint


@pytest.fixture
def app(tmp_path, token_mint):
    return create_gateway(
        "widgets",
        [widgets_blueprint(), other_blueprint()],
        title="Widgets",
        database=Database(f"sqlite:///{tmp_path / 'widgets.db'}"),
        verifier=token_mint.verifier,
        problems={NoSuchWidget: lambda _error: NotFound("No such widget.")},
    )


@pytest.fixture
def client(app):
    return app.test_client()


def test_a_mapped_exception_answers_as_its_problem_naming_the_field(client):
    response = client.post("/api/widgets/widgets/secret")
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json["type"] == "https://cars.sos.ca.gov/problems/unauthorized"
    assert response.json["errors"] == [{"location": "json", "field": "secret", "messages": ["Wrong secret."]}]


def test_too_many_requests_carries_retry_after(client):
    response = client.post("/api/widgets/widgets/locked")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "90"
    assert response.json["title"] == "Too Many Requests"
    assert response.json["type"] == "https://cars.sos.ca.gov/problems/too-many-requests"


def test_several_fields_at_fault_answer_like_schema_validation(client):
    response = client.post("/api/widgets/widgets/rules")
    assert response.status_code == 422
    body = response.json
    assert body["type"] == "https://cars.sos.ca.gov/problems/unprocessable-entity"
    assert body["detail"] == "Invalid input: lines.0.amount, name."
    assert body["errors"] == [
        {"location": "json", "field": "lines.0.amount", "messages": ["Too big."]},
        {"location": "json", "field": "name", "messages": ["Empty."]},
    ]


def test_mappings_given_to_the_gateway_hold_in_every_blueprint(client):
    response = client.post("/api/widgets/widgets/missing")
    assert response.status_code == 404
    assert response.json["detail"] == "No such widget."


def test_a_blueprints_mappings_do_not_reach_other_blueprints(client):
    response = client.post("/api/widgets/others/locked")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers


def test_protected_routes_check_the_token(client, token_mint):
    assert client.get("/api/widgets/widgets/mine").status_code == 401
    assert client.get("/api/widgets/widgets/mine", headers=token_mint.headers(user_id="u-1")).json == {"ok": True}


def test_problem_responses_are_documented_inline_or_by_reference(client):
    document = client.get("/api/widgets/openapi.json").json
    paths = document["paths"]
    inline = paths["/api/widgets/widgets/{kind}"]["post"]["responses"]
    assert {"401", "422", "429"} <= set(inline)
    assert inline["429"]["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
    shared = paths["/api/widgets/widgets/{kind}/shared"]["get"]["responses"]
    assert shared["404"] == {"$ref": "#/components/responses/NOT_FOUND"}
    mine = paths["/api/widgets/widgets/mine"]["get"]
    assert mine["security"] == [{"bearerAuth": []}]
    assert {status: set(mine["responses"][status]["content"]) for status in ("401", "404")} == {
        "401": {PROBLEM},
        "404": {PROBLEM},
    }
