"""Events written while the broker is down are neither lost nor handled twice once it returns."""

import socket
import subprocess
import time

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.broker_outage]


def broker_port_open() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5672), timeout=1):
            return True
    except OSError:
        return False


def rabbitmqctl(action: str) -> None:
    subprocess.run(["rabbitmqctl", action], check=True, capture_output=True, timeout=120)


def test_registrations_during_a_broker_outage_each_yield_exactly_one_notice(
    running_system_on_postgresql, smtp_sink, eventually
):
    client, _system = running_system_on_postgresql
    email, token = client.sign_up_and_in("outage")
    names = [f"Outage Committee {n} for Senate" for n in range(3)]
    rabbitmqctl("stop_app")
    try:
        # Received while the broker is down: checked once submission_received gets through.
        submission_ids = [client.submit_registration(token, name) for name in names]
        time.sleep(2)  # the relays keep retrying against the stopped broker meanwhile
    finally:
        rabbitmqctl("start_app")
        eventually(broker_port_open, timeout=120)
    entity_ids = [client.decided(token, submission_id, timeout=120)["entity_id"] for submission_id in submission_ids]

    def letters(kind):
        listing = client.request("GET", "/api/correspondence/mine", token, params={"kind": kind})
        body = listing.json() if listing.status_code == 200 else []
        items = body["items"] if isinstance(body, dict) else body
        return sorted(item["entity_id"] for item in items if item["entity_id"] in entity_ids)

    def link_approvals():
        listing = client.request("GET", "/api/correspondence/mine", token, params={"kind": "link_approval"})
        body = listing.json() if listing.status_code == 200 else []
        return body["items"] if isinstance(body, dict) else body

    # Each registration yields its Annual Fee Notice, its Filing Receipt and the registrant's Link approval
    # (officer of the new entity), each e-mailed once.
    eventually(lambda: len(letters("annual_fee_notice")) >= len(entity_ids), timeout=120)
    eventually(lambda: len(letters("filing_receipt")) >= len(entity_ids), timeout=120)
    eventually(lambda: len(link_approvals()) >= len(entity_ids), timeout=120)
    expected_mail = 3 * len(entity_ids)
    eventually(lambda: len([m for m in smtp_sink.messages if email in m["To"]]) >= expected_mail, timeout=120)
    time.sleep(3)  # anything handled twice would show up by now
    assert letters("annual_fee_notice") == sorted(entity_ids)
    assert letters("filing_receipt") == sorted(entity_ids)
    assert len(link_approvals()) == len(entity_ids)
    assert len([m for m in smtp_sink.messages if email in m["To"]]) == expected_mail
