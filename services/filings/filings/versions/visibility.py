"""Who may read a filing: production filings are public; sandbox filings only their vendor and staff."""

from __future__ import annotations

from dataclasses import dataclass

from filings.domain.intake import Space
from filings.permissions import Caller


@dataclass(frozen=True)
class Reader:
    """Who is reading: anyone (no token), staff, or a vendor's software with its sandbox token."""

    is_staff: bool = False
    sandbox_vendor_id: str | None = None

    @classmethod
    def of(cls, caller: Caller) -> Reader:
        """The reader a verified token makes: only a vendor's sandbox-scope token reads that vendor's sandbox."""
        return cls(
            is_staff=caller.is_staff, sandbox_vendor_id=caller.vendor_id if caller.space == Space.SANDBOX else None
        )

    def may_read(self, space: str, vendor_id: str | None) -> bool:
        """Whether a filing of `space`, submitted by `vendor_id`, may be shown to this reader."""
        if space == Space.PRODUCTION or self.is_staff:
            return True
        return space == Space.SANDBOX and self.sandbox_vendor_id is not None and vendor_id == self.sandbox_vendor_id


ANYONE = Reader()
