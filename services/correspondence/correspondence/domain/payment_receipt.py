"""The Payment Receipt: what was received, how, and where the entity's account stands after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from correspondence.domain.formatting import dollars, long_date
from correspondence.domain.notice import contact_paragraph, recipient_lines_of

KIND = "payment_receipt"
TITLE = "Payment Receipt"
METHODS = {"online": "Online payment", "cheque": "Cheque", "money_order": "Money order", "cash": "Cash"}


def cause_of_payment(entry_id: str) -> str:
    """The cause recorded on the receipt, so one payment yields one receipt."""
    return f"fees.payment_received:{entry_id}"


@dataclass(frozen=True)
class PaymentReceipt:
    """Acknowledges a payment credited to an entity's account."""

    number: str
    issued_on: date
    entity_id: str
    entity_name: str | None
    amount_cents: int
    method: str
    reference: str
    received_on: date
    balance_cents: int
    unapplied_credit_cents: int
    portal_url: str

    @property
    def title(self) -> str:
        return TITLE

    @property
    def subject(self) -> str:
        paid, day = dollars(self.amount_cents), long_date(self.received_on)
        return f"Payment of {paid} received on {day} for filer ID {self.entity_id}"

    def recipient_lines(self) -> list[str]:
        return recipient_lines_of(self.entity_id, self.entity_name)

    def facts(self) -> list[tuple[str, str]]:
        return [
            ("Amount received", dollars(self.amount_cents)),
            ("Received on", long_date(self.received_on)),
            ("Method", METHODS.get(self.method, self.method)),
            ("Reference", self.reference),
            ("Balance after this payment", dollars(self.balance_cents)),
            ("Credit held for future charges", dollars(self.unapplied_credit_cents)),
        ]

    def paragraphs(self) -> list[str]:
        text = [
            f"The Political Reform Division received a payment of {dollars(self.amount_cents)} for filer ID "
            f"{self.entity_id} on {long_date(self.received_on)} and credited it to the entity's account. Payments "
            "pay the oldest open charges first.",
        ]
        if self.balance_cents > 0:
            text.append(
                f"After this payment {dollars(self.balance_cents)} is still owed. Sign in to the CARS portal at "
                f"{self.portal_url} and open Fees for this entity to see what remains open and pay it."
            )
        else:
            text.append("After this payment nothing is owed on the entity's account.")
        if self.unapplied_credit_cents > 0:
            text.append(
                f"{dollars(self.unapplied_credit_cents)} paid beyond the open charges is held as credit and pays "
                "the entity's next charges."
            )
        text.append("Keep this receipt for your records. " + contact_paragraph(self.number, self.portal_url))
        return text
