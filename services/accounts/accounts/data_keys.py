"""The accounts data keys (ACCOUNTS_DATA_KEY or its file), which seal TOTP secrets and signing keys at rest.

A key rotates by putting a new one first, resealing (`cars-accounts-keys reseal`) and only then dropping the old one.
"""

from __future__ import annotations

from cars_shared.data_keys import DataKeyRing, DataKeys

DATA_KEYS = DataKeys.for_service("accounts")


def data_key_ring() -> DataKeyRing:
    """The accounts keys as configured (read once per process and configuration)."""
    return DATA_KEYS.ring()
