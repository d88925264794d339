"""TOTP second factor (RFC 6238, 30-second steps, 6 digits), with replay protection by time step."""

from __future__ import annotations

import re
from datetime import datetime

import pyotp

ISSUER = "CARS"
STEP_SECONDS = 30
# One step either side tolerates clock drift between the phone and the server.
DRIFT_STEPS = 1
CODE_PATTERN = re.compile(r"\d{6}")


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account_name: str) -> str:
    """The otpauth:// URI an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=ISSUER)


def matching_step(secret: str, code: str, now: datetime, last_used_step: int | None = None) -> int | None:
    """The time step `code` belongs to, or None when it is wrong or was already used (replay)."""
    code = code.strip().replace(" ", "")
    if not CODE_PATTERN.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_used_step is not None and step <= last_used_step:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None
