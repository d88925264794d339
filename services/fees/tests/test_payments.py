import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from cars_shared.events.envelope import read_event
from cars_shared.web.auth import sign_access_token
from fees import handlers
from fees.domain.calendar import california_today
from fees.gateway import create_app
from fees.models import LedgerEntry, StaffAction
from fees.payments.lifecycle import ProviderEventKind
from fees.payments.models import PaymentIntent, PaymentRefund, WebhookRefusal
from fees.payments.providers import LocalProvider, configured_provider

ENTITY = "2000001"
STAFF = "staff-user-1"
OFFICER = "officer-1"
WEBHOOK = "/api/fees/v1/payment-webhooks/local"
SUCCEEDED, FAILED, CANCELED, CREATED = (
    ProviderEventKind.SUCCEEDED,
    ProviderEventKind.FAILED,
    ProviderEventKind.CANCELED,
    ProviderEventKind.CREATED,
)
REFUND_SUCCEEDED, REFUND_FAILED = ProviderEventKind.REFUND_SUCCEEDED, ProviderEventKind.REFUND_FAILED


@pytest.fixture
def provider():
    return LocalProvider("whsec-test-secret", tolerance_seconds=300)


@pytest.fixture
def client(database, token_mint, provider):
    app = create_app(database=database, verifier=token_mint.verifier)
    app.extensions["fees.payment_provider"] = provider
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
    return bearer(OFFICER, ("filer",), entities=[{"entity_id": ENTITY, "role": "officer"}])


@pytest.fixture
def account(database, registered, filing_late):
    """A committee owing its annual fee (5000, due 45 days ago) and a late filing fine (4000, due 34 days ago)."""
    today = california_today()
    with database.session() as session:
        handlers.record_registration(session, registered(ENTITY, registered_on=today - timedelta(days=60)), today=today)
        fine = handlers.assess_late_filing(
            session,
            filing_late(ENTITY, days_late=4, due_on=today - timedelta(days=34)),
            today=today - timedelta(days=30),
        )
    return fine.item_id


def open_intent(client, headers, amount_cents, entity_id=ENTITY):
    return client.post(
        f"/api/fees/v1/entities/{entity_id}/payment-intents", json={"amount_cents": amount_cents}, headers=headers
    )


def deliver(client, delivery):
    return client.post(WEBHOOK, data=delivery.body, headers=delivery.headers)


def provider_event(client, provider, intent, kind=SUCCEEDED, **options):
    """Deliver the provider's signed event of `kind` about the intent (a fresh event id unless given)."""
    return deliver(client, provider.delivery(kind, intent["reference"], intent["amount_cents"], **options))


def started(client, officer, database, amount_cents):
    """An intent opened by the officer, with the provider's reference of its payment."""
    response = open_intent(client, officer, amount_cents)
    assert response.status_code == 201, response.json
    with database.session() as session:
        reference = session.get(PaymentIntent, response.json["intent_id"]).reference
    return {**response.json, "reference": reference}


def statement(client, staff):
    return client.get(f"/api/fees/v1/entities/{ENTITY}/statement", headers=staff).json


def payments(database):
    with database.session() as session:
        return session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "payment").order_by(LedgerEntry.seq)).all()


def refusals(database):
    with database.session() as session:
        return session.scalars(select(WebhookRefusal).order_by(WebhookRefusal.seq)).all()


def test_an_officer_opens_an_intent_for_part_of_the_open_balance_and_is_sent_to_checkout(client, officer, account):
    response = open_intent(client, officer, 3000)
    assert response.status_code == 201, response.json
    intent = response.json
    assert (intent["entity_id"], intent["amount_cents"], intent["status"], intent["provider"]) == (
        ENTITY,
        3000,
        "open",
        "local",
    )
    assert intent["checkout_url"].startswith("/api/fees/v1/checkout/")
    assert (
        client.get(f"/api/fees/v1/entities/{ENTITY}/payment-intents/{intent['intent_id']}", headers=officer).json[
            "status"
        ]
        == "open"
    )


