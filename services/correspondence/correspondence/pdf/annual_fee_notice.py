"""Annual Fee Notice, template version 1."""

from __future__ import annotations

from correspondence.domain.annual_fee_notice import AnnualFeeNotice
from correspondence.pdf.letter import Letter

TEMPLATE_VERSION = "annual_fee_notice.v1"


def render_annual_fee_notice(notice: AnnualFeeNotice) -> bytes:
    """The notice as a one-page PDF with the letterhead, reference block, body and page numbers."""
    letter = Letter(number=notice.number, title=notice.title, subject=notice.subject, issued_on=notice.issued_on)
    letter.add_page()
    letter.reference_block(notice.issued_on, [notice.entity_name, f"Filer ID {notice.entity_id}"])
    letter.heading(notice.title)
    for text in notice.paragraphs():
        letter.paragraph(text)
    letter.signature()
    return letter.to_bytes()
