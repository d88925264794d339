import pytest

from fees.gateway import create_app


@pytest.fixture
def client(migrated_sqlite, token_mint):
    app = create_app(database=migrated_sqlite("fees"), verifier=token_mint.verifier)
    return app.test_client()


def test_fee_schedule_is_public_data(client):
    response = client.get("/api/fees/schedule")
    assert response.status_code == 200
    assert response.json["annual_fee"][0]["amount_cents"] == 5000


def test_unknown_route_is_a_404_problem(client):
    response = client.get("/api/fees/nowhere")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 404


def test_openapi_document_is_served(client):
    document = client.get("/api/fees/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert "/api/fees/schedule" in document["paths"]
