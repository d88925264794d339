import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from cars_shared.events.envelope import read_event
from cars_shared.web.auth import sign_access_token
from fees import handlers
from fees.domain.calendar import california_today
from fees.gateway import create_app
from fees.models import LateFilingFine, StaffAction

ENTITY = "2000001"
STAFF = "staff-user-1"


@pytest.fixture
def client(database, token_mint):
    app = create_app(database=database, verifier=token_mint.verifier)
    return app.test_client()


@pytest.fixture
def bearer(token_mint):
    """Call with a user id, roles and claims to get Authorization headers for them."""

    def headers(user_id=STAFF, roles=("staff",), **claims):
        token = sign_access_token(
            token_mint.private_key,
            token_mint.kid,
            user_id=user_id,
            username=user_id,
            roles=roles,
            ttl_seconds=300,
            extra_claims={"mfa": True, **claims},
        )
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def staff(bearer):
    return bearer()


@pytest.fixture
def officer(bearer):
    return bearer("officer-1", ("filer",), entities=[{"entity_id": ENTITY, "role": "viewer"}])


@pytest.fixture
def stranger(bearer):
    return bearer("stranger-1", ("filer",), entities=[{"entity_id": "2999999", "role": "officer"}])


@pytest.fixture
def account(database, registered, filing_late):
    """A committee registered 60 days ago (its fee charged) with a late filing fine opened 30 days ago."""
    today = california_today()
    with database.session() as session:
        handlers.record_registration(session, registered(ENTITY, registered_on=today - timedelta(days=60)), today=today)
        fine = handlers.assess_late_filing(
            session,
            filing_late(ENTITY, days_late=4, due_on=today - timedelta(days=34)),
            today=today - timedelta(days=30),
        )
    return fine.item_id


def log_lines(database):
    with database.session() as session:
        return session.scalars(select(StaffAction).order_by(StaffAction.seq)).all()


def test_the_fee_schedule_is_public_data(client):
    schedule = client.get("/api/fees/schedule").json
    assert schedule["annual_fee"][0]["amount_cents"] == 5000
    assert (
        schedule["annual_fee"][0]["report_only_registrations"],
        schedule["annual_fee"][0]["due_on_business_day"],
    ) == (
        ["F635"],
        True,
    )
    assert schedule["late_payment"][0]["penalty_cents"] == 15000
    assert schedule["late_filing"][0] == {
        "effective_from": "2000-01-01",
        "per_day_cents": 1000,
        "minimum_cap_cents": 10000,
        "notice_period_days": 30,
    }


def test_staff_read_an_entitys_statement_with_balance_aging_and_who_made_each_entry(client, staff, account):
    statement = client.get(f"/api/fees/v1/entities/{ENTITY}/statement", headers=staff).json
    assert (statement["balance_cents"], statement["open_cents"]) == (9000, 9000)
    assert [entry["balance_cents"] for entry in statement["entries"]] == [5000, 9000]
    assert [item["aging"] for item in statement["items"]] == ["days_31_60", "days_1_30"]
    assert statement["aging"]["days_31_60"] == 5000
    assert statement["entries"][1]["actor"] == "system:filings.filing_late"
    assert statement["late_filing_fines"][0]["cap_basis"] == "minimum"


def test_an_entitys_own_people_read_its_statement_without_staff_identities(client, staff, officer, account, database):
    client.post(
        f"/api/fees/v1/entities/{ENTITY}/adjustments",
        json={"amount_cents": -1000, "reason": "Goodwill credit", "item_id": None},
        headers=staff,
    )
    statement = client.get(f"/api/fees/v1/entities/{ENTITY}/statement", headers=officer).json
    assert [entry["actor"] for entry in statement["entries"]] == ["system", "system", "staff"]
    assert STAFF not in str(statement)


def test_people_of_another_entity_and_the_public_are_refused_the_statement(client, stranger, account):
    for path in ("statement", "statement.csv"):
        refused = client.get(f"/api/fees/v1/entities/{ENTITY}/{path}", headers=stranger)
        assert refused.status_code == 403
        assert refused.mimetype == "application/problem+json"
        assert account not in refused.get_data(as_text=True)
        assert client.get(f"/api/fees/v1/entities/{ENTITY}/{path}").status_code == 401


def test_an_account_fees_does_not_know_is_a_404(client, staff):
    assert client.get("/api/fees/v1/entities/2777777/statement", headers=staff).status_code == 404
    assert client.get("/api/fees/v1/entities/not-an-id!/statement", headers=staff).status_code == 404


def test_a_statement_as_of_an_earlier_day_leaves_out_later_entries(client, staff, account):
    earlier = (california_today() - timedelta(days=45)).isoformat()
    statement = client.get(f"/api/fees/v1/entities/{ENTITY}/statement?as_of={earlier}", headers=staff).json
    assert [entry["kind"] for entry in statement["entries"]] == ["annual_fee"]


