import copy
import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from cars_shared.web.auth import Principal, sign_access_token
from filings.domain.forms import form_named
from filings.domain.forms.declaration import PartKind
from filings.examples import example
from filings.gateway import create_app
from filings.models import Entity, Filing, FilingLine, Submission
from filings.permissions import Caller
from filings.submissions import handlers as intake

LOBBYIST = "2000031"
SANDBOX_LOBBYIST = "S000001"
FILED = datetime(2026, 4, 20, 17, 0, tzinfo=UTC)
PRIVATE_STREET = "1213 K Street"
TREASURER = "user-treasurer"


@pytest.fixture
def database(migrated_database):
    return migrated_database("filings")


@pytest.fixture
def client(database, token_mint):
    return create_app(database=database, verifier=token_mint.verifier).test_client()


def add_entity(database, entity_id=LOBBYIST, space="production", name="Riley Thompson"):
    with database.session() as session:
        session.add(
            Entity(
                entity_id=entity_id,
                name=name,
                entity_type="lobbyist",
                status="active",
                space=space,
                registered_on=date(2026, 1, 12),
                created_by="user-lobbyist",
                created_at=FILED - timedelta(days=90),
            )
        )


def file_version(database, document, *, filing_id=None, amendment=0, filed_at=FILED, space="production", vendor=None):
    """Store a version as intake stores an accepted one: its records on the row, its line items beside it."""
    form = form_named(document["form"])
    filing_id = filing_id or str(uuid.uuid4())
    records, lines = {}, []
    for part in form.parts:
        content = document["parts"].get(part.name)
        if content is None:
            continue
        if part.kind == PartKind.RECORD:
            records[part.name] = content
        else:
            lines += [(part.name, number, data) for number, data in enumerate(content, start=1)]
    with database.session() as session:
        session.add(
            Filing(
                filing_id=filing_id,
                amendment=amendment,
                entity_id=document["entity_id"],
                form=document["form"],
                period_start=date.fromisoformat(document["period"]["start"]),
                period_end=date.fromisoformat(document["period"]["end"]),
                space=space,
                status="accepted",
                filed_at=filed_at,
                filed_by=f"vendor:{vendor}" if vendor else "user-lobbyist",
                vendor_id=vendor,
                signer_id=document["verification"]["signer_id"],
                signer_name=document["verification"]["signer_name"],
                verification_statement="I have used all reasonable diligence in preparing this report.",
                records=records,
                line_counts={name: len(document["parts"][name]) for name in {line[0] for line in lines}},
                totals={"total_activity_expenses": records["summary"]["total_activity_expenses"]},
                warnings=[{"level": "warning", "path": "period", "message": "Not a calendar period."}],
                submission_id=str(uuid.uuid4()),
            )
        )
        session.add_all(
            FilingLine(filing_id=filing_id, amendment=amendment, part=part, line=number, data=data)
            for part, number, data in lines
        )
    return filing_id


def lobbyist_report(**entity):
    """The Form 615 example with two activity expenses whose amounts, payee address and total these tests read."""
    document = example("F615")
    document.update(entity)
    lunch, book = (dict(expense) for expense in document["parts"]["activity_expenses"][:2])
    lunch.update(payee_street=PRIVATE_STREET, payee_city="Sacramento", description="Lunch", amount="48.50")
    book.update(description="Book on health care workforce policy", amount="9.75")
    document["parts"]["activity_expenses"] = [lunch, book]
    document["parts"]["summary"]["total_activity_expenses"] = "58.25"
    return document


def amended_report():
    """The amendment: a corrected lunch amount and one more expense; the summary total follows."""
    document = lobbyist_report()
    expenses = document["parts"]["activity_expenses"]
    expenses[0]["amount"] = "52.50"
    expenses.append({**expenses[1], "description": "Second book", "amount": "12.00"})
    document["parts"]["summary"]["total_activity_expenses"] = "74.25"
    return document


@pytest.fixture
def report(database):
    add_entity(database)
    return file_version(database, lobbyist_report())


