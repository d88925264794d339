"""The whole system as separate processes (workers, gateways, front door) for end-to-end scenarios."""

import base64
import json
import os
import re
import time
import uuid

import pytest
import requests

from cars_shared.config import SERVICES
from cars_shared.supervisor import LocalSystem, free_port

PASSWORD = "correct horse battery staple 42"


class Client:
    """Talks to the running system through its front door, like the portal does."""

    def __init__(self, base_url: str, mailbox=None) -> None:
        self.base_url = base_url
        self.mailbox = mailbox
        self.http = requests.Session()
        self.refresh_tokens: dict[str, str] = {}
        """The newest refresh token of each session, by session id (the access token's `sid`)."""

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
        credentials = {"username": username, "password": PASSWORD}
        created = self.request("POST", "/api/accounts/users", json={"email": email, **credentials})
        assert created.status_code == 201, created.text
        return email, self.verify_and_sign_in(username, email)

    def verify_and_sign_in(self, username: str, email: str, password: str = PASSWORD) -> str:
        """Confirm the e-mailed address, enrol an authenticator and sign in with both factors; the access token."""
        credentials = {"username": username, "password": password}
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
        self.refresh_tokens[claims_of(second.json()["access_token"])["sid"]] = second.json()["refresh_token"]
        return second.json()["access_token"]

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

    def submit(self, token, document, headers=None):
        """Send a submission document to the e-filing API; returns its submission id (checked asynchronously)."""
        response = self.request(
            "POST", "/api/filings/v1/submissions", token, headers=dict(headers or {}), json=document
        )
        assert response.status_code == 202, response.text
        assert response.headers["Location"].endswith(response.json()["submission_id"])
        return response.json()["submission_id"]

    def decided(self, token, submission_id, timeout=60.0, expect="accepted"):
        """The submission's status resource once it is decided, which must be `expect` (accepted by default)."""

        def decision():
            status = self.request("GET", f"/api/filings/v1/submissions/{submission_id}", token)
            assert status.status_code == 200, status.text
            return status.json() if status.json()["status"] in ("accepted", "rejected") else None

        decided = wait_until(decision, timeout=timeout)
        assert decided["status"] == expect, decided["errors"]
        return decided

    def submit_registration(self, token, name, headers=None):
        """Form 410 of a new recipient committee named `name`, signed by the caller; returns the submission id."""
        from filings.examples import example

        document = example("F410")
        document["parts"]["committee"]["name"] = name
        document["parts"]["treasurer"]["name"] = "Ana Núñez"
        document["verification"] = {**document["verification"], "signer_id": user_id_of(token)}
        return self.submit(token, document, headers=headers)

    def register_committee(self, token, name, headers=None):
        """Register a committee and wait until accounts makes the registrant its officer.

        Returns the entity id and a refreshed access token whose `entities` claim carries the new link.
        """
        entity_id = self.decided(token, self.submit_registration(token, name, headers=headers))["entity_id"]
        return entity_id, self.token_acting_for(token, entity_id)

    def token_acting_for(self, token, entity_id, timeout=60.0):
        """A refreshed access token once accounts has linked its user to `entity_id` as officer."""

        session = claims_of(token)["sid"]

        def refreshed():
            response = self.request(
                "POST", "/api/accounts/sessions/refresh", json={"refresh_token": self.refresh_tokens[session]}
            )
            assert response.status_code == 200, response.text
            fresh = response.json()["access_token"]
            self.refresh_tokens[session] = response.json()["refresh_token"]
            links = claims_of(fresh).get("entities", [])
            return fresh if {"entity_id": entity_id, "role": "officer"} in links else None

        return wait_until(refreshed, timeout=timeout)

    def file_campaign_statement(self, token, entity_id):
        """A Form 460 of the committee, signed by the caller; waits until it is accepted."""
        from filings.examples import example

        document = example("F460")
        document["entity_id"] = entity_id
        document["verification"] = {**document["verification"], "signer_id": user_id_of(token)}
        return self.decided(token, self.submit(token, document))


def claims_of(token):
    """The claims of an access token (read, not verified: the gateways verify it)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def user_id_of(token):
    return claims_of(token)["sub"]


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