def test_the_statement_as_csv_has_a_row_per_entry_in_dollars(client, staff, account):
    client.post(
        f"/api/fees/v1/entities/{ENTITY}/adjustments",
        json={"amount_cents": 250, "reason": '=HYPERLINK("http://evil")'},
        headers=staff,
    )
    response = client.get(f"/api/fees/v1/entities/{ENTITY}/statement.csv", headers=staff)
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(row["kind"], row["amount_usd"], row["balance_usd"]) for row in rows] == [
        ("annual_fee", "50.00", "50.00"),
        ("late_filing_fine", "40.00", "90.00"),
        ("adjustment", "2.50", "92.50"),
    ]
    assert rows[2]["reason"].startswith("'=")


def test_staff_waive_a_fine_not_wilful_with_a_reason_and_the_action_is_logged(client, staff, account, database, queued):
    response = client.post(
        f"/api/fees/v1/entities/{ENTITY}/waivers",
        json={"item_id": account, "reason": "Treasurer hospitalised", "wilful": False},
        headers={**staff, "X-Forwarded-For": "ignored"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert response.status_code == 201, response.json
    assert (response.json["kind"], response.json["amount_cents"]) == ("waiver", -4000)
    with database.session() as session:
        assert session.get(LateFilingFine, account).status == "waived"
    [waived] = queued("fine_waived")
    assert read_event(waived)["payload"]["actor"] == f"staff:{STAFF}"
    [line] = log_lines(database)
    assert (line.actor_id, line.client, line.action, line.entity_id, line.target_id, line.outcome) == (
        STAFF,
        "10.1.2.3",
        "waive_fine",
        ENTITY,
        account,
        "done",
    )


def test_wilful_lateness_is_not_waived_and_the_refusal_is_logged(client, staff, account, database):
    response = client.post(
        f"/api/fees/v1/entities/{ENTITY}/waivers",
        json={"item_id": account, "reason": "Asked nicely", "wilful": True},
        headers=staff,
    )
    assert response.status_code == 409
    assert response.json["errors"][0]["field"] == "wilful"
    [line] = log_lines(database)
    assert (line.outcome, line.detail["wilful"]) == ("refused", True)
    assert "wilful" in line.outcome_detail


def test_no_waiver_once_a_written_notice_went_unanswered(client, staff, account, database):
    sent_on = (california_today() - timedelta(days=31)).isoformat()
    notice = client.post(
        f"/api/fees/v1/entities/{ENTITY}/late-filing-notices",
        json={"item_id": account, "sent_on": sent_on},
        headers=staff,
    )
    assert notice.status_code == 200, notice.json
    response = client.post(
        f"/api/fees/v1/entities/{ENTITY}/waivers",
        json={"item_id": account, "reason": "Not wilful", "wilful": False},
        headers=staff,
    )
    assert response.status_code == 409
    assert "unanswered" in response.json["detail"]
    assert [(line.action, line.outcome) for line in log_lines(database)] == [
        ("record_notice", "done"),
        ("waive_fine", "refused"),
    ]


def test_a_notice_still_within_its_period_leaves_the_fine_waivable(client, staff, account):
    sent_on = (california_today() - timedelta(days=5)).isoformat()
    client.post(
        f"/api/fees/v1/entities/{ENTITY}/late-filing-notices",
        json={"item_id": account, "sent_on": sent_on},
        headers=staff,
    )
    response = client.post(
        f"/api/fees/v1/entities/{ENTITY}/waivers",
        json={"item_id": account, "reason": "Not wilful", "wilful": False},
        headers=staff,
    )
    assert response.status_code == 201


def test_staff_adjust_an_account_with_a_reason(client, staff, account, ledger_of):
    charge = client.post(
        f"/api/fees/v1/entities/{ENTITY}/adjustments",
        json={"amount_cents": 1500, "reason": "Returned cheque fee"},
        headers=staff,
    )
    assert charge.status_code == 201
    assert charge.json["item_id"] == charge.json["entry_id"]
    fee_id = ledger_of(ENTITY)[0].id
    too_much = client.post(
        f"/api/fees/v1/entities/{ENTITY}/adjustments",
        json={"amount_cents": -6000, "reason": "Credit", "item_id": fee_id},
        headers=staff,
    )
    assert (too_much.status_code, too_much.json["errors"][0]["field"]) == (409, "amount_cents")
    nothing = client.post(
        f"/api/fees/v1/entities/{ENTITY}/adjustments", json={"amount_cents": 0, "reason": "Nothing"}, headers=staff
    )
    assert (nothing.status_code, nothing.json["errors"][0]["field"]) == (422, "amount_cents")
    blank = client.post(
        f"/api/fees/v1/entities/{ENTITY}/adjustments", json={"amount_cents": 100, "reason": "  "}, headers=staff
    )
    assert (blank.status_code, blank.json["errors"][0]["field"]) == (422, "reason")


def test_staff_correct_an_entry_by_reversing_it_once(client, staff, account, ledger_of):
    fee_id = ledger_of(ENTITY)[0].id
    body = {"entry_id": fee_id, "reason": "Registered twice by mistake"}
    first = client.post(f"/api/fees/v1/entities/{ENTITY}/reversals", json=body, headers=staff)
    assert (first.status_code, first.json["amount_cents"], first.json["reverses_entry_id"]) == (201, -5000, fee_id)
    again = client.post(f"/api/fees/v1/entities/{ENTITY}/reversals", json=body, headers=staff)
    assert again.status_code == 409
    other = client.post("/api/fees/v1/entities/2000009/reversals", json=body, headers=staff)
    assert other.status_code == 404


def test_reversing_a_waiver_puts_the_fine_back(client, staff, account, database):
    waiver = client.post(
        f"/api/fees/v1/entities/{ENTITY}/waivers",
        json={"item_id": account, "reason": "Not wilful", "wilful": False},
        headers=staff,
    ).json
    client.post(
        f"/api/fees/v1/entities/{ENTITY}/reversals",
        json={"entry_id": waiver["entry_id"], "reason": "Waived the wrong fine"},
        headers=staff,
    )
    with database.session() as session:
        assert session.get(LateFilingFine, account).status == "accruing"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("waivers", {"item_id": "x", "reason": "r", "wilful": False}),
        ("adjustments", {"amount_cents": -100, "reason": "r"}),
        ("reversals", {"entry_id": "x", "reason": "r"}),
        ("late-filing-notices", {"item_id": "x", "sent_on": "2026-01-01"}),
    ],
)
def test_only_staff_act_on_accounts_and_refusals_are_logged(client, officer, bearer, account, database, path, body):
    refused = client.post(f"/api/fees/v1/entities/{ENTITY}/{path}", json=body, headers=officer)
    assert refused.status_code == 403
    without_mfa = bearer(mfa=False)
    assert client.post(f"/api/fees/v1/entities/{ENTITY}/{path}", json=body, headers=without_mfa).status_code == 403
    assert [(line.actor_id, line.outcome) for line in log_lines(database)] == [
        ("officer-1", "refused"),
        (STAFF, "refused"),
    ]


