"""Every protected endpoint of every service refuses what is not the caller's.

Each gateway runs on its own migrated PostgreSQL database, seeded through the handlers with one entity
(its officer, filings, a letter, a notice, the link). Every operation its OpenAPI document protects with
bearerAuth is then called as a user linked to another entity, without a token, with an expired token and
with a tampered one: the answer is a 401, 403 or 404 problem, never the entity's or its officer's data.
"""

from __future__ import annotations

import base64
import importlib
import json
import re
import uuid
from datetime import UTC, datetime

import pytest

from cars_shared.config import SERVICES
from cars_shared.events import make_event
from cars_shared.events.registry import payload_schema
from cars_shared.web.auth import Principal, sign_access_token

PASSWORD = "quiet river stone"
REFUSALS = {401, 403, 404}


def event(producer, type_, payload):
    """An event as a consumer's handler receives it (payload loaded by its contract)."""
    schema = payload_schema(producer, type_)
    envelope = make_event(producer, type_, schema.load(payload))
    return {**envelope, "payload": schema.load(envelope["payload"])}


@pytest.fixture
def system(migrated_database, token_mint, tmp_path, monkeypatch):
    """Every gateway on a seeded database, and what was seeded."""
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    from accounts import handlers as accounts_handlers
    from accounts.links import handlers as link_handlers
    from accounts.models import EntityLink
    from correspondence import handlers as correspondence_handlers
    from correspondence.blob_store import configured_blob_store
    from fees import handlers as fees_handlers
    from filings.examples import example
    from filings.models import Entity
    from filings.permissions import Caller
    from filings.submissions import handlers as submissions
    from notify import handlers as notify_handlers
    from notify.models import DashboardNotice

    databases = {service: migrated_database(service) for service in SERVICES}
    with databases["accounts"].session() as session:
        owner = accounts_handlers.register_user(session, "owner1", "owner1@example.org", PASSWORD)
        other = accounts_handlers.register_user(session, "other1", "other1@example.org", PASSWORD)
    registration = example("F410")
    registration["parts"]["committee"]["name"] = "Friends of Seeded Data"
    registration["verification"] = {**registration["verification"], "signer_id": owner.id}
    registrant = Caller.of(Principal(owner.id, "owner1", ("filer",), {"email_verified": True, "mfa": True}))
    with databases["filings"].session() as session:
        received = submissions.receive(session, registrant, json.dumps(registration).encode())
    with databases["filings"].session() as session:
        decided = submissions.check(session, received.submission.submission_id)
        assert decided.status == "accepted", decided.errors
        entity = session.get(Entity, decided.entity_id)
    filing_id = decided.filing_id
    entity_id = entity.entity_id
    registered = event(
        "filings",
        "entity_registered",
        {
            "entity_id": entity_id,
            "name": entity.name,
            "entity_type": "recipient_committee",
            "registered_by": owner.id,
            "registered_on": "2026-03-02",
            "filing_id": filing_id,
        },
    )
    with databases["accounts"].session() as session:
        link_handlers.record_entity(session, registered)
        accounts_handlers.link_registrant_to_entity(session, registered)
        owner_link = session.query(EntityLink).filter_by(user_id=owner.id).one().id
    with databases["fees"].session() as session:
        fees_handlers.record_registration(session, registered)
    with databases["correspondence"].session() as session:
        fee = {
            "assessment_id": str(uuid.uuid4()),
            "entity_id": entity_id,
            "entity_name": entity.name,
            "fee_year": 2026,
            "amount_cents": 5000,
            "due_date": "2026-03-17",
            "late_penalty_cents": 15000,
        }
        letter = correspondence_handlers.issue_annual_fee_notice(
            session, event("fees", "fee_assessed", fee), configured_blob_store()
        )
        correspondence_handlers.grant_entity_access(
            session,
            event("accounts", "entity_link_approved", {"user_id": owner.id, "entity_id": entity_id, "role": "officer"}),
        )
    with databases["notify"].session() as session:
        notify_handlers.record_contact(
            session,
            event(
                "accounts",
                "user_registered",
                {"user_id": owner.id, "username": "owner1", "email": "owner1@example.org"},
            ),
        )
        notify_handlers.record_membership(
            session,
            event("accounts", "entity_link_approved", {"user_id": owner.id, "entity_id": entity_id, "role": "officer"}),
        )
        notify_handlers.notify_of_correspondence(
            session,
            event(
                "correspondence",
                "correspondence_issued",
                {
                    "correspondence_id": letter.id,
                    "number": letter.number,
                    "kind": "annual_fee_notice",
                    "title": "Annual Fee Notice 2026",
                    "entity_id": entity_id,
                    "user_id": None,
                    "issued_at": datetime.now(UTC).isoformat(),
                },
            ),
            portal_url="http://portal.example",
        )
        notice_id = session.query(DashboardNotice).filter_by(user_id=owner.id).one().id

    from search.index import open_index
    from search.saved import handlers as saved_handlers

    with databases["search"].session() as session:
        saved_search = saved_handlers.create_saved_search(
            session,
            open_index(),
            user_id=owner.id,
            name="Seeded saved search",
            filters={"q": "seeded"},
            report=None,
            schedule="never",
            now=datetime.now(UTC),
        )

    apps = {}
    for service in SERVICES:
        options = {"database": databases[service], "verifier": token_mint.verifier}
        if service == "accounts":
            from accounts.signing_key import SigningKey

            options["signing_key"] = SigningKey.generate()
        apps[service] = importlib.import_module(f"{service}.gateway").create_app(**options)
    seeded = {
        "entity_id": entity_id,
        "filing_id": filing_id,
        "submission_id": decided.submission_id,
        "correspondence_id": letter.id,
        "notice_id": notice_id,
        "link_id": owner_link,
        "saved_search_id": saved_search.id,
        "owner_id": owner.id,
        "other_id": other.id,
    }
    return apps, seeded


