"""The layout notices share: letterhead, reference block, title, the facts set out, the body, the signature."""

from __future__ import annotations

from correspondence.domain.notice import Notice
from correspondence.pdf.letter import Letter


def render_notice(notice: Notice) -> bytes:
    """The notice as a PDF; a long body flows onto further pages, each numbered 'Page n of N'."""
    letter = Letter(number=notice.number, title=notice.title, subject=notice.subject, issued_on=notice.issued_on)
    letter.add_page()
    letter.reference_block(notice.issued_on, notice.recipient_lines())
    letter.heading(notice.title)
    facts = notice.facts()
    if facts:
        letter.facts(facts)
    for text in notice.paragraphs():
        letter.paragraph(text)
    letter.signature()
    return letter.to_bytes()
