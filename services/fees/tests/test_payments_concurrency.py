"""Payments arriving at the same moment, against PostgreSQL: requests in threads through the gateway, released
together by a barrier. The account's lock and the unique keys must leave exactly one effect per payment.
"""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from cars_shared.events.envelope import read_event
from cars_shared.web.auth import sign_access_token
from fees import handlers
from fees.domain.calendar import california_today
from fees.gateway import create_app
from fees.models import LedgerEntry
from fees.payments.lifecycle import ProviderEventKind
from fees.payments.models import PaymentIntent
from fees.payments.providers import LocalProvider

ENTITY = "2000001"
WEBHOOK = "/api/fees/v1/payment-webhooks/local"


@pytest.fixture
def provider():
    return LocalProvider("whsec-test-secret")


@pytest.fixture
def app(database, token_mint, provider):
    app = create_app(database=database, verifier=token_mint.verifier)
    app.extensions["fees.payment_provider"] = provider
    return app


def headers(token_mint, user_id, roles, **claims):
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


@pytest.fixture
def officers(token_mint):
    """Two officers of the entity, each with their own token."""
    return [
        headers(token_mint, f"officer-{n}", ("filer",), entities=[{"entity_id": ENTITY, "role": "officer"}])
        for n in (1, 2)
    ]


@pytest.fixture
def staff(token_mint):
    return headers(token_mint, "staff-1", ("staff",))


@pytest.fixture
def annual_fee(database, registered):
    """The entity owes its annual fee of 5000 cents, and nothing else."""
    today = california_today()
    with database.session() as session:
        handlers.record_registration(session, registered(ENTITY, registered_on=today - timedelta(days=60)), today=today)


def at_once(app, calls):
    """Make every call (a function of a test client) at the same moment, each on its own thread; their responses."""
    barrier = threading.Barrier(len(calls))
    responses = [None] * len(calls)

    def run(index, call):
        client = app.test_client()
        barrier.wait(timeout=10)
        responses[index] = call(client)

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return responses


def intent(app, database, officer, amount_cents):
    response = app.test_client().post(
        f"/api/fees/v1/entities/{ENTITY}/payment-intents", json={"amount_cents": amount_cents}, headers=officer
    )
    assert response.status_code == 201, response.json
    with database.session() as session:
        return session.get(PaymentIntent, response.json["intent_id"]).reference


def payment_entries(database):
    with database.session() as session:
        return session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "payment")).all()


def balance(app, staff):
    return app.test_client().get(f"/api/fees/v1/entities/{ENTITY}/statement", headers=staff).json


def test_two_officers_paying_the_same_charge_at_once_cannot_both_take_it(app, database, officers, annual_fee):
    responses = at_once(
        app,
        [
            lambda client, officer=officer: client.post(
                f"/api/fees/v1/entities/{ENTITY}/payment-intents", json={"amount_cents": 5000}, headers=officer
            )
            for officer in officers
        ],
    )
    assert sorted(response.status_code for response in responses) == [201, 409]
    with database.session() as session:
        assert [row.amount_cents for row in session.scalars(select(PaymentIntent))] == [5000]


def test_the_same_provider_event_delivered_four_times_at_once_is_applied_once(
    app, database, provider, officers, staff, annual_fee, queued
):
    reference = intent(app, database, officers[0], 5000)
    delivery = provider.delivery(ProviderEventKind.SUCCEEDED, reference, 5000, event_id="evt_at_once")
    responses = at_once(app, [lambda client: client.post(WEBHOOK, data=delivery.body, headers=delivery.headers)] * 4)
    assert sorted(response.status_code for response in responses) == [200, 409, 409, 409]
    assert [entry.amount_cents for entry in payment_entries(database)] == [-5000]
    assert len(queued("payment_received")) == 1
    assert balance(app, staff)["balance_cents"] == 0


def test_two_success_events_of_one_payment_at_once_credit_it_once(app, database, provider, officers, staff, annual_fee):
    reference = intent(app, database, officers[0], 5000)
    deliveries = [provider.delivery(ProviderEventKind.SUCCEEDED, reference, 5000) for _ in range(3)]
    responses = at_once(
        app,
        [
            lambda client, delivery=delivery: client.post(WEBHOOK, data=delivery.body, headers=delivery.headers)
            for delivery in deliveries
        ],
    )
    assert sorted(response.json["outcome"] for response in responses) == ["applied", "ignored", "ignored"]
    assert [entry.amount_cents for entry in payment_entries(database)] == [-5000]
    assert (balance(app, staff)["balance_cents"], balance(app, staff)["unapplied_credit_cents"]) == (0, 0)


def test_two_partial_payments_of_one_charge_at_once_are_both_applied_one_after_the_other(
    app, database, provider, officers, staff, annual_fee, queued
):
    references = [intent(app, database, officer, 2500) for officer in officers]
    deliveries = [provider.delivery(ProviderEventKind.SUCCEEDED, reference, 2500) for reference in references]
    responses = at_once(
        app,
        [
            lambda client, delivery=delivery: client.post(WEBHOOK, data=delivery.body, headers=delivery.headers)
            for delivery in deliveries
        ],
    )
    assert [response.json["outcome"] for response in responses] == ["applied", "applied"]
    [fee] = balance(app, staff)["items"]
    assert (fee["paid_cents"], fee["open_cents"]) == (5000, 0)
    # Each saw the account the other left: one published the balance at 2500, the other at 0.
    published = sorted(read_event(event)["payload"]["balance_cents"] for event in queued("payment_received"))
    assert published == [0, 2500]


def test_the_same_cheque_recorded_twice_at_once_is_recorded_once(app, database, staff, annual_fee):
    body = {"amount_cents": 5000, "method": "cheque", "reference": "3141", "received_on": str(california_today())}
    responses = at_once(
        app, [lambda client: client.post(f"/api/fees/v1/entities/{ENTITY}/payments", json=body, headers=staff)] * 2
    )
    assert sorted(response.status_code for response in responses) == [201, 409]
    assert [entry.amount_cents for entry in payment_entries(database)] == [-5000]