@pytest.fixture
def amended(database, report):
    file_version(database, amended_report(), filing_id=report, amendment=1, filed_at=FILED + timedelta(days=3))
    return report


def vendor_headers(token_mint, vendor_id, scope="sandbox"):
    token = sign_access_token(
        token_mint.private_key,
        token_mint.kid,
        user_id=f"vendor:{vendor_id}",
        username="Acme Filing Software",
        roles=["vendor"],
        ttl_seconds=300,
        extra_claims={"vendor_id": vendor_id, "scope": scope, "authorised_entities": [], "entities": []},
    )
    return {"Authorization": f"Bearer {token}"}


def label(part_name, field=None):
    """The plain-language name the Form 615 declaration gives a part or one of its fields."""
    spec = form_named("F615").part_named(part_name)
    return spec.field_named(field).label if field else spec.label


def part(body, name):
    return next(item for item in body["parts"] if item["name"] == name)


def test_latest_version_is_public_with_the_form_and_part_names(client, amended):
    response = client.get(f"/api/filings/v1/filings/{amended}")

    assert response.status_code == 200
    body = response.json
    assert (body["form"], body["form_name"], body["amendment"], body["latest_amendment"]) == (
        "F615",
        form_named("F615").name,
        1,
        1,
    )
    assert (body["entity_id"], body["entity_name"], body["signer_name"]) == (
        LOBBYIST,
        "Riley Thompson",
        "Riley Thompson",
    )
    assert (body["period_start"], body["period_end"]) == ("2026-01-01", "2026-03-31")
    summary = part(body, "summary")
    assert summary["label"] == label("summary")
    total = {"name": "total_activity_expenses", "label": label("summary", "total_activity_expenses"), "value": "74.25"}
    assert total in summary["fields"]
    expenses = part(body, "activity_expenses")
    assert (expenses["kind"], expenses["line_count"]) == ("lines", 3)


def test_the_public_view_leaves_out_private_fields_warnings_and_who_filed(client, report):
    version = client.get(f"/api/filings/v1/filings/{report}").json
    lines = client.get(f"/api/filings/v1/filings/{report}/versions/0/lines/activity_expenses").json

    assert PRIVATE_STREET not in str(version) and PRIVATE_STREET not in str(lines)
    assert "payee_street" not in {column["name"] for column in lines["columns"]}
    assert "payee_street" not in lines["lines"][0]["values"]
    assert lines["lines"][0]["values"]["payee_city"] == "Sacramento"
    assert not {"warnings", "signer_id", "filed_by", "vendor_id", "submission_id"} & set(version)


def test_every_version_is_listed_oldest_first(client, amended):
    response = client.get(f"/api/filings/v1/filings/{amended}/versions")

    assert response.status_code == 200
    assert response.json["form_name"] == form_named("F615").name
    assert [(v["amendment"], v["status"], v["filed_at"]) for v in response.json["versions"]] == [
        (0, "accepted", "2026-04-20T17:00:00+00:00"),
        (1, "accepted", "2026-04-23T17:00:00+00:00"),
    ]


def test_each_version_stays_readable_as_filed(client, amended):
    original = client.get(f"/api/filings/v1/filings/{amended}/versions/0").json

    assert (original["amendment"], original["latest_amendment"]) == (0, 1)
    assert part(original, "activity_expenses")["line_count"] == 2
    total = next(f for f in part(original, "summary")["fields"] if f["name"] == "total_activity_expenses")
    assert total["value"] == "58.25"


def test_line_items_are_paged_in_line_order_by_keyset(client, amended):
    path = f"/api/filings/v1/filings/{amended}/versions/1/lines/activity_expenses"

    first = client.get(f"{path}?limit=2").json
    rest = client.get(f"{path}?limit=2&after={first['next_after']}").json

    assert first["label"] == label("activity_expenses")
    assert [line["line"] for line in first["lines"]] == [1, 2]
    assert first["next_after"] == 2
    assert [(line["line"], line["values"]["description"]) for line in rest["lines"]] == [(3, "Second book")]
    assert rest["next_after"] is None


