"""Feed partners' broker users, kept through RabbitMQ's management HTTP API."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import requests

from accounts.feed_partners.rules import PUBLIC_EXCHANGE, BrokerPermissions
from cars_shared.config import (
    AMQP_URI,
    PARTNER_AMQP_URL,
    PARTNER_AMQP_VHOST,
    RABBITMQ_MANAGEMENT_PASSWORD,
    RABBITMQ_MANAGEMENT_URL,
    RABBITMQ_MANAGEMENT_USER,
)
from cars_shared.logging import get_logger

log = get_logger(__name__)

TIMEOUT_SECONDS = 10.0
QUEUE_PAGE_SIZE = 500
# RabbitMQ's own salted SHA-256 scheme: the clear password never leaves accounts.
HASHING_ALGORITHM = "rabbit_password_hashing_sha256"


class BrokerError(Exception):
    """The management API did not do what was asked; nothing that failed was applied."""


class BrokerUnavailable(BrokerError):
    """The management API could not be reached or did not answer in time."""


class BrokerRefused(BrokerError):
    """The management API answered with an error status."""

    def __init__(self, detail: str, status: int) -> None:
        super().__init__(detail)
        self.status = status


def rabbit_password_hash(password: str, salt: bytes | None = None) -> str:
    """The password as RabbitMQ stores it: base64 of a 4-byte salt and SHA-256 of salt and password."""
    salt = secrets.token_bytes(4) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode("utf-8")).digest()).decode("ascii")


@dataclass(frozen=True)
class BrokerSettings:
    """Where the management API is, whom to act as, and the vhost partners use."""

    management_url: str
    user: str
    password: str
    vhost: str
    partner_url: str

    @classmethod
    def from_config(cls) -> BrokerSettings:
        """From RABBITMQ_MANAGEMENT_*, PARTNER_AMQP_*, falling back on the credentials and vhost of AMQP_URI."""
        management = urlsplit(RABBITMQ_MANAGEMENT_URL.get())
        amqp = urlsplit(AMQP_URI.get())
        user = RABBITMQ_MANAGEMENT_USER.get() or unquote(management.username or amqp.username or "guest")
        password = RABBITMQ_MANAGEMENT_PASSWORD.get() or unquote(management.password or amqp.password or "guest")
        vhost = PARTNER_AMQP_VHOST.get() or unquote(amqp.path[1:]) or "/"
        bare_management = urlunsplit(
            management._replace(netloc=(management.hostname or "127.0.0.1") + port_of(management))
        )
        partner_url = PARTNER_AMQP_URL.get() or urlunsplit(
            amqp._replace(netloc=(amqp.hostname or "127.0.0.1") + port_of(amqp), path="/" + quote(vhost, safe=""))
        )
        return cls(bare_management.rstrip("/"), user, password, vhost, partner_url)


def port_of(parts: Any) -> str:
    return f":{parts.port}" if parts.port else ""


class BrokerAccounts:
    """Creates, re-passwords and deletes partners' broker users and their permissions on the partner vhost."""

    def __init__(self, settings: BrokerSettings, timeout: float = TIMEOUT_SECONDS) -> None:
        self.settings = settings
        self.timeout = timeout
        self._http = requests.Session()
        self._http.auth = (settings.user, settings.password)

    @property
    def vhost(self) -> str:
        return self.settings.vhost

    def _url(self, *parts: str) -> str:
        return "/".join([self.settings.management_url, "api", *(quote(part, safe="") for part in parts)])

    def _call(self, method: str, url: str, *, missing_ok: bool = False, **kwargs: Any) -> requests.Response:
        try:
            response = self._http.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            raise BrokerUnavailable(f"RabbitMQ's management API cannot be reached: {type(error).__name__}") from error
        if missing_ok and response.status_code == 404:
            return response
        if response.status_code >= 400:
            raise BrokerRefused(
                f"RabbitMQ's management API answered {response.status_code} to {method}", response.status_code
            )
        return response

    def declare_public_exchange(self) -> None:
        """The durable topic exchange partners bind to; notify declares it too, with the same arguments."""
        self._call(
            "PUT",
            self._url("exchanges", self.vhost, PUBLIC_EXCHANGE),
            json={"type": "topic", "durable": True, "auto_delete": False, "internal": False, "arguments": {}},
        )

    def put_user(self, username: str, password: str) -> None:
        """Create the user or replace its password (idempotent); no tags, so no management access."""
        self._call(
            "PUT",
            self._url("users", username),
            json={"password_hash": rabbit_password_hash(password), "hashing_algorithm": HASHING_ALGORITHM, "tags": ""},
        )

    def grant(self, username: str, permissions: BrokerPermissions) -> None:
        self._call(
            "PUT",
            self._url("permissions", self.vhost, username),
            json={"configure": permissions.configure, "write": permissions.write, "read": permissions.read},
        )

    def provision(self, username: str, password: str, permissions: BrokerPermissions) -> None:
        """Exchange, user and permissions, each an idempotent PUT: repeating it completes a partial run."""
        self.declare_public_exchange()
        self.put_user(username, password)
        self.grant(username, permissions)

    def close_connections(self, username: str) -> None:
        """End the user's open connections (after a rotation they were opened with the replaced password)."""
        self._call("DELETE", self._url("connections", "username", username), missing_ok=True)

    def delete_user(self, username: str) -> bool:
        """Delete the user (RabbitMQ closes its connections); False when it did not exist."""
        return self._call("DELETE", self._url("users", username), missing_ok=True).status_code != 404

    def queues_named(self, prefix: str) -> list[str]:
        """Names of the vhost's queues starting with `prefix`."""
        names: list[str] = []
        page = 1
        while True:
            answer = self._call(
                "GET",
                self._url("queues", self.vhost),
                params={
                    "page": page,
                    "page_size": QUEUE_PAGE_SIZE,
                    "name": "^" + prefix.replace(".", r"\."),
                    "use_regex": "true",
                    "columns": "name",
                },
            ).json()
            names += [item["name"] for item in answer["items"] if item["name"].startswith(prefix)]
            if page >= answer.get("page_count", 1):
                return names
            page += 1

    def delete_queues(self, prefix: str) -> list[str]:
        """Delete the queues starting with `prefix`, so a revoked partner's queues stop filling up."""
        deleted = self.queues_named(prefix)
        for name in deleted:
            self._call("DELETE", self._url("queues", self.vhost, name), missing_ok=True)
        return deleted

    def discard(self, username: str) -> None:
        """Best effort: remove a user whose provisioning failed (a later retry overwrites it anyway)."""
        try:
            self.delete_user(username)
        except BrokerError as error:
            log.warning("partner_broker_user_left", username=username, error=str(error))
