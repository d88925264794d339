"""The filings data keys (FILINGS_DATA_KEY or its file), which seal vendor webhook signing secrets at rest.

A key rotates by putting a new one first, resealing (`cars-filings-keys reseal`) and only then dropping the old one.
"""

from __future__ import annotations

from cars_shared.data_keys import DataKeyRing, DataKeys

DATA_KEYS = DataKeys.for_service("filings")


def data_key_ring() -> DataKeyRing:
    """The filings keys as configured (read once per process and configuration)."""
    return DATA_KEYS.ring()