def test_a_page_size_beyond_the_limit_names_the_field(client, report):
    response = client.get(f"/api/filings/v1/filings/{report}/versions/0/lines/activity_expenses?limit=100000")

    assert response.status_code == 422
    assert {error["field"] for error in response.json["errors"]} == {"limit"}


def test_diff_shows_changed_fields_and_lines_with_their_names(client, amended):
    response = client.get(f"/api/filings/v1/filings/{amended}/diff?from=0&to=1")

    assert response.status_code == 200
    body = response.json
    assert (body["from_version"]["amendment"], body["to_version"]["amendment"]) == (0, 1)
    assert body["changes"] == []
    assert body["records"] == [
        {
            "part": "summary",
            "label": label("summary"),
            "changes": [
                {
                    "field": "total_activity_expenses",
                    "label": label("summary", "total_activity_expenses"),
                    "old": "58.25",
                    "new": "74.25",
                }
            ],
        }
    ]
    [expenses] = body["lines"]
    assert (expenses["part"], expenses["added"], expenses["removed"], expenses["changed"]) == (
        "activity_expenses",
        1,
        0,
        1,
    )
    changed, added = expenses["line_changes"]
    assert (changed["kind"], changed["line"], changed["changes"]) == (
        "changed",
        1,
        [{"field": "amount", "label": label("activity_expenses", "amount"), "old": "48.50", "new": "52.50"}],
    )
    assert (added["kind"], added["line"], added["old_line"]) == ("added", 3, None)
    description = label("activity_expenses", "description")
    assert {"field": "description", "label": description, "old": None, "new": "Second book"} in added["changes"]
    assert expenses["next_after"] is None


def test_a_change_to_a_private_field_does_not_show_in_the_diff(client, database, report):
    document = lobbyist_report()
    document["parts"]["activity_expenses"][0]["payee_street"] = "1215 K Street"
    file_version(database, document, filing_id=report, amendment=1)

    body = client.get(f"/api/filings/v1/filings/{report}/diff?from=0&to=1").json

    assert body["records"] == [] and body["lines"] == []
    assert "K Street" not in str(body)


def test_diff_lists_the_first_line_changes_and_pages_the_rest(client, amended):
    first = client.get(f"/api/filings/v1/filings/{amended}/diff?from=0&to=1&limit=1").json
    [expenses] = first["lines"]
    more = client.get(
        f"/api/filings/v1/filings/{amended}/diff/lines/activity_expenses?from=0&to=1&limit=1"
        f"&after={expenses['next_after']}"
    ).json

    assert [change["line"] for change in expenses["line_changes"]] == [1]
    assert (expenses["changed"], expenses["added"], expenses["next_after"]) == (1, 1, 1)
    assert [(change["kind"], change["line"]) for change in more["line_changes"]] == [("added", 3)]
    assert more["next_after"] is None


def test_diff_between_period_changes_shows_the_period(client, database, report):
    document = lobbyist_report()
    document["period"] = {"start": "2026-01-01", "end": "2026-03-30"}
    file_version(database, document, filing_id=report, amendment=1)

    body = client.get(f"/api/filings/v1/filings/{report}/diff?from=0&to=1").json

    assert body["changes"] == [{"field": "period_end", "label": "Period end", "old": "2026-03-31", "new": "2026-03-30"}]


@pytest.mark.parametrize(
    "path",
    [
        "/api/filings/v1/filings/{unknown}",
        "/api/filings/v1/filings/{unknown}/versions",
        "/api/filings/v1/filings/{report}/versions/7",
        "/api/filings/v1/filings/{report}/versions/0/lines/schedule_z",
        "/api/filings/v1/filings/{report}/versions/0/lines/summary",
        "/api/filings/v1/filings/{report}/diff?from=0&to=3",
        "/api/filings/v1/filings/not%20an%20id",
        "/api/filings/v1/entities/2999999/filings",
    ],
)
def test_unknown_filings_versions_parts_and_entities_are_404_problems(client, report, path):
    response = client.get(path.format(unknown=uuid.uuid4(), report=report))

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_diff_needs_both_version_numbers(client, report):
    response = client.get(f"/api/filings/v1/filings/{report}/diff?from=0")

    assert response.status_code == 422
    assert {error["field"] for error in response.json["errors"]} == {"to"}


