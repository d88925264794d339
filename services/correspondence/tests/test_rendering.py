import io
from datetime import date

import pytest
from pypdf import PdfReader

from correspondence.domain.annual_fee_notice import AnnualFeeNotice
from correspondence.pdf.annual_fee_notice import render_annual_fee_notice


def notice(entity_name="Friends of Example"):
    return AnnualFeeNotice(
        number="C-2026-000001",
        issued_on=date(2026, 3, 2),
        entity_id="1400001",
        entity_name=entity_name,
        fee_year=2026,
        amount_cents=5000,
        due_date=date(2026, 3, 17),
        late_penalty_cents=15000,
        portal_url="https://cars.example.org",
    )


def read(document: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(document))


def text_of(document: bytes) -> str:
    return "\n".join(page.extract_text() for page in read(document).pages)


def test_notice_is_a_one_page_pdf_with_letterhead():
    document = render_annual_fee_notice(notice())
    assert document.startswith(b"%PDF-")
    text = text_of(document)
    assert len(read(document).pages) == 1
    assert "California Secretary of State" in text
    assert "Political Reform Division" in text


def test_notice_shows_number_date_recipient_amount_due_date_and_penalty():
    text = text_of(render_annual_fee_notice(notice()))
    for expected in (
        "C-2026-000001",
        "March 2, 2026",
        "Friends of Example",
        "Filer ID 1400001",
        "Annual Fee Notice 2026",
        "$50.00",
        "March 17, 2026",
        "$150.00",
        "CARS portal",
        "Page 1 of 1",
    ):
        assert expected in text


@pytest.mark.parametrize(
    "name",
    ["Comité de Peña para Año Nuevo", "Ζωή Παπαδοπούλου για Βουλή", "Комитет Ивана Петрова", "Nguyễn Thị Hương 2026"],
)
def test_accented_and_non_latin_entity_names_print_and_extract_as_filed(name):
    assert name in text_of(render_annual_fee_notice(notice(entity_name=name)))


def test_unicode_font_is_embedded():
    page = read(render_annual_fee_notice(notice())).pages[0]
    fonts = page["/Resources"]["/Font"]
    descriptors = [font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"] for font in fonts.values()]
    assert all("/FontFile2" in descriptor for descriptor in descriptors)
    assert any("DejaVuSans" in str(descriptor["/FontName"]) for descriptor in descriptors)


def test_metadata_names_title_author_and_subject():
    metadata = read(render_annual_fee_notice(notice())).metadata
    assert metadata.title == "Annual Fee Notice 2026"
    assert metadata.author == "California Secretary of State, Political Reform Division"
    assert "1400001" in metadata.subject


def test_same_notice_renders_to_the_same_bytes():
    assert render_annual_fee_notice(notice()) == render_annual_fee_notice(notice())
