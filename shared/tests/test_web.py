import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from cars_shared.db import Database
from cars_shared.messaging_tables import metadata, outbox
from cars_shared.web.app import Blueprint, create_gateway, session_scope
from cars_shared.web.auth import TokenVerifier, authenticated, current_principal, sign_access_token
from cars_shared.web.problems import Conflict, NotFound, Unauthorized

PROBLEM = "application/problem+json"


class ThingIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=20))
    count = fields.Integer(required=True, validate=validate.Range(min=0, max=10))


class ThingOut(Schema):
    name = fields.String(required=True)
    count = fields.Integer(required=True)


class Caller(Schema):
    user_id = fields.String(required=True)
    roles = fields.List(fields.String())


class Pending(Schema):
    pending = fields.Integer(required=True)


def things_blueprint():
    blueprint = Blueprint("things", "things", description="Things, for testing the gateway factory")

    @blueprint.route("/things", methods=["POST"])
    @blueprint.arguments(ThingIn)
    @blueprint.response(201, ThingOut)
    def create_thing(data):
        if data["name"] == "taken":
            raise Conflict("That name is taken.", field="name")
        return data

    @blueprint.route("/things/<thing_id>", methods=["GET"])
    @blueprint.response(200, ThingOut)
    def get_thing(thing_id):
        raise NotFound(f"No thing {thing_id}.")

    @blueprint.route("/me", methods=["GET"])
    @blueprint.doc(security=[{"bearerAuth": []}])
    @blueprint.response(200, Caller)
    @authenticated
    def me():
        principal = current_principal()
        return {"user_id": principal.user_id, "roles": list(principal.roles)}

    @blueprint.route("/pending", methods=["GET"])
    @blueprint.response(200, Pending)
    def pending():
        with session_scope() as session:
            return {"pending": session.scalar(select(func.count()).select_from(outbox))}

    @blueprint.route("/boom", methods=["GET"])
    @blueprint.response(200, ThingOut)
    def boom():
        raise RuntimeError("secret internals")

    return blueprint


@pytest.fixture
def sqlite_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'things.db'}"
    database = Database(url)
    metadata.create_all(database.engine)
    database.dispose()
    return url


def make_client(url, verifier, amqp_uri="amqp://guest:guest@127.0.0.1:5672/"):
    app = create_gateway(
        "things", [things_blueprint()], title="Things", database=Database(url), verifier=verifier, amqp_uri=amqp_uri
    )
    return app.test_client()


@pytest.fixture
def client(sqlite_url, token_mint):
    return make_client(sqlite_url, token_mint.verifier)


def assert_problem(response, status):
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.json
    assert body["status"] == status
    assert body["type"].startswith("https://cars.sos.ca.gov/problems/")
    assert body["title"]
    return body


def fields_named(body):
    return {error["field"] for error in body.get("errors", [])}


def test_unknown_route_is_a_404_problem(client):
    assert_problem(client.get("/api/things/nowhere"), 404)
    assert_problem(client.get("/elsewhere"), 404)


def test_raised_not_found_is_a_404_problem_with_its_detail(client):
    body = assert_problem(client.get("/api/things/things/t-9"), 404)
    assert body["detail"] == "No thing t-9."