@pytest.fixture
def sandbox_report(database):
    add_entity(database, SANDBOX_LOBBYIST, space="sandbox", name="Test Lobbyist")
    return file_version(database, lobbyist_report(entity_id=SANDBOX_LOBBYIST), space="sandbox", vendor="vendor-acme")


@pytest.mark.parametrize(
    "path",
    [
        "/api/filings/v1/filings/{id}",
        "/api/filings/v1/filings/{id}/versions",
        "/api/filings/v1/filings/{id}/versions/0",
        "/api/filings/v1/filings/{id}/versions/0/lines/activity_expenses",
        "/api/filings/v1/filings/{id}/diff?from=0&to=0",
        "/api/filings/v1/entities/S000001/filings",
    ],
)
def test_sandbox_filings_are_never_public(client, token_mint, sandbox_report, path):
    path = path.format(id=sandbox_report)

    assert client.get(path).status_code == 404
    assert client.get(path, headers=token_mint.headers()).status_code == 404
    assert client.get(path, headers=vendor_headers(token_mint, "vendor-other")).status_code == 404
    assert client.get(path, headers=vendor_headers(token_mint, "vendor-acme", scope="production")).status_code == 404


def test_a_sandbox_filing_is_shown_to_its_vendor_and_to_staff(client, token_mint, sandbox_report):
    path = f"/api/filings/v1/filings/{sandbox_report}"

    by_vendor = client.get(path, headers=vendor_headers(token_mint, "vendor-acme"))
    by_staff = client.get(path, headers=token_mint.headers(roles=("staff",)))

    assert by_vendor.status_code == by_staff.status_code == 200
    assert by_vendor.json["entity_id"] == SANDBOX_LOBBYIST
    assert PRIVATE_STREET not in str(by_vendor.json)


def test_a_token_that_does_not_verify_is_refused_not_ignored(client, report):
    response = client.get(f"/api/filings/v1/filings/{report}", headers={"Authorization": "Bearer forged"})

    assert response.status_code == 401


def test_an_entitys_filings_come_newest_first_in_pages(client, database):
    add_entity(database)
    filed = [file_version(database, lobbyist_report(), filed_at=FILED + timedelta(days=day)) for day in (0, 90, 180)]
    file_version(database, amended_report(), filing_id=filed[0], amendment=1, filed_at=FILED + timedelta(days=200))

    first = client.get(f"/api/filings/v1/entities/{LOBBYIST}/filings?limit=2").json
    rest = client.get(f"/api/filings/v1/entities/{LOBBYIST}/filings?limit=2&before={first['next_before']}").json

    assert first["entity_name"] == "Riley Thompson"
    assert [item["filing_id"] for item in first["items"]] == [filed[2], filed[1]]
    assert [(item["filing_id"], item["latest_amendment"]) for item in rest["items"]] == [(filed[0], 1)]
    assert rest["items"][0]["filed_at"] == "2026-11-06T17:00:00+00:00"
    assert rest["items"][0]["first_filed_at"] == "2026-04-20T17:00:00+00:00"
    assert rest["next_before"] is None


def test_filings_filed_at_the_same_instant_are_all_paged(client, database):
    add_entity(database)
    filed = {file_version(database, lobbyist_report()) for _ in range(5)}
    seen, cursor = [], ""

    while True:
        page = client.get(f"/api/filings/v1/entities/{LOBBYIST}/filings?limit=2{cursor}").json
        seen += [item["filing_id"] for item in page["items"]]
        if page["next_before"] is None:
            break
        cursor = f"&before={page['next_before']}"

    assert sorted(seen) == sorted(filed) and len(seen) == 5


def test_a_cursor_not_given_out_by_the_api_names_the_field(client, report):
    response = client.get(f"/api/filings/v1/entities/{LOBBYIST}/filings?before=bm90LWEtY3Vyc29y")

    assert response.status_code == 422
    assert {error["field"] for error in response.json["errors"]} == {"before"}


