import io
from datetime import date

import pytest
from pypdf import PdfReader

from correspondence.domain.access_code_letter import EntityAccessCodeLetter, MailingAddress
from correspondence.pdf.entity_access_code_letter import render_entity_access_code_letter
from correspondence.pdf.print_batch import combined

CODE = "K7QM-3XWP-9RTD-HV2F"


def letter(entity_name="Friends of Example", street="1500 11th Street", access_code=CODE):
    return EntityAccessCodeLetter(
        number="C-2026-000042",
        issued_on=date(2026, 7, 2),
        entity_id="1400001",
        entity_name=entity_name,
        address=MailingAddress(street, "Sacramento", "CA", "95814"),
        access_code=access_code,
        expires_on=date(2026, 9, 30),
        portal_url="https://cars.example.org",
    )


def read(document: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(document))


def text_of(document: bytes) -> str:
    return "\n".join(page.extract_text() for page in read(document).pages)


def test_letter_is_a_one_page_pdf_on_the_divisions_letterhead():
    document = render_entity_access_code_letter(letter())
    assert document.startswith(b"%PDF-")
    assert len(read(document).pages) == 1
    text = text_of(document)
    assert "California Secretary of State" in text and "Political Reform Division" in text
    assert "Page 1 of 1" in text


def test_letter_shows_code_entity_address_expiry_and_how_to_claim():
    text = text_of(render_entity_access_code_letter(letter()))
    for expected in (
        "C-2026-000042",
        "July 2, 2026",
        "Friends of Example",
        "1500 11th Street",
        "Sacramento, CA 95814",
        "entity ID 1400001",
        f"Access code: {CODE}",
        "Valid through September 30, 2026",
        "How to claim the entity",
        "https://cars.example.org",
        "If you did not expect this letter",
    ):
        assert expected in text


@pytest.mark.parametrize(
    "name", ["Comité de Peña para Año Nuevo", "Ζωή Παπαδοπούλου για Βουλή", "Комитет Ивана Петрова"]
)
def test_accented_and_non_latin_entity_names_print_as_filed(name):
    assert name in text_of(render_entity_access_code_letter(letter(entity_name=name)))


def test_the_longest_name_and_street_still_fit_on_one_page():
    document = render_entity_access_code_letter(letter(entity_name="Committee for " * 14, street="Suite 400, " * 18))
    assert len(read(document).pages) == 1
    assert CODE in text_of(document)


def test_metadata_names_the_letter_and_the_entity_but_not_the_code():
    metadata = read(render_entity_access_code_letter(letter())).metadata
    assert metadata.title == "Entity Access Code"
    assert metadata.author == "California Secretary of State, Political Reform Division"
    assert "1400001" in metadata.subject
    assert CODE not in " ".join(str(value) for value in metadata.values())


def test_a_print_batch_holds_each_letter_in_the_order_given():
    first = render_entity_access_code_letter(letter(entity_name="First Committee", access_code="AAAA-BBBB-CCCC-DDDD"))
    second = render_entity_access_code_letter(letter(entity_name="Second Committee", access_code="EEEE-FFFF-GGGG-HHHH"))
    pages = read(combined([second, first])).pages
    assert len(pages) == 2
    assert "Second Committee" in pages[0].extract_text() and "EEEE-FFFF-GGGG-HHHH" in pages[0].extract_text()
    assert "First Committee" in pages[1].extract_text() and "AAAA-BBBB-CCCC-DDDD" in pages[1].extract_text()