def test_an_intent_takes_at_most_what_no_open_intent_already_holds(client, officer, account):
    too_much = open_intent(client, officer, 9001)
    assert too_much.status_code == 409
    assert too_much.json["errors"][0]["field"] == "amount_cents"
    assert open_intent(client, officer, 6000).status_code == 201
    assert "3000 cents" in open_intent(client, officer, 3001).json["detail"]
    assert open_intent(client, officer, 3000).status_code == 201
    assert open_intent(client, officer, 1).status_code == 409


def test_nothing_owed_means_nothing_to_pay_online(client, bearer):
    nobody = bearer(OFFICER, ("filer",), entities=[{"entity_id": "2888888", "role": "officer"}])
    assert open_intent(client, nobody, 100, entity_id="2888888").status_code == 409


def test_only_the_entitys_officers_and_agents_pay_and_only_its_people_read_its_intents(
    client, bearer, officer, staff, account
):
    intent = open_intent(client, officer, 1000).json
    viewer = bearer("viewer-1", ("filer",), entities=[{"entity_id": ENTITY, "role": "viewer"}])
    agent = bearer("agent-1", ("filer",), entities=[{"entity_id": ENTITY, "role": "agent"}])
    stranger = bearer("stranger-1", ("filer",), entities=[{"entity_id": "2999999", "role": "officer"}])
    no_mfa = bearer(OFFICER, ("filer",), entities=[{"entity_id": ENTITY, "role": "officer"}], mfa=False)
    for refused in (viewer, stranger, staff, no_mfa):
        response = open_intent(client, refused, 1000)
        assert response.status_code == 403, response.json
        assert response.mimetype == "application/problem+json"
    assert open_intent(client, agent, 1000).status_code == 201
    assert open_intent(client, {}, 1000).status_code == 401
    read = f"/api/fees/v1/entities/{ENTITY}/payment-intents/{intent['intent_id']}"
    assert client.get(read, headers=stranger).status_code == 403
    assert client.get(read, headers=viewer).status_code == 200
    elsewhere = f"/api/fees/v1/entities/2999999/payment-intents/{intent['intent_id']}"
    assert client.get(elsewhere, headers=stranger).status_code == 404


def test_a_succeeded_payment_is_credited_and_published_as_payment_received(
    client, provider, officer, staff, account, database, queued
):
    intent = started(client, officer, database, 5000)
    response = provider_event(client, provider, intent)
    assert response.status_code == 200, response.json
    assert response.json["outcome"] == "applied"
    [payment] = payments(database)
    assert (payment.amount_cents, payment.actor_id, payment.item_id) == (-5000, "payments.local", None)
    [published] = queued("payment_received")
    payload = read_event(published)["payload"]
    assert payload["entry_id"] == payment.id
    assert (payload["method"], payload["provider"], payload["payment_intent_id"]) == (
        "online",
        "local",
        intent["intent_id"],
    )
    assert (payload["amount_cents"], payload["balance_cents"], payload["unapplied_credit_cents"]) == (-5000, 4000, 0)
    read = client.get(f"/api/fees/v1/entities/{ENTITY}/payment-intents/{intent['intent_id']}", headers=officer).json
    assert (read["status"], read["payment_entry_id"]) == ("succeeded", payment.id)


def test_partial_payments_pay_the_oldest_charges_first(client, provider, officer, staff, account, database):
    for amount in (3000, 2500):
        assert provider_event(client, provider, started(client, officer, database, amount)).status_code == 200
    fee, fine = statement(client, staff)["items"]
    assert (fee["kind"], fee["paid_cents"], fee["open_cents"]) == ("annual_fee", 5000, 0)
    assert (fine["kind"], fine["paid_cents"], fine["open_cents"]) == ("late_filing_fine", 500, 3500)
    assert statement(client, staff)["balance_cents"] == 3500


def test_a_payment_beyond_what_is_owed_is_held_as_credit(client, staff, account, queued):
    response = client.post(
        f"/api/fees/v1/entities/{ENTITY}/payments",
        json={"amount_cents": 10000, "method": "cheque", "reference": "1042", "received_on": str(california_today())},
        headers=staff,
    )
    assert response.status_code == 201, response.json
    account_now = statement(client, staff)
    assert (account_now["balance_cents"], account_now["open_cents"], account_now["unapplied_credit_cents"]) == (
        -1000,
        0,
        1000,
    )
    payload = read_event(queued("payment_received")[0])["payload"]
    assert (payload["method"], payload["reference"], payload["provider"], payload["unapplied_credit_cents"]) == (
        "cheque",
        "1042",
        None,
        1000,
    )


