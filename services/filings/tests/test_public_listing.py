"""Every public filing version and filing entity, page by page (what a rebuild of public search walks)."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from filings.gateway import create_app
from filings.models import Entity, Filing

FILED = datetime(2026, 4, 20, 17, 0, tzinfo=UTC)


@pytest.fixture
def database(migrated_sqlite):
    return migrated_sqlite("filings")


@pytest.fixture
def client(database, token_mint):
    return create_app(database=database, verifier=token_mint.verifier).test_client()


def add_entity(database, entity_id, space="production", **changes):
    with database.session() as session:
        values = {
            "entity_id": entity_id,
            "name": f"Committee {entity_id}",
            "entity_type": "recipient_committee",
            "status": "active",
            "space": space,
            "registered_on": date(2026, 1, 12),
            "email": "treasurer@example.org",
            "city": "Sacramento",
            "created_by": "user-1",
            "created_at": FILED,
        }
        session.add(Entity(**{**values, **changes}))


def add_filing(database, filing_id, amendment=0, entity_id="2000001", space="production"):
    with database.session() as session:
        session.add(
            Filing(
                filing_id=filing_id,
                amendment=amendment,
                entity_id=entity_id,
                form="F460",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 6, 30),
                space=space,
                status="accepted",
                filed_at=FILED + timedelta(days=amendment),
                filed_by="user-1",
                records={},
                line_counts={},
                totals={},
                warnings=[],
            )
        )


def every_page(client, path, limit):
    items, after, pages = [], None, 0
    while True:
        query = {"limit": limit, **({"after": after} if after else {})}
        response = client.get(path, query_string=query)
        assert response.status_code == 200
        items += response.json["items"]
        pages += 1
        after = response.json["next_after"]
        if after is None:
            return items, pages


def test_every_public_filing_version_is_listed_once_in_key_order(client, database):
    add_entity(database, "2000001")
    add_entity(database, "S000001", space="sandbox")
    ids = sorted(str(uuid.uuid4()) for _ in range(3))
    for filing_id in ids:
        add_filing(database, filing_id)
    add_filing(database, ids[1], amendment=1)
    add_filing(database, "sandbox-filing", entity_id="S000001", space="sandbox")

    items, pages = every_page(client, "/api/filings/v1/public/filing-versions", limit=2)

    assert [(item["filing_id"], item["amendment"]) for item in items] == [
        (ids[0], 0),
        (ids[1], 0),
        (ids[1], 1),
        (ids[2], 0),
    ]
    assert pages == 2
    assert items[2] == {
        "filing_id": ids[1],
        "amendment": 1,
        "entity_id": "2000001",
        "form": "F460",
        "filed_at": "2026-04-21T17:00:00+00:00",
    }


def test_every_public_entity_is_listed_with_its_public_record_only(client, database):
    for entity_id in ("2000003", "2000001", "2000002"):
        add_entity(database, entity_id, entity_type="lobbyist", street="1 Home Street")
    add_entity(database, "S000001", space="sandbox")

    items, pages = every_page(client, "/api/filings/v1/public/entities", limit=2)

    assert [item["entity_id"] for item in items] == ["2000001", "2000002", "2000003"]
    assert pages == 2
    assert items[0]["name"] == "Committee 2000001"
    assert items[0]["city"] == "Sacramento"
    # A lobbyist's home address and e-mail are private on the forms that register one.
    assert not {"street", "email"} & set(items[0])


@pytest.mark.parametrize("path", ["/api/filings/v1/public/filing-versions", "/api/filings/v1/public/entities"])
@pytest.mark.parametrize("after", ["%%%", "bm90fGF8Y3Vyc29y", "x" * 300])
def test_a_cursor_not_given_out_is_a_422_naming_it(client, path, after):
    response = client.get(path, query_string={"after": after})
    assert response.status_code == 422
    assert [error["field"] for error in response.json["errors"]] == ["after"]
