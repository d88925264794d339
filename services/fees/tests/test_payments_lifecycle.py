import time
from datetime import UTC, datetime, timedelta

import pytest

from fees.payments import signatures
from fees.payments.lifecycle import (
    IntentStatus,
    ProviderEventKind,
    RefundStatus,
    is_reserving,
    payable_cents,
    refund_transition,
    transition,
)
from fees.payments.providers import LocalProvider, WebhookRefused, parse_event

OPEN, SUCCEEDED, FAILED, CANCELED = (
    IntentStatus.OPEN,
    IntentStatus.SUCCEEDED,
    IntentStatus.FAILED,
    IntentStatus.CANCELED,
)


@pytest.mark.parametrize(
    ("status", "kind", "after", "receives"),
    [
        (OPEN, ProviderEventKind.SUCCEEDED, SUCCEEDED, True),
        (FAILED, ProviderEventKind.SUCCEEDED, SUCCEEDED, True),
        (CANCELED, ProviderEventKind.SUCCEEDED, SUCCEEDED, True),
        (SUCCEEDED, ProviderEventKind.SUCCEEDED, SUCCEEDED, False),
        (SUCCEEDED, ProviderEventKind.FAILED, SUCCEEDED, False),
        (SUCCEEDED, ProviderEventKind.CANCELED, SUCCEEDED, False),
        (SUCCEEDED, ProviderEventKind.CREATED, SUCCEEDED, False),
        (OPEN, ProviderEventKind.CREATED, OPEN, False),
        (FAILED, ProviderEventKind.CREATED, FAILED, False),
        (OPEN, ProviderEventKind.FAILED, FAILED, False),
        (OPEN, ProviderEventKind.CANCELED, CANCELED, False),
        (FAILED, ProviderEventKind.CANCELED, CANCELED, False),
        (CANCELED, ProviderEventKind.FAILED, CANCELED, False),
    ],
)
def test_a_success_is_final_and_received_once_whatever_order_events_arrive_in(status, kind, after, receives):
    step = transition(status, kind)
    assert (step.status, step.receives_payment) == (after, receives)


def test_only_an_open_unexpired_intent_holds_part_of_the_balance():
    now = datetime(2026, 8, 3, 12, tzinfo=UTC)
    assert is_reserving(OPEN, now + timedelta(minutes=1), now)
    assert not is_reserving(OPEN, now, now)
    assert not is_reserving(FAILED, now + timedelta(minutes=1), now)
    assert (payable_cents(9000, 6000), payable_cents(9000, 9000), payable_cents(0, 500)) == (3000, 0, 0)


def test_a_signature_checks_the_body_the_secret_and_the_time_it_was_made():
    body, now = b'{"id": "evt_1"}', 1_780_000_000
    header = signatures.signature_header("secret", body, now)
    assert signatures.verify("secret", body, header, tolerance_seconds=300, now=now + 300) == now
    refused = [
        ("other secret", body, header, now),
        ("secret", body + b" ", header, now),
        ("secret", body, header, now + 301),
        ("secret", body, header, now - 301),
        ("secret", body, None, now),
        ("secret", body, "v1=abc", now),
        ("secret", body, f"t={now}", now),
        ("", body, header, now),
    ]
    for secret, signed_body, signed_header, moment in refused:
        with pytest.raises(signatures.SignatureRefused):
            signatures.verify(secret, signed_body, signed_header, tolerance_seconds=300, now=moment)


def test_a_rotating_provider_may_send_two_signatures_and_one_matching_is_enough():
    body, now = b"{}", 1_780_000_000
    good = signatures.signature_header("secret", body, now).split(",")[1]
    assert signatures.verify("secret", body, f"t={now},v1=00ff,{good}", tolerance_seconds=300, now=now) == now


def test_the_local_provider_reads_back_what_it_signed_and_refuses_anything_else():
    provider = LocalProvider("secret")
    delivery = provider.delivery(ProviderEventKind.SUCCEEDED, "pay_1", 4200, event_id="evt_1")
    event = provider.read_webhook(delivery.body, delivery.headers)
    assert (event.event_id, event.kind, event.reference, event.amount_cents) == (
        "evt_1",
        ProviderEventKind.SUCCEEDED,
        "pay_1",
        4200,
    )
    assert abs(event.occurred_at - time.time()) < 5
    with pytest.raises(WebhookRefused) as forged:
        LocalProvider("other").read_webhook(delivery.body, delivery.headers)
    assert (forged.value.reason, forged.value.claimed_event_id) == ("forged", "evt_1")


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"id": "evt_1", "type": "payment.refunded", "created": 1, "data": {"payment_id": "p", "amount_cents": 1}}',
        b'{"id": "evt_1", "type": "payment.succeeded", "created": 1, "data": {"payment_id": "p", "amount_cents": -5}}',
        b'{"id": "evt_1", "type": "payment.succeeded", "created": 1, "data": {"payment_id": "p", "amount_cents": 1.5}}',
        b'{"id": 7, "type": "payment.succeeded", "created": 1, "data": {"payment_id": "p", "amount_cents": 1}}',
        b'{"id": "evt_1", "type": "payment.succeeded", "created": 1}',
        b'{"id": "evt_1", "type": "refund.succeeded", "created": 1, "data": {"payment_id": "p", "amount_cents": 1}}',
    ],
)
def test_a_verified_body_that_is_not_a_payment_event_is_refused_as_malformed(body):
    with pytest.raises(WebhookRefused) as refused:
        parse_event(body)
    assert refused.value.reason == "malformed"


@pytest.mark.parametrize(
    ("status", "kind", "after", "reverses"),
    [
        (RefundStatus.PENDING, ProviderEventKind.REFUND_SUCCEEDED, RefundStatus.SUCCEEDED, True),
        (RefundStatus.FAILED, ProviderEventKind.REFUND_SUCCEEDED, RefundStatus.SUCCEEDED, True),
        (RefundStatus.SUCCEEDED, ProviderEventKind.REFUND_SUCCEEDED, RefundStatus.SUCCEEDED, False),
        (RefundStatus.SUCCEEDED, ProviderEventKind.REFUND_FAILED, RefundStatus.SUCCEEDED, False),
        (RefundStatus.PENDING, ProviderEventKind.REFUND_FAILED, RefundStatus.FAILED, False),
        (RefundStatus.FAILED, ProviderEventKind.REFUND_FAILED, RefundStatus.FAILED, False),
    ],
)
def test_a_refund_success_is_final_and_reverses_the_payment_once_whatever_order_events_arrive_in(
    status, kind, after, reverses
):
    step = refund_transition(status, kind)
    assert (step.status, step.reverses_payment) == (after, reverses)


def test_the_local_provider_confirms_a_refund_at_once_with_a_signed_event_naming_it():
    provider = LocalProvider("whsec-test-secret")
    started = provider.start_refund("refund-1", "pay_1", 2500)
    assert started.reference == provider.start_refund("refund-1", "pay_1", 2500).reference
    event = provider.read_webhook(started.confirmation.body, started.confirmation.headers)
    assert (event.kind, event.reference, event.refund_reference, event.amount_cents) == (
        ProviderEventKind.REFUND_SUCCEEDED,
        "pay_1",
        started.reference,
        2500,
    )
    assert LocalProvider("whsec-test-secret", refunds_at_once=False).start_refund("r", "p", 1).confirmation is None
