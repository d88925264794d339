"""Who may read a filing, and in which view.

Production filings are public; sandbox filings only their vendor and staff. The full view, private fields
included, is for those `permissions.may_read_full` entitles.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from filings.domain.intake import Space
from filings.models import Filing
from filings.permissions import Caller, may_read_full


class View(StrEnum):
    """How much of a filing is shown: what the form declares public, or everything as filed."""

    PUBLIC = "public"
    FULL = "full"


@dataclass(frozen=True)
class Reader:
    """Who is reading: anyone (no token), staff, or a vendor's software with its sandbox token."""

    is_staff: bool = False
    sandbox_vendor_id: str | None = None
    caller: Caller | None = None
    """The verified token's caller, when one was sent: it decides the full view."""

    @classmethod
    def of(cls, caller: Caller) -> Reader:
        """The reader a verified token makes: only a vendor's sandbox-scope token reads that vendor's sandbox."""
        return cls(
            is_staff=caller.is_staff,
            sandbox_vendor_id=caller.vendor_id if caller.space == Space.SANDBOX else None,
            caller=caller,
        )

    def may_read(self, space: str, vendor_id: str | None) -> bool:
        """Whether a filing of `space`, submitted by `vendor_id`, may be shown to this reader."""
        if space == Space.PRODUCTION or self.is_staff:
            return True
        return space == Space.SANDBOX and self.sandbox_vendor_id is not None and vendor_id == self.sandbox_vendor_id

    def may_read_full(self, filing: Filing) -> bool:
        """Whether this reader may see the filing with its private fields (never without a token)."""
        return self.caller is not None and may_read_full(
            self.caller, entity_id=filing.entity_id, space=filing.space, vendor_id=filing.vendor_id
        )


ANYONE = Reader()
