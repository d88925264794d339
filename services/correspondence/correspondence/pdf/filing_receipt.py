"""Filing Receipt, template version 1."""

from __future__ import annotations

from correspondence.domain.filing_receipt import FilingReceipt
from correspondence.pdf.notice import render_notice

TEMPLATE_VERSION = "filing_receipt.v1"


def render_filing_receipt(notice: FilingReceipt) -> bytes:
    """The Filing Receipt on the shared notice layout."""
    return render_notice(notice)