def test_a_forged_signature_is_refused_and_kept_on_the_security_record(client, provider, officer, account, database):
    intent = started(client, officer, database, 5000)
    forger = LocalProvider("not-the-secret")
    response = deliver(client, forger.delivery(SUCCEEDED, intent["reference"], 5000, event_id="evt_forged"))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "signature" in response.json["detail"]
    genuine = provider.delivery(SUCCEEDED, intent["reference"], 5000, event_id="evt_tampered")
    tampered = genuine.body.replace(b"5000", b"9000")
    assert client.post(WEBHOOK, data=tampered, headers=genuine.headers).status_code == 400
    assert client.post(WEBHOOK, data=genuine.body).status_code == 400
    assert payments(database) == []
    assert [(refusal.reason, refusal.claimed_event_id) for refusal in refusals(database)] == [
        ("forged", "evt_forged"),
        ("forged", "evt_tampered"),
        ("forged", "evt_tampered"),
    ]


def test_a_signature_older_than_the_tolerance_is_refused(client, provider, officer, account, database):
    intent = started(client, officer, database, 5000)
    stale = provider_event(client, provider, intent, event_id="evt_old", at=int(time.time()) - 301)
    assert stale.status_code == 400
    assert "tolerance" in stale.json["detail"]
    from_the_future = provider_event(client, provider, intent, event_id="evt_future", at=int(time.time()) + 301)
    assert from_the_future.status_code == 400
    assert payments(database) == []
    assert provider_event(client, provider, intent, event_id="evt_fresh").status_code == 200


def test_a_replayed_event_is_refused_and_credits_nothing_twice(client, provider, officer, account, database, queued):
    intent = started(client, officer, database, 5000)
    delivery = provider.delivery(SUCCEEDED, intent["reference"], 5000, event_id="evt_once")
    assert deliver(client, delivery).status_code == 200
    replay = deliver(client, delivery)
    assert replay.status_code == 409
    assert replay.mimetype == "application/problem+json"
    assert len(payments(database)) == 1
    assert len(queued("payment_received")) == 1
    assert [(refusal.reason, refusal.claimed_event_id) for refusal in refusals(database)] == [("replayed", "evt_once")]


def test_a_success_after_a_failure_applies_once_and_a_later_failure_or_created_changes_nothing(
    client, provider, officer, account, database
):
    intent = started(client, officer, database, 5000)
    outcomes = [
        provider_event(client, provider, intent, kind).json["outcome"]
        for kind in (FAILED, SUCCEEDED, SUCCEEDED, FAILED, CREATED, CANCELED)
    ]
    assert outcomes == ["changed", "applied", "ignored", "ignored", "ignored", "ignored"]
    assert [payment.amount_cents for payment in payments(database)] == [-5000]
    read = client.get(f"/api/fees/v1/entities/{ENTITY}/payment-intents/{intent['intent_id']}", headers=officer).json
    assert read["status"] == "succeeded"


def test_an_event_of_a_payment_fees_never_started_is_acknowledged_and_ignored(client, provider, account, database):
    response = deliver(client, provider.delivery(SUCCEEDED, "pay_unknown", 5000))
    assert (response.status_code, response.json["outcome"]) == (200, "ignored")
    assert payments(database) == []


def test_a_malformed_event_and_an_unknown_provider_are_refused(client, provider):
    assert deliver(client, provider.delivery(SUCCEEDED, "pay_1", 0)).status_code == 400
    delivery = provider.delivery(SUCCEEDED, "pay_1", 100)
    assert (
        client.post("/api/fees/v1/payment-webhooks/acme", data=delivery.body, headers=delivery.headers).status_code
        == 404
    )


