"""Rules of feed partner accounts: slugs, broker user names and permissions, API key ids and secrets."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

# The topic exchange notify publishes public events on; partners bind their own queues to it.
PUBLIC_EXCHANGE = "cars.public"
BROKER_USER_PREFIX = "partner-"
SLUG_MAX_LENGTH = 40
# Letters, digits and single hyphens inside: never a dot, so one partner's queue prefix is never another's.
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?\Z")

KEY_ID_PREFIX = "fpk_"
KEY_ID_PATTERN = re.compile(r"^fpk_[0-9a-f]{20}\Z")
SECRET_PREFIX = "fps_"  # noqa: S105 - a marker that makes leaked secrets recognisable, not a secret
MAX_ACTIVE_CREDENTIALS = 5

FEED_PARTNER_ROLE = "feed_partner"
SUBJECT_PREFIX = "feed_partner:"
# A revoked partner's API keys stop at once, but a token already issued lives on until it expires.
TOKEN_TTL_SECONDS = 300


class SlugRejected(ValueError):
    """The slug (given or made from the name) cannot name a broker user."""


def slug_of(name: str) -> str:
    """The name in lower-case ASCII letters and digits joined by single hyphens, at most SLUG_MAX_LENGTH long."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:SLUG_MAX_LENGTH].strip("-")
    if not slug:
        raise SlugRejected("The name has no letters or digits to make a slug from; give a slug.")
    return slug


def checked_slug(slug: str) -> str:
    if not SLUG_PATTERN.match(slug) or "--" in slug:
        raise SlugRejected(
            "A slug is 1 to 40 lower-case letters, digits and single hyphens, starting and ending with a letter "
            "or digit."
        )
    return slug


def broker_user(slug: str) -> str:
    return BROKER_USER_PREFIX + slug


def queue_prefix(slug: str) -> str:
    """Every queue the partner may declare, bind and read is named with this prefix."""
    return f"{broker_user(slug)}."


@dataclass(frozen=True)
class BrokerPermissions:
    """RabbitMQ permission patterns (configure, write, read) of one partner on the partner vhost."""

    configure: str
    write: str
    read: str


def broker_permissions(slug: str) -> BrokerPermissions:
    """Its own queues only: declare and bind them, read them and the public exchange; never publish anywhere.

    Binding a queue needs write on the queue and read on the exchange, so partners bind only to cars.public.
    """
    own = rf"^{broker_user(checked_slug(slug))}\..*$"
    exchange = re.escape(PUBLIC_EXCHANGE)
    return BrokerPermissions(configure=own, write=own, read=rf"^({own[1:-1]}|{exchange})$")


def new_broker_password() -> str:
    """A random AMQP password of 256 bits, shown to the partner once and kept by no one but the broker (hashed)."""
    return secrets.token_urlsafe(32)


def new_key_id() -> str:
    return KEY_ID_PREFIX + secrets.token_hex(10)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)
