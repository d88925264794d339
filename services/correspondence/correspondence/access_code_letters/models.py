"""Tables of the access code letter print queue: the letters, their PDFs while waiting, and the staff log."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cars_shared.db_types import UtcDateTime
from correspondence.models import Base

SEQUENCE = BigInteger().with_variant(Integer, "sqlite")


class AccessCodeLetter(Base):
    """One access code's letter: to whom, where it stands, who printed and mailed it; never the code itself."""

    __tablename__ = "access_code_letters"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    code_id: Mapped[str] = mapped_column(String(36), unique=True)
    entity_id: Mapped[str] = mapped_column(String(40), index=True)
    entity_name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(20))
    zip: Mapped[str | None] = mapped_column(String(20))
    expires_on: Mapped[date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(64))
    code_issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    template_version: Mapped[str | None] = mapped_column(String(60))
    print_count: Mapped[int] = mapped_column(Integer, default=0)
    last_printed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_printed_by: Mapped[str | None] = mapped_column(String(64))
    mailed_on: Mapped[date | None] = mapped_column(Date)
    mailed_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolution: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def mailing_address(self) -> dict[str, str | None] | None:
        """The address of record the letter goes to; None when accounts knew none."""
        if self.street is None:
            return None
        return {"street": self.street, "city": self.city, "state": self.state, "zip": self.zip}


class AccessCodeLetterDocument(Base):
    """The rendered letter, the one place the code is kept; the row is deleted once the letter leaves the queue."""

    __tablename__ = "access_code_letter_documents"

    letter_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("access_code_letters.id", ondelete="CASCADE"), primary_key=True
    )
    pdf: Mapped[bytes] = mapped_column(LargeBinary)


class PrintQueueLogEntry(Base):
    """One staff action on one letter (printed, mailed, resolved): who, when, from where. Append-only."""

    __tablename__ = "print_queue_log"

    id: Mapped[int] = mapped_column(SEQUENCE, primary_key=True, autoincrement=True)
    action_id: Mapped[str] = mapped_column(String(36), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_id: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    letter_id: Mapped[str] = mapped_column(String(36), index=True)
    note: Mapped[str | None] = mapped_column(Text)