def token(mint, user_id, *, ttl=300, **claims):
    return sign_access_token(
        mint.private_key,
        mint.kid,
        user_id=user_id,
        username="someone",
        roles=("filer",),
        ttl_seconds=ttl,
        extra_claims=claims,
    )


def tampered(valid_token, **changes):
    """The token with its payload edited and its signature kept."""
    header, payload, signature = valid_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    edited = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{edited}.{signature}"


def protected_operations(app, service):
    document = app.test_client().get(f"/api/{service}/openapi.json").json
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in {"get", "post", "put", "patch", "delete"} and any(
                "bearerAuth" in requirement for requirement in operation.get("security", [])
            ):
                yield method, path, {**operation, "x-path": path}, document


def concrete(path, seeded):
    """The path with its parameters pointing at the seeded entity's things (versions at the original, others at
    unknown ids)."""
    seeded = {**seeded, "amendment": 0}
    names = {
        "amendment": "amendment",
        "entity_id": "entity_id",
        "filing_id": "filing_id",
        "submission_id": "submission_id",
        "correspondence_id": "correspondence_id",
        "notice_id": "notice_id",
        "link_id": "link_id",
        "saved_search_id": "saved_search_id",
    }
    return re.sub(
        r"\{(\w+)\}", lambda match: str(seeded[names[match[1]]]) if match[1] in names else str(uuid.uuid4()), path
    )


def field_values(seeded):
    """Valid values by field name, pointing at the seeded entity where a field names one."""
    return {
        "entity_id": seeded["entity_id"],
        "all_unclaimed": True,
        "partner_id": seeded["other_id"],
        "vendor_id": str(uuid.uuid4()),
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "role": "viewer",
        "roles": ["staff"],
        "username": "clerk9",
        "email": "c9@example.org",
        "contact_email": "c9@example.org",
        "password": PASSWORD,
        "current_password": PASSWORD,
        "code": "123456",
        "certified": True,
        "name": "Acme Filing Software",
    }


def with_required_query(url, operation):
    """The URL with a valid value for each required query parameter, so that validation refuses nothing."""
    values = []
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query" and parameter.get("required"):
            schema = parameter.get("schema", {})
            value = schema.get("enum", [None])[0] or {"integer": 0, "boolean": "true"}.get(schema.get("type"), "1")
            values.append(f"{parameter['name']}={value}")
    return f"{url}?{'&'.join(values)}" if values else url


def body_for(document, operation, seeded):
    """A valid body, so that refusals come from the permission check and not from validation."""
    if operation.get("requestBody") is None:
        return None
    if operation["x-path"] == "/api/filings/v1/submissions":
        return filing_for(seeded["entity_id"])
    reference = operation["requestBody"]["content"]["application/json"]["schema"].get("$ref", "")
    schema = document["components"]["schemas"].get(reference.rsplit("/", 1)[-1], {})
    values = field_values(seeded)
    return {name: values[name] for name in schema.get("properties", {}) if name in values}


def filing_for(entity_id):
    """A valid Form 460 of the seeded committee: only the caller's rights can refuse it."""
    from filings.examples import example

    return {**example("F460"), "entity_id": entity_id}


