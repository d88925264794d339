"""Rules of vendor API credentials: key ids and secrets, secret hashes, rotation, scopes and failure throttling."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

KEY_ID_PREFIX = "vk_"
KEY_ID_MAX_LENGTH = 40
SECRET_PREFIX = "vs_"  # noqa: S105 - a marker that makes leaked secrets recognisable, not a secret
SECRET_MAX_LENGTH = 100

SANDBOX = "sandbox"
PRODUCTION = "production"
SCOPES = (SANDBOX, PRODUCTION)

# Vendors deploy a rotated secret to running software; the previous one keeps working this long.
ROTATION_OVERLAP = timedelta(minutes=15)

# Secrets are 256 random bits, so guessing is hopeless; throttling stops a stolen key id being hammered.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)


class ScopeRefused(Exception):
    """The credential may not be used for the requested scope."""


class ReasonRequired(Exception):
    """Withdrawing a certification needs a stated reason."""


class ScenariosNotPassed(Exception):
    """Certifying needs filings' report that the vendor's sandbox submissions passed every scenario."""


def new_key_id() -> str:
    """A public key id: prefix and 20 random hexadecimal characters."""
    return KEY_ID_PREFIX + secrets.token_hex(10)


def new_secret() -> str:
    """A secret of 256 random bits, shown to the vendor once."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def new_salt() -> str:
    return secrets.token_hex(16)


def secret_hash(salt: str, secret: str) -> str:
    """HMAC-SHA256 of the secret keyed by the credential's own random salt (hex)."""
    return hmac.new(
        salt.encode("utf-8", "surrogatepass"), secret.encode("utf-8", "surrogatepass"), hashlib.sha256
    ).hexdigest()


def secret_matches(salt: str, stored_hash: str, secret: str) -> bool:
    """True when `secret` hashes to `stored_hash`, compared in constant time."""
    return hmac.compare_digest(secret_hash(salt, secret), stored_hash)


@dataclass(frozen=True)
class StoredSecret:
    salt: str
    hash: str
    valid_until: datetime | None = None

    def accepts(self, secret: str, now: datetime) -> bool:
        if self.valid_until is not None and now >= self.valid_until:
            return False
        return secret_matches(self.salt, self.hash, secret)


def hashed(secret: str) -> StoredSecret:
    salt = new_salt()
    return StoredSecret(salt=salt, hash=secret_hash(salt, secret))


def previous_secret_valid_until(now: datetime, *, immediately: bool) -> datetime:
    """When the secret replaced by a rotation stops working: after the overlap, or at once."""
    return now if immediately else now + ROTATION_OVERLAP


def allowed_scopes(*, certified: bool) -> tuple[str, ...]:
    """Sandbox always; production only while the vendor is certified."""
    return SCOPES if certified else (SANDBOX,)


def check_scope(scope: str, *, certified: bool) -> None:
    if scope not in allowed_scopes(certified=certified):
        raise ScopeRefused(f"The {scope} scope needs a vendor certified by staff.")


def check_certification_change(*, certified: bool, reason: str | None) -> None:
    """De-certifying takes away production access at once, so staff must say why."""
    if not certified and not (reason and reason.strip()):
        raise ReasonRequired("Say why the vendor is de-certified.")


def check_scenarios_passed(scenarios_passed_at: datetime | None) -> None:
    """Staff certify only a vendor whose sandbox submissions passed the certification scenarios."""
    if scenarios_passed_at is None:
        raise ScenariosNotPassed(
            "The vendor's sandbox submissions have not passed the certification scenarios yet; "
            "it can be certified once filings reports that they passed."
        )


@dataclass(frozen=True)
class FailureCount:
    """Failed secret checks of one key id within the current window."""

    failures: int = 0
    window_started_at: datetime | None = None
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def after_failure(self, now: datetime) -> FailureCount:
        """The count after one more failure; reaching the limit in the window locks the key id."""
        if self.window_started_at is None or now - self.window_started_at >= FAILURE_WINDOW:
            failures, started = 1, now
        else:
            failures, started = self.failures + 1, self.window_started_at
        locked_until = now + LOCKOUT if failures >= MAX_FAILURES else self.locked_until
        return FailureCount(failures=failures, window_started_at=started, locked_until=locked_until)

    def retry_after_seconds(self, now: datetime) -> int:
        if not self.locked(now):
            return 0
        return max(1, int((self.locked_until - now).total_seconds()))