def test_the_hosted_checkout_page_pays_through_the_signed_webhook(
    client, officer, staff, account, database, provider, monkeypatch
):
    intent = open_intent(client, officer, 4000).json
    page = client.get(intent["checkout_url"])
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "$40.00" in page.get_data(as_text=True) and 'value="pay"' in page.get_data(as_text=True)
    assert page.headers["X-Frame-Options"] == "DENY"
    verified = []
    read_webhook = provider.read_webhook
    monkeypatch.setattr(
        provider, "read_webhook", lambda body, headers: verified.append(body) or read_webhook(body, headers)
    )
    paid = client.post(intent["checkout_url"], data={"action": "pay"})
    assert paid.status_code == 200, paid.get_data(as_text=True)
    assert "Paid $40.00" in paid.get_data(as_text=True)
    assert len(verified) == 1
    assert statement(client, staff)["balance_cents"] == 5000
    assert client.post(intent["checkout_url"], data={"action": "pay"}).status_code == 409
    assert "succeeded" in client.get(intent["checkout_url"]).get_data(as_text=True)
    assert client.get("/api/fees/v1/checkout/no-such-checkout").status_code == 404


def test_a_canceled_checkout_frees_its_amount(client, officer, account):
    intent = open_intent(client, officer, 9000).json
    assert open_intent(client, officer, 1).status_code == 409
    canceled = client.post(intent["checkout_url"], data={"action": "cancel"})
    assert "canceled" in canceled.get_data(as_text=True)
    assert open_intent(client, officer, 9000).status_code == 201


def test_staff_record_a_cheque_once_per_reference_and_method_in_the_staff_log(client, staff, account, database):
    def record(method, reference, amount=1000):
        return client.post(
            f"/api/fees/v1/entities/{ENTITY}/payments",
            json={
                "amount_cents": amount,
                "method": method,
                "reference": reference,
                "received_on": str(california_today()),
            },
            headers=staff,
        )

    first = record("cheque", "1042")
    assert first.status_code == 201, first.json
    assert (first.json["kind"], first.json["amount_cents"]) == ("payment", -1000)
    again = record("cheque", " 1042 ")
    assert again.status_code == 409
    assert again.json["errors"][0]["field"] == "reference"
    assert record("money_order", "1042").status_code == 201
    assert record("online", "1043").status_code == 422
    with database.session() as session:
        lines = session.scalars(select(StaffAction).order_by(StaffAction.seq)).all()
    assert [(line.action, line.outcome, line.actor_id, line.detail["reference"]) for line in lines] == [
        ("record_payment", "done", STAFF, "1042"),
        ("record_payment", "refused", STAFF, " 1042 "),
        ("record_payment", "done", STAFF, "1042"),
    ]
    assert lines[0].target_id == first.json["entry_id"]


def test_a_payment_in_the_future_or_for_an_unknown_account_is_refused(client, staff, account):
    tomorrow = str(california_today() + timedelta(days=1))
    body = {"amount_cents": 100, "method": "cheque", "reference": "7", "received_on": tomorrow}
    assert client.post(f"/api/fees/v1/entities/{ENTITY}/payments", json=body, headers=staff).status_code == 409
    body["received_on"] = str(california_today())
    assert client.post("/api/fees/v1/entities/2777777/payments", json=body, headers=staff).status_code == 404


def test_staff_refund_a_payment_as_its_reversal(client, staff, officer, account, database, queued):
    cheque = client.post(
        f"/api/fees/v1/entities/{ENTITY}/payments",
        json={"amount_cents": 10000, "method": "cheque", "reference": "88", "received_on": str(california_today())},
        headers=staff,
    ).json
    refund = {"entry_id": cheque["entry_id"], "reason": "Paid twice by mistake"}
    assert client.post(f"/api/fees/v1/entities/{ENTITY}/refunds", json=refund, headers=officer).status_code == 403
    response = client.post(f"/api/fees/v1/entities/{ENTITY}/refunds", json=refund, headers=staff)
    assert response.status_code == 201, response.json
    assert (response.json["kind"], response.json["amount_cents"], response.json["reverses_entry_id"]) == (
        "reversal",
        10000,
        cheque["entry_id"],
    )
    assert (statement(client, staff)["balance_cents"], statement(client, staff)["unapplied_credit_cents"]) == (9000, 0)
    [reversed_event] = queued("ledger_entry_reversed")
    assert read_event(reversed_event)["payload"]["reason"] == "Refund: Paid twice by mistake"
    assert client.post(f"/api/fees/v1/entities/{ENTITY}/refunds", json=refund, headers=staff).status_code == 409
    fee = statement(client, staff)["items"][0]["item_id"]
    not_a_payment = {"entry_id": fee, "reason": "Not a payment"}
    assert client.post(f"/api/fees/v1/entities/{ENTITY}/refunds", json=not_a_payment, headers=staff).status_code == 409


