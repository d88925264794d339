from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from cars_shared.messaging_tables import outbox
from cars_shared.web.app import create_gateway
from cars_shared.web.auth import sign_access_token
from filings import SERVICE
from filings.deadlines import routes
from filings.deadlines.models import DeadlineRun
from filings.models import Entity

COMMITTEE, SANDBOX_COMMITTEE = "2000001", "S0000001"


@pytest.fixture
def database(migrated_sqlite):
    database = migrated_sqlite("filings")
    with database.session() as session:
        for entity_id, space in ((COMMITTEE, "production"), (SANDBOX_COMMITTEE, "sandbox")):
            session.add(
                Entity(
                    entity_id=entity_id,
                    name="Friends of Example for Assembly 2026",
                    entity_type="recipient_committee",
                    status="active",
                    space=space,
                    legacy=False,
                    registered_on=date(2026, 1, 1),
                    created_by="user-treasurer",
                    created_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )
    return database


@pytest.fixture
def client(database, token_mint):
    app = create_gateway(
        SERVICE, [routes.blueprint], title="CARS filings", database=database, verifier=token_mint.verifier
    )
    return app.test_client()


def staff_headers(token_mint, **claims):
    token = sign_access_token(
        token_mint.private_key,
        token_mint.kid,
        user_id="staff-7",
        username="staff7",
        roles=["staff"],
        ttl_seconds=300,
        extra_claims=claims,
    )
    return {"Authorization": f"Bearer {token}"}


def test_the_calendar_lists_each_years_deadlines_moved_past_weekends(client):
    response = client.get("/api/filings/v1/calendar?year=2026")

    assert response.status_code == 200
    deadlines = {(d["form"], d["kind"], d["period_end"]): d for d in response.json["deadlines"]}
    first_half = deadlines[("F460", "semi_annual", "2026-06-30")]
    assert first_half["due_on"] == "2026-07-31"
    assert "recipient_committee" in first_half["filed_by"]
    assert first_half["summary"] == (
        "Form 460 (Recipient Committee Campaign Statement), semi-annual statement, "
        "covering January 1, 2026 through June 30, 2026: due July 31, 2026."
    )
    # Last year's second half closes December 31 and falls due on Saturday, January 31: moved to Monday.
    assert deadlines[("F460", "semi_annual", "2025-12-31")]["due_on"] == "2026-02-02"
    assert deadlines[("F615", "quarterly", "2026-09-30")]["due_on"] == "2026-11-02"


def test_the_calendar_shows_pre_election_statements_and_24_hour_windows(client):
    calendar = client.get("/api/filings/v1/calendar?year=2026").json

    pre_election = [d for d in calendar["deadlines"] if d["form"] == "F460" and d["election_date"] == "2026-06-02"]
    assert [(d["kind"], d["period_end"], d["due_on"]) for d in pre_election] == [
        ("first_pre_election", "2026-04-18", "2026-04-23"),
        ("second_pre_election", "2026-05-16", "2026-05-21"),
    ]
    assert pre_election[0]["election"] == "June 2, 2026 Statewide Direct Primary Election"
    windows = {(w["form"], w["election_date"]): w for w in calendar["reporting_windows"]}
    assert (windows[("F497", "2026-11-03")]["first_day"], windows[("F497", "2026-11-03")]["last_day"]) == (
        "2026-08-05",
        "2026-11-02",
    )
    assert [e["held_on"] for e in calendar["elections"]] == ["2026-06-02", "2026-11-03"]
    assert {"date": "2026-11-27", "name": "Day after Thanksgiving"} in calendar["state_holidays"]


def test_a_calendar_year_outside_the_calendar_is_refused_naming_the_year(client):
    response = client.get("/api/filings/v1/calendar?year=1999")

    assert response.status_code == 422
    assert {error["field"] for error in response.json["errors"]} == {"year"}


def test_an_entitys_deadlines_say_what_is_past_due_and_what_comes_next(client):
    response = client.get(f"/api/filings/v1/entities/{COMMITTEE}/deadlines?as_of=2026-08-03")

    assert response.status_code == 200
    view = response.json
    assert (view["entity_id"], view["as_of"]) == (COMMITTEE, "2026-08-03")
    assert [(d["period_end"], d["due_on"], d["days_late"]) for d in view["past_due"]] == [
        ("2026-06-30", "2026-07-31", 3)
    ]
    assert view["past_due"][0]["summary"].endswith("was due July 31, 2026 and has not been filed; 3 days late.")
    # The coming year: July 31, 2027 is a Saturday.
    assert [(d["period_end"], d["due_on"]) for d in view["upcoming"]] == [
        ("2026-12-31", "2027-02-01"),
        ("2027-06-30", "2027-08-02"),
    ]
    assert view["filed_late"] == []


def test_sandbox_and_unknown_entities_have_no_public_deadlines(client):
    for entity_id in (SANDBOX_COMMITTEE, "2999999", "not-an-id!"):
        assert client.get(f"/api/filings/v1/entities/{entity_id}/deadlines").status_code == 404


def test_only_staff_run_the_late_filing_check(client, token_mint):
    assert client.post("/api/filings/v1/deadlines/runs", json={"as_of": "2026-08-03"}).status_code == 401
    filer = client.post("/api/filings/v1/deadlines/runs", json={"as_of": "2026-08-03"}, headers=token_mint.headers())
    assert filer.status_code == 403
    without_mfa = client.post(
        "/api/filings/v1/deadlines/runs", json={"as_of": "2026-08-03"}, headers=staff_headers(token_mint, mfa=False)
    )
    assert without_mfa.status_code == 403


def test_a_staff_run_finds_the_missing_statement_and_records_who_ran_it(client, token_mint, database):
    response = client.post(
        "/api/filings/v1/deadlines/runs", json={"as_of": "2026-08-03"}, headers=staff_headers(token_mint, mfa=True)
    )

    assert response.status_code == 201
    run = response.json
    assert (run["as_of"], run["requested_by"], run["entities_checked"], run["found_missing"]) == (
        "2026-08-03",
        "staff-7",
        1,
        1,
    )
    with database.session() as session:
        assert session.get(DeadlineRun, run["run_id"]).requested_by == "staff-7"
        assert session.scalars(select(outbox.c.event_type)).all() == ["filing_late"]


def test_a_run_for_a_malformed_day_is_refused_naming_the_field(client, token_mint):
    response = client.post(
        "/api/filings/v1/deadlines/runs", json={"as_of": "last tuesday"}, headers=staff_headers(token_mint)
    )

    assert response.status_code == 422
    assert {error["field"] for error in response.json["errors"]} == {"as_of"}