def test_malformed_json_is_a_4xx_problem(client):
    response = client.post("/api/things/things", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert_problem(response, response.status_code)


def test_validation_errors_name_every_field_at_fault(client):
    body = assert_problem(client.post("/api/things/things", json={"name": "", "count": 99}), 422)
    assert fields_named(body) == {"name", "count"}
    assert all(error["location"] == "json" and error["messages"] for error in body["errors"])
    assert "count" in body["detail"] and "name" in body["detail"]


def test_a_missing_field_is_named(client):
    body = assert_problem(client.post("/api/things/things", json={"name": "x"}), 422)
    assert fields_named(body) == {"count"}


def test_a_rule_violation_problem_names_its_field(client):
    body = assert_problem(client.post("/api/things/things", json={"name": "taken", "count": 1}), 409)
    assert body["errors"] == [{"location": "json", "field": "name", "messages": ["That name is taken."]}]


def test_valid_input_gets_the_documented_response(client):
    response = client.post("/api/things/things", json={"name": "kite", "count": 2})
    assert response.status_code == 201
    assert response.json == {"name": "kite", "count": 2}


def test_wrong_method_is_a_405_problem_with_allow(client):
    response = client.get("/api/things/things")
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_an_unexpected_error_is_a_500_problem_that_reveals_nothing(client):
    body = assert_problem(client.get("/api/things/boom"), 500)
    assert "secret" not in json.dumps(body)


def test_request_id_is_echoed_and_carried_in_problems(client):
    response = client.get("/api/things/nowhere", headers={"X-Request-ID": "req-42"})
    assert response.headers["X-Request-ID"] == "req-42"
    assert response.json["request_id"] == "req-42"
    assert client.get("/api/things/healthz").headers["X-Request-ID"]


def test_session_scope_uses_the_gateways_database(client):
    assert client.get("/api/things/pending").json == {"pending": 0}


def test_healthz_answers_without_dependencies(sqlite_url, token_mint):
    client = make_client(sqlite_url, token_mint.verifier, amqp_uri="amqp://guest:guest@127.0.0.1:5999/")
    response = client.get("/api/things/healthz")
    assert response.status_code == 200
    assert response.json == {"service": "things", "status": "ok", "checks": {}}


def test_readyz_is_ready_when_database_and_broker_answer(sqlite_url, token_mint, amqp_vhost):
    response = make_client(sqlite_url, token_mint.verifier, amqp_uri=amqp_vhost).get("/api/things/readyz")
    assert response.status_code == 200
    assert response.json == {"service": "things", "status": "ready", "checks": {"database": "ok", "broker": "ok"}}


def test_readyz_is_a_503_problem_when_the_broker_is_unreachable(sqlite_url, token_mint):
    client = make_client(sqlite_url, token_mint.verifier, amqp_uri="amqp://guest:guest@127.0.0.1:5999/")
    body = assert_problem(client.get("/api/things/readyz"), 503)
    assert "broker" in body["detail"]


def test_readyz_is_a_503_problem_when_the_database_is_unreachable(token_mint, amqp_vhost):
    client = make_client("postgresql://postgres@127.0.0.1:5999/nowhere", token_mint.verifier, amqp_uri=amqp_vhost)
    body = assert_problem(client.get("/api/things/readyz"), 503)
    assert "database" in body["detail"] and "broker" not in body["detail"]


def test_openapi_document_describes_routes_security_and_problems(client):
    response = client.get("/api/things/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert {"/api/things/things", "/api/things/me", "/api/things/healthz", "/api/things/readyz"} <= set(paths)
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert paths["/api/things/me"]["get"]["security"] == [{"bearerAuth": []}]
    create = paths["/api/things/things"]["post"]
    assert "requestBody" in create

    def content_types(response):
        if "$ref" in response:
            response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        return set(response["content"])

    assert content_types(create["responses"]["422"]) == {PROBLEM}
    assert content_types(create["responses"]["default"]) == {PROBLEM}
    assert content_types(paths["/api/things/readyz"]["get"]["responses"]["503"]) == {PROBLEM}


# Access tokens


def test_a_valid_token_is_accepted(client, token_mint):
    response = client.get("/api/things/me", headers=token_mint.headers(user_id="u-7", roles=("staff",)))
    assert response.status_code == 200
    assert response.json == {"user_id": "u-7", "roles": ["staff"]}


def unauthorized(response):
    body = assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    return body


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def token(key, kid="test-key", ttl_seconds=300, **extra):
    return sign_access_token(
        key, kid, user_id="u-1", username="u1", roles=["filer"], ttl_seconds=ttl_seconds, extra_claims=extra
    )


def test_a_missing_token_is_a_401_problem(client):
    unauthorized(client.get("/api/things/me"))
    unauthorized(client.get("/api/things/me", headers={"Authorization": "Basic dXNlcjpwYXNz"}))
    unauthorized(client.get("/api/things/me", headers={"Authorization": "Bearer "}))


def test_an_expired_token_is_a_401_problem(client, token_mint):
    body = unauthorized(client.get("/api/things/me", headers=bearer(token(token_mint.private_key, ttl_seconds=-60))))
    assert "expired" in body["detail"]


def test_a_token_signed_by_another_key_is_a_401_problem(client):
    unauthorized(client.get("/api/things/me", headers=bearer(token(Ed25519PrivateKey.generate()))))


def test_a_token_with_an_unknown_key_id_is_a_401_problem(client):
    body = unauthorized(client.get("/api/things/me", headers=bearer(token(Ed25519PrivateKey.generate(), kid="other"))))
    assert "unknown key" in body["detail"]


def test_a_token_for_another_audience_or_issuer_is_a_401_problem(client, token_mint):
    unauthorized(client.get("/api/things/me", headers=bearer(token(token_mint.private_key, aud="elsewhere"))))
    unauthorized(client.get("/api/things/me", headers=bearer(token(token_mint.private_key, iss="someone-else"))))


def test_a_garbled_token_is_a_401_problem(client):
    unauthorized(client.get("/api/things/me", headers=bearer("not.a.token")))


@pytest.fixture
def jwks_server():
    key = Ed25519PrivateKey.generate()
    jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(key.public_key()))
    served = {"keys": [{**jwk, "kid": "served-key", "alg": "EdDSA", "use": "sig"}]}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(served).encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield key, f"http://127.0.0.1:{server.server_port}/api/accounts/jwks.json", served
    server.shutdown()


def test_keys_are_fetched_from_the_jwks_url_by_key_id(sqlite_url, jwks_server):
    key, url, _served = jwks_server
    client = make_client(sqlite_url, TokenVerifier(jwks_url=url))
    response = client.get("/api/things/me", headers=bearer(token(key, kid="served-key")))
    assert response.status_code == 200
    assert response.json["user_id"] == "u-1"


def test_a_key_retired_from_the_jwks_stops_verifying_once_the_key_set_is_refreshed(sqlite_url, jwks_server):
    key, url, served = jwks_server
    fresh = make_client(sqlite_url, TokenVerifier(jwks_url=url, max_key_age=0))
    cached = make_client(sqlite_url, TokenVerifier(jwks_url=url, max_key_age=3600))
    signed = bearer(token(key, kid="served-key"))
    assert fresh.get("/api/things/me", headers=signed).status_code == 200
    assert cached.get("/api/things/me", headers=signed).status_code == 200
    served["keys"] = []
    unauthorized(fresh.get("/api/things/me", headers=signed))
    assert cached.get("/api/things/me", headers=signed).status_code == 200


def test_an_unreachable_jwks_url_is_a_401_problem_not_a_500(sqlite_url):
    client = make_client(sqlite_url, TokenVerifier(jwks_url="http://127.0.0.1:5999/jwks.json"))
    body = unauthorized(client.get("/api/things/me", headers=bearer(token(Ed25519PrivateKey.generate(), kid="k"))))
    assert "try again" in body["detail"]


def test_a_verified_token_is_trusted_again_only_until_it_expires():
    key = Ed25519PrivateKey.generate()
    verifier = TokenVerifier(keys={"k": key.public_key()})
    signed = token(key, kid="k", ttl_seconds=1)
    first = verifier.verify(signed)
    assert verifier.verify(signed) is first
    time.sleep(max(0.0, float(first.claims["exp"]) - time.time()) + 0.05)
    with pytest.raises(Unauthorized, match="expired"):
        verifier.verify(signed)


def test_a_token_trusted_before_is_checked_again_once_its_key_is_retired(jwks_server):
    key, url, served = jwks_server
    verifier = TokenVerifier(jwks_url=url, max_key_age=0)
    signed = token(key, kid="served-key")
    assert verifier.verify(signed).user_id == "u-1"
    served["keys"] = []
    with pytest.raises(Unauthorized):
        verifier.verify(signed)


GATEWAY_LOGS = """
import sys
from cars_shared.db import Database
from cars_shared.web.app import create_gateway
app = create_gateway("things", [], title="Things", database=Database(sys.argv[1]), verifier=object(), amqp_uri="-")
app.test_client().get("/api/things/healthz")
"""


@pytest.mark.parametrize(("level", "logged"), [("INFO", True), ("WARNING", False)])
def test_a_gateway_logs_json_lines_at_the_configured_level(sqlite_url, level, logged):
    env = {**os.environ, "LOG_LEVEL": level}
    run = subprocess.run(
        [sys.executable, "-c", GATEWAY_LOGS, sqlite_url], env=env, capture_output=True, text=True, check=True
    )
    lines = [json.loads(line) for line in run.stderr.splitlines() if line.strip()]
    requests = [line for line in lines if line["event"] == "http_request"]
    if logged:
        assert [(line["process"], line["path"], line["status"], line["level"]) for line in requests] == [
            ("things-gateway", "/api/things/healthz", 200, "info")
        ]
    else:
        assert requests == []
