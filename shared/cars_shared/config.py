"""Configuration read from environment variables, each declared once with its default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SERVICES: tuple[str, ...] = ("accounts", "filings", "fees", "correspondence", "notify", "search")


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    description: str

    def get(self) -> str:
        return os.environ.get(self.name, self.default)


def _var_dir() -> str:
    return os.environ.get("VAR_DIR", "var")


VARIABLES: dict[str, Variable] = {}


def declare(name: str, default: str, description: str) -> Variable:
    variable = Variable(name, default, description)
    VARIABLES[name] = variable
    return variable


VAR_DIR = declare("VAR_DIR", "var", "Folder for embedded databases, keys, blobs and the search index.")
AMQP_URI = declare("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/", "RabbitMQ connection URI.")
SMTP_URL = declare(
    "SMTP_URL", "smtp://127.0.0.1:8025", "Outgoing mail server: smtp:// or smtp+starttls://user:pass@host:port."
)
MAIL_FROM = declare("MAIL_FROM", "CARS <no-reply@cars.sos.ca.gov>", "Sender address of CARS e-mail.")
PORTAL_URL = declare("PORTAL_URL", "http://127.0.0.1:8000", "Public URL of the portal, used in links sent by e-mail.")
ELASTICSEARCH_URL = declare(
    "ELASTICSEARCH_URL",
    "",
    "Elasticsearch 9 URL (credentials may be in it) of the public search index, read and written through the "
    "alias cars-search; empty selects the embedded search index.",
)
SEARCH_INDEX_PATH = declare(
    "SEARCH_INDEX_PATH", "", "File of the embedded search index (default VAR_DIR/search-index.db)."
)
FILINGS_PUBLIC_URL = declare(
    "FILINGS_PUBLIC_URL",
    "",
    "Where search reads filings' public API to index filings (default PORTAL_URL/api/filings).",
)
BLOB_DIR = declare("BLOB_DIR", "", "Folder of the local blob store for PDFs (default VAR_DIR/blobs).")
SEARCH_EXPORT_SYNC_ROW_CAP = declare(
    "SEARCH_EXPORT_SYNC_ROW_CAP",
    "10000",
    "Most rows a search export streams at once (GET /api/search/exports.csv or .jsonl); more need an export job.",
)
SEARCH_EXPORT_ROW_CAP = declare(
    "SEARCH_EXPORT_ROW_CAP", "5000000", "Most rows one asynchronous search export job writes."
)
SEARCH_EXPORT_KEEP_DAYS = declare(
    "SEARCH_EXPORT_KEEP_DAYS", "7", "Days a finished search export file is kept for download before it is deleted."
)
SEARCH_EXPORT_DIR = declare(
    "SEARCH_EXPORT_DIR",
    "",
    "Folder of finished search export files, shared by the search worker and gateway (default VAR_DIR/exports).",
)
BLOB_STORE_URL = declare(
    "BLOB_STORE_URL",
    "",
    "Where PDFs are kept: s3://bucket/prefix for S3-compatible object storage; empty keeps them in BLOB_DIR.",
)
S3_ENDPOINT_URL = declare(
    "S3_ENDPOINT_URL", "", "URL of the S3-compatible server (MinIO, Ceph...); empty: AWS S3 itself."
)
S3_REGION = declare("S3_REGION", "", "Region of the S3 bucket; empty: boto3's default (AWS_DEFAULT_REGION).")
S3_ACCESS_KEY_ID = declare(
    "S3_ACCESS_KEY_ID",
    "",
    "Access key id for the S3 bucket; empty: boto3's own chain (AWS_* variables, instance role).",
)
S3_SECRET_ACCESS_KEY = declare(
    "S3_SECRET_ACCESS_KEY", "", "Secret access key for the S3 bucket (a secret: set it from the deployment's secrets)."
)
ACCOUNTS_JWKS_URL = declare(
    "ACCOUNTS_JWKS_URL",
    "http://127.0.0.1:8000/api/accounts/jwks.json",
    "Where gateways fetch the public keys that verify access tokens.",
)
ACCOUNTS_SIGNING_KEY = declare("ACCOUNTS_SIGNING_KEY", "", "Ed25519 private key (PEM) that signs access tokens.")
ACCOUNTS_SIGNING_KEY_FILE = declare(
    "ACCOUNTS_SIGNING_KEY_FILE",
    "",
    "File holding the signing key; created on first use (default VAR_DIR/accounts-signing-key.pem).",
)
ACCOUNTS_DATA_KEY = declare(
    "ACCOUNTS_DATA_KEY",
    "",
    "Keys (base64 of 32 bytes, comma-separated, newest first) that encrypt TOTP secrets and signing keys at rest; "
    "the first encrypts, every one decrypts.",
)
ACCOUNTS_DATA_KEY_FILE = declare(
    "ACCOUNTS_DATA_KEY_FILE",
    "",
    "File holding the data keys, one a line, newest first; created on first use (default VAR_DIR/accounts-data-key).",
)
FILINGS_DATA_KEY = declare(
    "FILINGS_DATA_KEY",
    "",
    "Keys (base64 of 32 bytes, comma-separated, newest first) that encrypt vendor webhook signing secrets at rest; "
    "the first encrypts, every one decrypts.",
)
FILINGS_DATA_KEY_FILE = declare(
    "FILINGS_DATA_KEY_FILE",
    "",
    "File holding the filings data keys, one a line, newest first; created on first use "
    "(default VAR_DIR/filings-data-key).",
)
FEES_PAYMENT_PROVIDER = declare(
    "FEES_PAYMENT_PROVIDER",
    "",
    "Provider of online fee payments: local (the test provider of a local run, whose checkout page marks a payment "
    "paid without charging anyone) or none (online payments off); empty: local when the fees database is the "
    "embedded default, else none.",
)
FEES_PAYMENT_WEBHOOK_SECRET = declare(
    "FEES_PAYMENT_WEBHOOK_SECRET",
    "",
    "Secret the payment provider signs its webhooks with (HMAC-SHA256); empty: the local provider's, kept in "
    "VAR_DIR/fees-payment-webhook-secret (created on first use).",
)
FEES_PAYMENT_WEBHOOK_TOLERANCE_SECONDS = declare(
    "FEES_PAYMENT_WEBHOOK_TOLERANCE_SECONDS",
    "300",
    "How old (or early) a payment provider webhook's signed timestamp may be before it is refused.",
)
NOTIFY_ALERT_SIGNING_KEY = declare(
    "NOTIFY_ALERT_SIGNING_KEY",
    "",
    "Secret (at least 32 characters) that signs the confirm and unsubscribe links of public alerts; "
    "changing it ends every link already sent.",
)
NOTIFY_ALERT_SIGNING_KEY_FILE = declare(
    "NOTIFY_ALERT_SIGNING_KEY_FILE",
    "",
    "File holding the alert signing key when NOTIFY_ALERT_SIGNING_KEY is empty; created on first use "
    "(default VAR_DIR/notify-alert-signing-key).",
)
NOTIFY_DATA_KEY = declare(
    "NOTIFY_DATA_KEY",
    "",
    "Keys (base64 of 32 bytes, comma-separated, newest first) that encrypt partner webhook signing secrets at rest; "
    "the first encrypts, every one decrypts.",
)
NOTIFY_DATA_KEY_FILE = declare(
    "NOTIFY_DATA_KEY_FILE",
    "",
    "File holding the notify data keys, one a line, newest first; created on first use "
    "(default VAR_DIR/notify-data-key).",
)
NOTIFY_PARTNER_FEED_RETENTION_DAYS = declare(
    "NOTIFY_PARTNER_FEED_RETENTION_DAYS",
    "90",
    "Days public events stay in the partner feed; a cursor older than that is answered 410 Gone.",
)
ACCESS_TOKEN_TTL_SECONDS = declare("ACCESS_TOKEN_TTL_SECONDS", "900", "Lifetime of an access token in seconds.")
LOG_LEVEL = declare(
    "LOG_LEVEL",
    "INFO",
    "Log level of every process (workers and gateways log JSON lines on stderr with their request and correlation "
    "ids).",
)
PORT = declare("PORT", "8000", "Port of the local front door.")
OUTBOX_POLL_SECONDS = declare("OUTBOX_POLL_SECONDS", "0.05", "How often an idle outbox relay looks for new events.")
HANDLER_ATTEMPTS = declare(
    "HANDLER_ATTEMPTS", "8", "Attempts at handling an event (backoff doubling from 0.2 s to 10 s) before it is parked."
)
HANDLER_BATCH_SIZE = declare(
    "HANDLER_BATCH_SIZE", "100", "Most events of one queue a worker handles in one transaction."
)
WORKER_PREFETCH = declare("WORKER_PREFETCH", "200", "Messages a worker takes from each queue ahead of handling them.")
WORKER_MAX_WORKERS = declare("WORKER_MAX_WORKERS", "10", "Concurrent handlers per worker process.")
CORRESPONDENCE_RENDER_PROCESSES = declare(
    "CORRESPONDENCE_RENDER_PROCESSES",
    "",
    "Processes the correspondence worker starts to draw notices issued in bulk (PDFs); empty: one per core.",
)
RABBITMQ_MANAGEMENT_URL = declare(
    "RABBITMQ_MANAGEMENT_URL",
    "http://127.0.0.1:15672",
    "RabbitMQ management API through which accounts creates, rotates and deletes feed partners' broker users "
    "(credentials in it are used when RABBITMQ_MANAGEMENT_USER is empty).",
)
RABBITMQ_MANAGEMENT_USER = declare(
    "RABBITMQ_MANAGEMENT_USER",
    "",
    "RabbitMQ administrator that accounts manages feed partners' broker users as; empty: the user in "
    "RABBITMQ_MANAGEMENT_URL, else AMQP_URI's.",
)
RABBITMQ_MANAGEMENT_PASSWORD = declare(
    "RABBITMQ_MANAGEMENT_PASSWORD",
    "",
    "Password of RABBITMQ_MANAGEMENT_USER (a secret: set it from the deployment's secrets); empty: the one in "
    "RABBITMQ_MANAGEMENT_URL, else AMQP_URI's.",
)
PARTNER_AMQP_VHOST = declare(
    "PARTNER_AMQP_VHOST",
    "",
    "RabbitMQ vhost where feed partners' broker users may bind their queues to the cars.public exchange (the "
    "vhost notify publishes public events on); empty: AMQP_URI's.",
)
PARTNER_AMQP_URL = declare(
    "PARTNER_AMQP_URL",
    "",
    "AMQP address (no credentials) given to feed partners with their broker credentials; empty: AMQP_URI's host "
    "and port with PARTNER_AMQP_VHOST.",
)
for _service in SERVICES:
    declare(
        f"{_service.upper()}_DATABASE_URL",
        "",
        f"SQLAlchemy URL of the {_service} database (default sqlite file VAR_DIR/{_service}.db).",
    )
    declare(
        f"{_service.upper()}_GATEWAY_URL",
        "",
        f"Where the local front door forwards /api/{_service}/ (set by the local runner).",
    )


def var_path(*parts: str) -> Path:
    """A path under VAR_DIR, its folder created."""
    path = Path(_var_dir()).joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def database_url(service: str) -> str:
    """The service's database URL: its variable, else a SQLite file under VAR_DIR."""
    url = VARIABLES[f"{service.upper()}_DATABASE_URL"].get()
    return url or f"sqlite:///{var_path(f'{service}.db').resolve()}"


def setting(name: str) -> str:
    """The value of a declared variable (a KeyError for an undeclared one)."""
    return VARIABLES[name].get()