def paid_online(client, provider, officer, database, amount_cents=5000):
    """An online payment of the officer's, succeeded: its intent with its ledger entry."""
    intent = started(client, officer, database, amount_cents)
    assert provider_event(client, provider, intent).json["outcome"] == "applied"
    with database.session() as session:
        return {**intent, "entry_id": session.get(PaymentIntent, intent["intent_id"]).payment_entry_id}


def refund_online(client, staff, paid, reason="Paid twice by mistake"):
    return client.post(
        f"/api/fees/v1/entities/{ENTITY}/refunds", json={"entry_id": paid["entry_id"], "reason": reason}, headers=staff
    )


def reversals(database):
    with database.session() as session:
        return session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "reversal")).all()


def test_staff_refund_an_online_payment_through_its_provider(
    client, provider, officer, staff, account, database, queued
):
    paid = paid_online(client, provider, officer, database)
    assert statement(client, staff)["balance_cents"] == 4000
    response = refund_online(client, staff, paid)
    assert response.status_code == 202, response.json
    refund = response.json
    assert (refund["status"], refund["amount_cents"], refund["provider"], refund["payment_entry_id"]) == (
        "succeeded",
        5000,
        "local",
        paid["entry_id"],
    )
    [reversal] = reversals(database)
    assert (reversal.id, reversal.reverses_id, reversal.amount_cents, reversal.actor_id) == (
        refund["reversal_entry_id"],
        paid["entry_id"],
        5000,
        "payments.local",
    )
    assert statement(client, staff)["balance_cents"] == 9000
    [reversed_event] = queued("ledger_entry_reversed")
    assert read_event(reversed_event)["payload"]["reason"] == "Refund: Paid twice by mistake"
    read = client.get(f"/api/fees/v1/entities/{ENTITY}/refunds/{refund['refund_id']}", headers=staff)
    assert (read.status_code, read.json["status"]) == (200, "succeeded")
    assert (
        client.get(f"/api/fees/v1/entities/{ENTITY}/refunds/{refund['refund_id']}", headers=officer).status_code == 403
    )
    again = refund_online(client, staff, paid)
    assert again.status_code == 409 and again.json["errors"][0]["field"] == "entry_id"
    with database.session() as session:
        logged = session.scalars(select(StaffAction).where(StaffAction.action == "refund_payment")).all()
    assert [line.outcome for line in logged] == ["done", "refused"]


@pytest.fixture
def later_refunds(database, token_mint):
    """A gateway whose provider confirms refunds later, by webhook (as a real provider does)."""
    app = create_app(database=database, verifier=token_mint.verifier)
    app.extensions["fees.payment_provider"] = LocalProvider("whsec-test-secret", refunds_at_once=False)
    return app.test_client()