def test_a_vendor_sees_only_its_own_filings_of_a_sandbox_entity(client, database, token_mint, sandbox_report):
    file_version(database, lobbyist_report(entity_id=SANDBOX_LOBBYIST), space="sandbox", vendor="vendor-other")
    path = f"/api/filings/v1/entities/{SANDBOX_LOBBYIST}/filings"

    mine = client.get(path, headers=vendor_headers(token_mint, "vendor-acme")).json
    everything = client.get(path, headers=token_mint.headers(roles=("staff",))).json

    assert [item["filing_id"] for item in mine["items"]] == [sandbox_report]
    assert len(everything["items"]) == 2


def test_the_reading_routes_are_documented_as_public(client):
    spec = client.get("/api/filings/openapi.json").json
    route = spec["paths"]["/api/filings/v1/filings/{filing_id}/diff"]["get"]

    assert {"from", "to"} <= {parameter["name"] for parameter in route["parameters"]}
    assert {} in route["security"]
    assert "404" in route["responses"]


def filer(entity_id=None):
    """A treasurer signed in with MFA, officer of `entity_id` when given."""
    links = [{"entity_id": entity_id, "role": "officer"}] if entity_id else []
    claims = {"email_verified": True, "mfa": True, "entities": links}
    return Caller.of(Principal(TREASURER, TREASURER, ("filer",), claims))


def filed_through_intake(database, caller, document):
    """Submitted and checked as the gateway and then the worker do it; the decided submission."""
    document["verification"] = {**document["verification"], "signer_id": TREASURER}
    with database.session() as session:
        submission_id = intake.receive(session, caller, json.dumps(document).encode()).submission.submission_id
    with database.session() as session:
        intake.check(session, submission_id)
    with database.session() as session:
        decided = session.get(Submission, submission_id)
    assert decided.status == "accepted", decided.errors
    return decided


def test_what_intake_accepts_reads_back_in_public_without_private_fields(client, database):
    registration = filed_through_intake(database, filer(), example("F410"))

    body = client.get(f"/api/filings/v1/filings/{registration.filing_id}").json

    assert (body["form"], body["amendment"], body["entity_id"]) == ("F410", 0, registration.entity_id)
    assert part(body, "bank")["label"] == form_named("F410").part_named("bank").label
    assert "account_number" not in {field["name"] for field in part(body, "bank")["fields"]}
    assert example("F410")["parts"]["bank"]["account_number"] not in str(body)


def test_an_amendment_that_reorders_contributions_shows_only_the_one_really_changed(client, database):
    committee = filed_through_intake(database, filer(), example("F410")).entity_id
    statement = example("F460")
    statement["entity_id"] = committee
    original = filed_through_intake(database, filer(committee), statement)
    amendment = copy.deepcopy(statement)
    contributions = amendment["parts"]["schedule_a"]
    contributions[0], contributions[1] = contributions[1], contributions[0]
    contributions[0]["occupation"] = "Structural Engineer"
    amendment["amends"] = {"filing_id": original.filing_id, "amendment": 0}
    filed_through_intake(database, filer(committee), amendment)

    versions = client.get(f"/api/filings/v1/filings/{original.filing_id}/versions").json
    diff = client.get(f"/api/filings/v1/filings/{original.filing_id}/diff?from=0&to=1").json

    assert [version["amendment"] for version in versions["versions"]] == [0, 1]
    assert diff["records"] == []
    [schedule_a] = diff["lines"]
    assert (schedule_a["part"], schedule_a["added"], schedule_a["removed"], schedule_a["changed"]) == (
        "schedule_a",
        0,
        0,
        1,
    )
    [moved] = schedule_a["line_changes"]
    assert (moved["old_line"], moved["new_line"]) == (2, 1), "matched by transaction ID, not by position"
    occupation = form_named("F460").part_named("schedule_a").field_named("occupation").label
    assert moved["changes"] == [
        {"field": "occupation", "label": occupation, "old": "Civil Engineer", "new": "Structural Engineer"}
    ]
