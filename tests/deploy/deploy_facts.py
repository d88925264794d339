"""Facts the deployment tests share: the repository's paths, its services, secrets and allow-lists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
FIXTURES = ROOT / "tests" / "fixtures"

# Every folder under services/ holding a package is a service the deployment must run.
SERVICES = sorted(path.parent.name for path in (ROOT / "services").glob("*/pyproject.toml"))

# Services that seal secrets at rest with data keys of their own (<SERVICE>_DATA_KEY).
SEALING_SERVICES = ("accounts", "filings", "notify")

# Variables whose values are secrets: never written in a manifest, only referenced.
SECRET_VARIABLES = {
    "ACCOUNTS_SIGNING_KEY",
    "NOTIFY_ALERT_SIGNING_KEY",
    *(f"{s.upper()}_DATA_KEY" for s in SEALING_SERVICES),
    "AMQP_URI",
    "SMTP_URL",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "RABBITMQ_MANAGEMENT_PASSWORD",
    *(f"{s.upper()}_DATABASE_URL" for s in SERVICES),
}

# Infrastructure images read their own variables; only these, per image, may be set for them.
INFRASTRUCTURE_VARIABLES = {
    "postgres": {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD", "PGDATA"},
    "rabbitmq": {"RABBITMQ_DEFAULT_USER", "RABBITMQ_DEFAULT_PASS"},
    "docker.elastic.co/elasticsearch/elasticsearch": {"discovery.type", "ES_JAVA_OPTS", "xpack.security.enabled"},
    "axllent/mailpit": {"MP_SMTP_AUTH_ACCEPT_ANY", "MP_SMTP_AUTH_ALLOW_INSECURE", "MP_MAX_MESSAGES"},
    "nginx": set(),
}

# scheme://user:password@host with a literal password (not a ${...} reference).
LITERAL_CREDENTIALS = re.compile(r"[a-z0-9+.-]+://[^/\s:@]+:(?!\$\{)[^@\s/]+@")


def image_name(image: str) -> str:
    """An image reference without its tag: "postgres:17" -> "postgres"."""
    return image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image


def service_class(service: str) -> str:
    return f"{service.capitalize()}Worker"