def test_an_online_refund_is_reversed_only_when_the_provider_confirms_it_and_only_once(
    later_refunds, provider, officer, staff, account, database, queued
):
    paid = paid_online(later_refunds, provider, officer, database)
    response = refund_online(later_refunds, staff, paid)
    assert (response.status_code, response.json["status"], response.json["reversal_entry_id"]) == (202, "pending", None)
    assert reversals(database) == []
    assert statement(later_refunds, staff)["balance_cents"] == 4000
    assert refund_online(later_refunds, staff, paid).status_code == 409

    with database.session() as session:
        reference = session.get(PaymentRefund, response.json["refund_id"]).reference
    confirmed = provider.delivery(REFUND_SUCCEEDED, paid["reference"], 5000, refund_reference=reference)
    assert deliver(later_refunds, confirmed).json["outcome"] == "applied"
    assert deliver(later_refunds, confirmed).status_code == 409
    late_failure = provider.delivery(REFUND_FAILED, paid["reference"], 5000, refund_reference=reference)
    assert deliver(later_refunds, late_failure).json["outcome"] == "ignored"
    [reversal] = reversals(database)
    assert reversal.reverses_id == paid["entry_id"]
    assert len(queued("ledger_entry_reversed")) == 1
    assert statement(later_refunds, staff)["balance_cents"] == 9000
    assert [refusal.reason for refusal in refusals(database)] == ["replayed"]


def test_a_failed_online_refund_leaves_the_payment_credited_and_may_be_sent_again(
    later_refunds, provider, officer, staff, account, database
):
    paid = paid_online(later_refunds, provider, officer, database)
    first = refund_online(later_refunds, staff, paid).json
    with database.session() as session:
        reference = session.get(PaymentRefund, first["refund_id"]).reference
    failed = provider.delivery(REFUND_FAILED, paid["reference"], 5000, refund_reference=reference)
    assert deliver(later_refunds, failed).json["outcome"] == "changed"
    assert reversals(database) == []
    assert statement(later_refunds, staff)["balance_cents"] == 4000
    second = refund_online(later_refunds, staff, paid)
    assert (second.status_code, second.json["status"]) == (202, "pending")
    assert second.json["refund_id"] != first["refund_id"]


def test_a_refund_event_for_an_unknown_refund_or_forged_is_not_acted_on(client, provider, officer, account, database):
    paid = paid_online(client, provider, officer, database)
    unknown = provider.delivery(REFUND_SUCCEEDED, paid["reference"], 5000, refund_reference="re_unknown")
    assert deliver(client, unknown).json["outcome"] == "ignored"
    forged = LocalProvider("not-the-secret").delivery(
        REFUND_SUCCEEDED, paid["reference"], 5000, refund_reference="re_x"
    )
    assert deliver(client, forged).status_code == 400
    assert reversals(database) == []


def test_an_online_payment_is_not_refunded_where_its_provider_is_not_available(
    database, token_mint, provider, officer, staff, account, client
):
    paid = paid_online(client, provider, officer, database)
    app = create_app(database=database, verifier=token_mint.verifier)
    app.extensions["fees.payment_provider"] = None
    response = refund_online(app.test_client(), staff, paid)
    assert response.status_code == 503
    assert reversals(database) == []


def test_without_a_provider_online_payments_are_off_and_nothing_can_be_marked_paid(
    database, token_mint, officer, provider, account
):
    app = create_app(database=database, verifier=token_mint.verifier)
    app.extensions["fees.payment_provider"] = None
    client = app.test_client()
    assert open_intent(client, officer, 1000).status_code == 503
    assert deliver(client, provider.delivery(SUCCEEDED, "pay_1", 1000)).status_code == 404
    assert client.post("/api/fees/v1/checkout/pay_1", data={"action": "pay"}).status_code == 404


def test_the_local_provider_runs_by_default_only_on_the_embedded_database(monkeypatch, tmp_path):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("FEES_PAYMENT_PROVIDER", raising=False)
    monkeypatch.delenv("FEES_PAYMENT_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("FEES_DATABASE_URL", raising=False)
    local = configured_provider()
    assert local.name == "local"
    assert (tmp_path / "fees-payment-webhook-secret").stat().st_mode & 0o077 == 0
    assert configured_provider().secret == local.secret
    monkeypatch.setenv("FEES_DATABASE_URL", "postgresql://fees@db/fees")
    assert configured_provider() is None
    monkeypatch.setenv("FEES_PAYMENT_PROVIDER", "local")
    monkeypatch.setenv("FEES_PAYMENT_WEBHOOK_SECRET", "configured-secret")
    assert configured_provider().secret == "configured-secret"
    monkeypatch.setenv("FEES_PAYMENT_PROVIDER", "acme")
    with pytest.raises(ValueError, match="acme"):
        configured_provider()