def test_a_path_that_is_no_entity_id_is_refused_and_logged_as_asked(client, staff, bearer, database):
    long_id = "9" * 300
    body = {"amount_cents": 100, "reason": "Fee"}
    assert client.post(f"/api/fees/v1/entities/{long_id}/adjustments", json=body, headers=staff).status_code == 404
    stranger = bearer("filer-9", ("filer",))
    assert client.post(f"/api/fees/v1/entities/{long_id}/adjustments", json=body, headers=stranger).status_code == 403
    lines = log_lines(database)
    assert [(line.entity_id, line.outcome, len(line.detail["entity_id_given"])) for line in lines] == [
        (None, "refused", 100),
        (None, "refused", 100),
    ]


def test_receivables_by_entity_type_as_json_and_csv(client, staff, officer, account, database, registered):
    with database.session() as session:
        handlers.record_registration(
            session, registered("2000002", entity_type="lobbying_firm", registered_on=california_today())
        )
    report = client.get("/api/fees/v1/receivables", headers=staff).json
    lines = {line["entity_type"]: line for line in report["lines"]}
    assert lines["recipient_committee"]["by_bucket"] == {
        "current": 0,
        "days_1_30": 4000,
        "days_31_60": 5000,
        "days_61_90": 0,
        "over_90": 0,
    }
    assert lines["lobbying_firm"]["by_bucket"]["current"] == 5000
    assert (report["total"]["open_cents"], report["total"]["entities_owing"]) == (14000, 2)
    rows = list(
        csv.DictReader(io.StringIO(client.get("/api/fees/v1/receivables.csv", headers=staff).get_data(as_text=True)))
    )
    assert [(row["entity_type"], row["open_usd"]) for row in rows] == [
        ("lobbying_firm", "50.00"),
        ("recipient_committee", "90.00"),
        ("total", "140.00"),
    ]
    assert client.get("/api/fees/v1/receivables", headers=officer).status_code == 403


def test_staff_read_the_staff_action_log_and_the_assessment_runs(client, staff, officer, account):
    client.post(
        f"/api/fees/v1/entities/{ENTITY}/adjustments", json={"amount_cents": 100, "reason": "Fee"}, headers=staff
    )
    log = client.get(f"/api/fees/v1/staff-actions?entity_id={ENTITY}", headers=staff).json["items"]
    assert [(line["action"], line["outcome"]) for line in log] == [("adjust", "done")]
    assert client.get("/api/fees/v1/assessment-runs", headers=staff).json == {"items": []}
    assert client.get("/api/fees/v1/staff-actions", headers=officer).status_code == 403


def test_unknown_route_is_a_404_problem(client):
    response = client.get("/api/fees/nowhere")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_openapi_document_is_served(client):
    document = client.get("/api/fees/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert "/api/fees/v1/entities/{entity_id}/statement" in document["paths"]
