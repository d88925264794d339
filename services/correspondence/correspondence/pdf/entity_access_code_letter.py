"""Entity Access Code Letter, template version 1."""

from __future__ import annotations

from correspondence.domain.access_code_letter import EntityAccessCodeLetter
from correspondence.pdf.letter import Letter

TEMPLATE_VERSION = "entity_access_code_letter.v1"
# Body text a point smaller than the notices' keeps the instructions on one page; a very long name or address
# gets one point less again.
BODY_SIZES = (10, 9)


def render_entity_access_code_letter(letter: EntityAccessCodeLetter) -> bytes:
    """The letter as a one-page PDF: letterhead, the entity's address of record, the code set apart, instructions."""
    for size in BODY_SIZES:
        document = _laid_out(letter, size)
        if document.page_no() == 1:
            break
    return document.to_bytes()


def _laid_out(letter: EntityAccessCodeLetter, body_size: float) -> Letter:
    document = Letter(number=letter.number, title=letter.title, subject=letter.subject, issued_on=letter.issued_on)
    document.add_page()
    document.reference_block(letter.issued_on, letter.recipient_lines())
    document.heading(letter.title)
    document.paragraph(letter.introduction(), body_size)
    document.set_apart(*letter.code_lines())
    document.subheading("How to claim the entity")
    for step in letter.instructions():
        document.paragraph(step, body_size)
    for text in letter.closing():
        document.paragraph(text, body_size)
    document.signature()
    return document
