"""The whole system as separate processes (workers, gateways, front door) for end-to-end scenarios."""

import os
import re
import time
import uuid

import pytest
import requests

from cars_shared.config import SERVICES
from cars_shared.supervisor import LocalSystem, free_port


class Client:
    """Talks to the running system through its front door, like the portal does."""

    def __init__(self, base_url: str, mailbox=None) -> None:
        self.base_url = base_url
        self.mailbox = mailbox
        self.http = requests.Session()

    def request(self, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, self.base_url + path, headers=headers, timeout=30, **kwargs)

    def sign_up_and_in(self, label: str) -> tuple[str, str]:
        """A new account with a verified address and an authenticator, signed in with both factors.

        Returns (e-mail, access token). The verification e-mail is taken out of the mailbox, so tests
        count only the messages their scenario sends.
        """
        username = f"{label}-{uuid.uuid4().hex[:8]}"
        email = f"{username}@example.org"
        password = "correct horse battery staple 42"
        credentials = {"username": username, "password": password}
        created = self.request("POST", "/api/accounts/users", json={"email": email, **credentials})
        assert created.status_code == 201, created.text
        verified = self.request("POST", "/api/accounts/email-verifications", json={"token": self.emailed_token(email)})
        assert verified.status_code == 200, verified.text
        first = self.request("POST", "/api/accounts/sessions", json=credentials)
        assert first.status_code == 200, first.text
        recovery_code = self.enrol_authenticator(first.json()["access_token"])
        challenge = self.request("POST", "/api/accounts/sessions", json=credentials)
        assert challenge.json()["status"] == "mfa_required", challenge.text
        second = self.request(
            "POST",
            "/api/accounts/sessions/mfa",
            json={"challenge": challenge.json()["challenge"], "code": recovery_code},
        )
        assert second.status_code == 200, second.text
        return email, second.json()["access_token"]

    def emailed_token(self, email: str) -> str:
        """The token of the verification link e-mailed to `email`, taking that message out of the mailbox."""
        message = wait_until(
            lambda: next(
                (m for m in list(self.mailbox.messages) if email in m["To"] and "Confirm" in m["Subject"]), None
            )
        )
        self.mailbox.messages.remove(message)
        text = message.get_payload(0).get_payload(decode=True).decode()
        return re.search(r"#token=([A-Za-z0-9_-]+)", text).group(1)

    def enrol_authenticator(self, token: str) -> str:
        """Enrol a TOTP authenticator; returns one of its recovery codes (a second factor usable at once)."""
        import pyotp

        enrolment = self.request("POST", "/api/accounts/me/mfa/totp", token)
        assert enrolment.status_code == 201, enrolment.text
        code = pyotp.TOTP(enrolment.json()["secret"]).now()
        confirmed = self.request("POST", "/api/accounts/me/mfa/totp/confirm", token, json={"code": code})
        assert confirmed.status_code == 200, confirmed.text
        return confirmed.json()["recovery_codes"][0]

    def register_committee(self, token, name, headers=None):
        response = self.request(
            "POST",
            "/api/filings/committees",
            token,
            headers=dict(headers or {}),
            json={
                "name": name,
                "committee_type": "recipient_committee",
                "treasurer_name": "Ana Núñez",
                "street": "1500 11th Street",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95814",
                "email": "treasurer@example.org",
            },
        )
        assert response.status_code == 201, response.text
        return response.json()["entity_id"]

    def file_campaign_statement(self, token, entity_id):
        response = self.request(
            "POST",
            f"/api/filings/committees/{entity_id}/campaign-statements",
            token,
            json={
                "period_start": "2026-01-01",
                "period_end": "2026-06-30",
                "contributions_received": "150.00",
                "expenditures_made": "0.00",
                "schedule_a": [
                    {
                        "contributor_name": "Jane Doe",
                        "city": "Fresno",
                        "state": "CA",
                        "zip": "93721",
                        "occupation": "Teacher",
                        "employer": "Unified School District",
                        "amount": "150.00",
                        "date": "2026-02-14",
                    }
                ],
            },
        )
        assert response.status_code == 201, response.text


def wait_until(check, timeout=60.0, interval=0.25):
    """Polls `check` until it returns something truthy, which is returned."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout} s")
        time.sleep(interval)


@pytest.fixture
def eventually():
    return wait_until


def start_system(tmp_path, amqp_uri: str, smtp_url: str, database_urls: dict[str, str]) -> LocalSystem:
    env = dict(os.environ)
    for name in list(env):
        if name.endswith("_DATABASE_URL"):
            del env[name]
    env.update(VAR_DIR=str(tmp_path / "var"), AMQP_URI=amqp_uri, SMTP_URL=smtp_url, LOG_LEVEL="INFO")
    env.update({f"{service.upper()}_DATABASE_URL": url for service, url in database_urls.items()})
    system = LocalSystem(env=env, port=free_port(), with_mail_sink=False)
    try:
        system.start()
    except Exception:
        system.stop()
        raise
    return system


def run_system(request, backend, tmp_path, amqp_vhost, smtp_sink):
    urls = {}
    if backend == "postgresql":
        create = request.getfixturevalue("postgres_url")
        urls = {service: create(service) for service in SERVICES}
    system = start_system(tmp_path, amqp_vhost, smtp_sink.url, urls)
    processes = list(system.processes)
    yield Client(f"http://127.0.0.1:{system.port}", smtp_sink), system
    system.stop()
    for name, process in processes:
        assert process.poll() is not None, f"{name} still running"


@pytest.fixture(params=["postgresql", "sqlite"])
def running_system(request, tmp_path, amqp_vhost, smtp_sink):
    """All six services against the real broker, on PostgreSQL or on the embedded SQLite defaults."""
    yield from run_system(request, request.param, tmp_path, amqp_vhost, smtp_sink)


@pytest.fixture
def running_system_on_postgresql(request, tmp_path, amqp_vhost, smtp_sink):
    yield from run_system(request, "postgresql", tmp_path, amqp_vhost, smtp_sink)
