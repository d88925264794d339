import jwt
import pytest

from accounts.gateway import create_app
from accounts.signing_key import SigningKey
from cars_shared.web.auth import TokenVerifier

PASSWORD = "quiet river stone"


@pytest.fixture
def client(migrated_sqlite):
    app = create_app(database=migrated_sqlite("accounts"), signing_key=SigningKey.generate())
    return app.test_client()


def sign_up(client, username="JDoe", password=PASSWORD, email="jdoe@example.org"):
    return client.post("/api/accounts/users", json={"username": username, "email": email, "password": password})


def sign_in(client, username="jdoe", password=PASSWORD):
    return client.post("/api/accounts/sessions", json={"username": username, "password": password})


def served_verifier(client):
    keys = client.get("/api/accounts/jwks.json").json["keys"]
    return TokenVerifier(keys={jwk["kid"]: jwt.PyJWK(jwk, algorithm="EdDSA").key for jwk in keys})


def field_names(response):
    return {error["field"] for error in response.json.get("errors", [])}


def test_sign_up_creates_the_account(client):
    response = sign_up(client)
    assert response.status_code == 201
    assert response.json["username"] == "JDoe"
    assert response.json["email"] == "jdoe@example.org"
    assert "password" not in response.json


def test_sign_in_answers_a_bearer_token_that_verifies_with_the_served_keys(client):
    user_id = sign_up(client).json["user_id"]
    response = sign_in(client)
    assert response.status_code == 200
    assert response.json["token_type"] == "Bearer"
    assert response.json["expires_in"] > 0
    principal = served_verifier(client).verify(response.json["access_token"])
    assert (principal.user_id, principal.username, principal.roles) == (user_id, "JDoe", ("filer",))
    assert principal.claims["entities"] == []


def test_served_key_set_holds_one_ed25519_signing_key(client):
    response = client.get("/api/accounts/jwks.json")
    (jwk,) = response.json["keys"]
    assert (jwk["kty"], jwk["crv"], jwk["use"], jwk["alg"]) == ("OKP", "Ed25519", "sig", "EdDSA")
    assert "d" not in jwk
    assert "max-age" in response.headers["Cache-Control"]


def test_me_answers_the_signed_in_users_account(client):
    user_id = sign_up(client).json["user_id"]
    token = sign_in(client).json["access_token"]
    response = client.get("/api/accounts/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json == {
        "user_id": user_id,
        "username": "JDoe",
        "email": "jdoe@example.org",
        "email_verified": False,
        "mfa_enabled": False,
        "mfa_required": False,
        "roles": ["filer"],
        "entities": [],
    }


def test_me_without_a_token_is_a_401_problem(client):
    response = client.get("/api/accounts/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_me_with_a_token_of_another_signer_is_refused(client, token_mint):
    response = client.get("/api/accounts/me", headers=token_mint.headers())
    assert response.status_code == 401


def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    sign_up(client)
    wrong_password = sign_in(client, password="quiet river stones")
    unknown_user = sign_in(client, username="nobody")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.headers["WWW-Authenticate"] == unknown_user.headers["WWW-Authenticate"]
    bodies = [response.get_json() for response in (wrong_password, unknown_user)]
    for body in bodies:
        assert body.pop("request_id")
    assert bodies[0] == bodies[1]


def test_username_taken_in_another_case_is_a_409_naming_username(client):
    sign_up(client, "JDoe")
    response = sign_up(client, "jdoe")
    assert response.status_code == 409
    assert field_names(response) == {"username"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "j doe", "email": "jdoe@example.org", "password": PASSWORD}, "username"),
        ({"username": "jdoe\n", "email": "jdoe@example.org", "password": PASSWORD}, "username"),
        ({"username": "jdoe", "email": "not-an-address", "password": PASSWORD}, "email"),
        ({"username": "jdoe", "email": "jdoe@example.org", "password": "too short"}, "password"),
        ({"username": "jdoe", "email": "jdoe@example.org"}, "password"),
        ({"username": "jdoe", "email": "jdoe@example.org", "password": "Password1234"}, "password"),
    ],
)
def test_bad_sign_up_input_is_a_422_naming_the_field(client, body, field):
    response = client.post("/api/accounts/users", json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in field_names(response)


def test_password_equal_to_the_username_is_a_422_naming_password(client):
    response = sign_up(client, username="treasurer.jane", password="Treasurer.Jane")
    assert response.status_code == 422
    assert response.json["type"].endswith("/unprocessable-entity")
    assert field_names(response) == {"password"}


@pytest.mark.parametrize("path", ["/api/accounts/users", "/api/accounts/sessions"])
@pytest.mark.parametrize("data", ['{"username": ', "[]", '"text"', "null"])
def test_malformed_or_non_object_json_body_is_a_4xx_problem(client, path, data):
    response = client.post(path, data=data, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.mimetype == "application/problem+json"


def test_sign_in_with_a_nul_character_is_refused_without_error(client):
    response = sign_in(client, username="jd\x00oe")
    assert response.status_code == 401


def test_openapi_document_describes_every_route(client):
    document = client.get("/api/accounts/openapi.json").json
    paths = document["paths"]
    routes = {"/api/accounts/jwks.json", "/api/accounts/users", "/api/accounts/sessions", "/api/accounts/me"}
    assert routes <= set(paths)
    assert paths["/api/accounts/me"]["get"]["security"] == [{"bearerAuth": []}]
    assert "409" in paths["/api/accounts/users"]["post"]["responses"]
