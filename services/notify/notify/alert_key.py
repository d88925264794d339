"""The key that signs public alert links: NOTIFY_ALERT_SIGNING_KEY, else a key file created on first use."""

from __future__ import annotations

import base64
import os
from functools import lru_cache
from pathlib import Path

from cars_shared.config import NOTIFY_ALERT_SIGNING_KEY, NOTIFY_ALERT_SIGNING_KEY_FILE, VAR_DIR
from cars_shared.key_files import create_secret_file

MIN_KEY_CHARACTERS = 32


class InvalidAlertKey(ValueError):
    """The configured alert signing key is too short to resist guessing."""


def alert_signing_key() -> bytes:
    """The configured key (read once per process and configuration)."""
    configured = NOTIFY_ALERT_SIGNING_KEY.get().strip()
    path = NOTIFY_ALERT_SIGNING_KEY_FILE.get() or str(Path(VAR_DIR.get()) / "notify-alert-signing-key")
    return _key(configured, "" if configured else path)


@lru_cache(maxsize=8)
def _key(configured: str, path: str) -> bytes:
    if not configured:
        key_file = Path(path)
        if not key_file.exists():
            secret = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=") + b"\n"
            create_secret_file(key_file, secret)
        configured = key_file.read_text(encoding="ascii").strip()
    if len(configured) < MIN_KEY_CHARACTERS:
        # Never echo the key: say only where it came from.
        raise InvalidAlertKey(
            f"The alert signing key ({'NOTIFY_ALERT_SIGNING_KEY' if not path else path}) is shorter than "
            f"{MIN_KEY_CHARACTERS} characters."
        )
    return configured.encode("utf-8")
