"""Payment Receipt, template version 1."""

from __future__ import annotations

from correspondence.domain.payment_receipt import PaymentReceipt
from correspondence.pdf.notice import render_notice

TEMPLATE_VERSION = "payment_receipt.v1"


def render_payment_receipt(notice: PaymentReceipt) -> bytes:
    """The Payment Receipt on the shared notice layout."""
    return render_notice(notice)