def leaked(response, seeded):
    text = response.get_data(as_text=True)
    names = ("owner_id", "link_id", "notice_id", "correspondence_id", "filing_id", "submission_id", "saved_search_id")
    return [name for name in names if seeded[name] in text]


def answer(response):
    """What a response says, without the id of the request it answered."""
    body = response.get_json(silent=True)
    if isinstance(body, dict):
        body.pop("request_id", None)
    return body if body is not None else response.get_data()


def anyone_may_call(operation):
    """A public read that also takes a token (to show more to staff or a vendor): `{}` among its requirements."""
    return {} in operation.get("security", [])


@pytest.mark.parametrize("service", SERVICES)
def test_every_protected_endpoint_refuses_callers_who_are_not_the_entitys(service, system, token_mint):
    apps, seeded = system
    app = apps[service]
    client = app.test_client()
    other_entity = "2999999"
    claims = {
        "entities": [{"entity_id": other_entity, "role": "officer"}],
        "partner_grants": [],
        "email_verified": True,
        "mfa": True,
    }
    other = token(token_mint, seeded["other_id"], **claims)
    owner = token(token_mint, seeded["owner_id"], entities=[{"entity_id": seeded["entity_id"], "role": "officer"}])
    expired = token(token_mint, seeded["owner_id"], ttl=-120)
    forged = tampered(other, sub=seeded["owner_id"], roles=["staff", "administrator"])
    operations = list(protected_operations(app, service))
    if service == "search":
        # Searching, reading and exporting are public; only a person's own saved searches and export jobs are not.
        protected_paths = {path for _method, path, _operation, _document in operations}
        for rule in app.url_map.iter_rules():
            view = app.view_functions[rule.endpoint]
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            if rule.rule.startswith(f"/api/{service}/") and "openapi" not in rule.rule and "z" not in rule.rule[-2:]:
                if path not in protected_paths:
                    assert getattr(view, "access", None) == "public", f"{rule.rule} is neither public nor protected"
        assert all("/saved-searches" in path or "/exports" in path for path in protected_paths), protected_paths
    assert operations, f"{service} documents no protected operation"
    for method, path, operation, document in operations:
        url, body = with_required_query(concrete(path, seeded), operation), body_for(document, operation, seeded)
        call = getattr(client, method)
        anyone = anyone_may_call(operation)
        for label, bearer in (("public", None), ("expired", expired), ("tampered", forged)):
            if anyone and bearer is None:
                continue
            headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
            response = call(url, json=body, headers=headers) if body is not None else call(url, headers=headers)
            assert response.status_code == 401, f"{label} {method.upper()} {path}: {response.status_code}"
            assert response.headers["Content-Type"] == "application/problem+json"
        headers = {"Authorization": f"Bearer {other}"}
        response = call(url, json=body, headers=headers) if body is not None else call(url, headers=headers)
        if anyone:
            # A public read: another entity's token shows exactly what anyone sees, nothing more.
            public = call(url)
            assert (response.status_code, answer(response)) == (public.status_code, answer(public)), path
            continue
        if (
            "{" in path
            or "/admin/" in path
            or "/audit/" in path
            or (method == "post" and path.endswith("/v1/submissions"))
        ):
            assert response.status_code in REFUSALS, (
                f"other entity's user {method.upper()} {path}: "
                f"{response.status_code} {response.get_data(as_text=True)[:200]}"
            )
            assert response.headers["Content-Type"] == "application/problem+json"
        assert leaked(response, seeded) == [], f"{method.upper()} {path} leaked the entity's data"
    # The seeded data is really there: its officer reads it, so the refusals above are not vacuous.
    if service == "search":
        mine = client.get("/api/search/saved-searches", headers={"Authorization": f"Bearer {owner}"})
        assert seeded["saved_search_id"] in mine.get_data(as_text=True)
    if service == "correspondence":
        mine = client.get("/api/correspondence/mine", headers={"Authorization": f"Bearer {owner}"})
        assert seeded["correspondence_id"] in mine.get_data(as_text=True)
    if service == "notify":
        mine = client.get("/api/notify/notices", headers={"Authorization": f"Bearer {owner}"})
        assert seeded["notice_id"] in mine.get_data(as_text=True)
    if service == "filings":
        mine = client.get("/api/filings/v1/submissions", headers={"Authorization": f"Bearer {owner}"})
        assert seeded["submission_id"] in mine.get_data(as_text=True)
    if service == "fees":
        statement = f"/api/fees/v1/entities/{seeded['entity_id']}/statement"
        mine = client.get(statement, headers={"Authorization": f"Bearer {owner}"})
        assert mine.status_code == 200 and mine.json["balance_cents"] >= 5000
