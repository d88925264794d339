"""The whole system as separate processes (workers, gateways, front door) for end-to-end scenarios."""

import os
import time
import uuid

import pytest
import requests

from cars_shared.config import SERVICES
from cars_shared.supervisor import LocalSystem, free_port


class Client:
    """Talks to the running system through its front door, like the portal does."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()

    def request(self, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, self.base_url + path, headers=headers, timeout=30, **kwargs)

    def sign_up_and_in(self, label: str) -> tuple[str, str]:
        """A new account; returns (e-mail, access token)."""
        username = f"{label}-{uuid.uuid4().hex[:8]}"
        email = f"{username}@example.org"
        password = "correct horse battery staple 42"
        created = self.request(
            "POST", "/api/accounts/users", json={"username": username, "email": email, "password": password}
        )
        assert created.status_code == 201, created.text
        session = self.request("POST", "/api/accounts/sessions", json={"username": username, "password": password})
        assert session.status_code == 200, session.text
        return email, session.json()["access_token"]

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
    yield Client(f"http://127.0.0.1:{system.port}"), system
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
