import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from correspondence.domain.compliance_letter import ComplianceLetter
from correspondence.domain.filing_receipt import FilingReceipt
from correspondence.domain.late_filing_notice import LateFilingNotice
from correspondence.domain.payment_receipt import PaymentReceipt
from correspondence.domain.penalty_notice import PenaltyNotice
from correspondence.domain.waiver_decision import WaiverDecision
from correspondence.pdf.compliance_letter import render_compliance_letter
from correspondence.pdf.filing_receipt import render_filing_receipt
from correspondence.pdf.late_filing_notice import render_late_filing_notice
from correspondence.pdf.payment_receipt import render_payment_receipt
from correspondence.pdf.penalty_notice import render_penalty_notice
from correspondence.pdf.waiver_decision import render_waiver_decision

NUMBER = "C-2026-000042"
ISSUED_ON = date(2026, 8, 4)
# Accents and a non-Latin script: the embedded DejaVu fonts must carry both.
NAME = "Comité Ελπίδα de Peña"
PORTAL = "https://cars.example.org"


def read(document: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(document))


def text_of(document: bytes) -> str:
    """The text of every page, with line breaks and runs of spaces as single spaces (wrapping varies)."""
    return " ".join(" ".join(page.extract_text() for page in read(document).pages).split())


def penalty_notice():
    return PenaltyNotice(
        number=NUMBER,
        issued_on=ISSUED_ON,
        entity_id="1400001",
        entity_name=NAME,
        fee_year=2026,
        fee_due_date=date(2026, 3, 17),
        penalty_cents=15000,
        due_date=date(2026, 8, 3),
        portal_url=PORTAL,
    )


def late_filing_notice(final=False):
    return LateFilingNotice(
        number=NUMBER,
        issued_on=ISSUED_ON,
        entity_id="1400001",
        entity_name=NAME,
        form="F460",
        form_name="Recipient Committee Campaign Statement",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        deadline=date(2026, 7, 31),
        days_late=12 if final else 3,
        fine_cents=12000 if final else 3000,
        cap_cents=50000,
        final=final,
        portal_url=PORTAL,
    )


def payment_receipt(balance_cents=2500, credit_cents=0):
    return PaymentReceipt(
        number=NUMBER,
        issued_on=ISSUED_ON,
        entity_id="1400001",
        entity_name=NAME,
        amount_cents=5000,
        method="cheque",
        reference="CHK-10442",
        received_on=date(2026, 8, 3),
        balance_cents=balance_cents,
        unapplied_credit_cents=credit_cents,
        portal_url=PORTAL,
    )


def filing_receipt(amendment=0, previous_amendment=None):
    return FilingReceipt(
        number=NUMBER,
        issued_on=ISSUED_ON,
        entity_id="1400001",
        entity_name=NAME,
        filing_id="b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40",
        form="F460",
        form_name="Recipient Committee Campaign Statement",
        amendment=amendment,
        previous_amendment=previous_amendment,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        filed_at=datetime(2026, 7, 31, 17, 0, tzinfo=UTC),
        totals={"contributions_received": Decimal("1500.00"), "expenditures_made": Decimal("250.5")},
        portal_url=PORTAL,
    )


def waiver_decision():
    return WaiverDecision(
        number=NUMBER,
        issued_on=ISSUED_ON,
        entity_id="1400001",
        entity_name=NAME,
        waived_cents=3000,
        fine_description="Late filing fine: F460 2026-01-01 to 2026-06-30",
        reason="Treasurer hospitalised during the filing period.",
        effective_on=date(2026, 8, 3),
        portal_url=PORTAL,
    )


def compliance_letter(body="First paragraph.\n\nSecond paragraph."):
    return ComplianceLetter(
        number=NUMBER,
        issued_on=ISSUED_ON,
        entity_id="1400001",
        entity_name=NAME,
        heading="Notice of Missing Statement of Organization",
        body=body,
    )


RENDERED = {
    "penalty notice": (penalty_notice, render_penalty_notice),
    "late filing notice": (late_filing_notice, render_late_filing_notice),
    "payment receipt": (payment_receipt, render_payment_receipt),
    "filing receipt": (filing_receipt, render_filing_receipt),
    "waiver decision": (waiver_decision, render_waiver_decision),
    "compliance letter": (compliance_letter, render_compliance_letter),
}


@pytest.mark.parametrize("kind", RENDERED)
def test_every_kind_has_letterhead_number_date_recipient_and_page_numbers(kind):
    make, render = RENDERED[kind]
    text = text_of(render(make()))
    for expected in (
        "California Secretary of State",
        "Political Reform Division",
        f"Correspondence number: {NUMBER}",
        "Date: August 4, 2026",
        NAME,
        "Filer ID 1400001",
        "Page 1 of 1",
    ):
        assert expected in text, expected


@pytest.mark.parametrize("kind", RENDERED)
def test_every_kind_carries_title_author_subject_and_embeds_dejavu(kind):
    make, render = RENDERED[kind]
    notice = make()
    pdf = read(render(notice))
    assert pdf.metadata.title == notice.title
    assert pdf.metadata.author == "California Secretary of State, Political Reform Division"
    assert pdf.metadata.subject == notice.subject
    fonts = {str(font["/BaseFont"]) for font in pdf.pages[0]["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVuSans" in font for font in fonts)
    assert all(
        "/FontFile2" in font.get_object()["/DescendantFonts"][0]["/FontDescriptor"]
        for font in pdf.pages[0]["/Resources"]["/Font"].values()
    )


def test_penalty_notice_states_fee_year_penalty_and_when_to_pay():
    text = text_of(render_penalty_notice(penalty_notice()))
    for expected in ("Penalty Notice: Annual Fee 2026", "$150.00", "March 17, 2026", "August 3, 2026", "84101.5"):
        assert expected in text, expected


def test_late_filing_notice_of_an_open_fine_says_it_grows_until_filed():
    text = text_of(render_late_filing_notice(late_filing_notice()))
    for expected in (
        "Late Filing Notice and Fine Assessment",
        "F460 Recipient Committee Campaign Statement",
        "January 1, 2026 through June 30, 2026",
        "July 31, 2026",
        "3 days late",
        "$30.00",
        "$500.00",
        "91013",
        "waive",
    ):
        assert expected in text, expected
    assert "has not been" in text


def test_late_filing_notice_of_a_final_fine_states_the_final_amount():
    text = text_of(render_late_filing_notice(late_filing_notice(final=True)))
    assert "filed 12 days" in text and "$120.00" in text and "final amount" in text


def test_payment_receipt_states_amount_method_reference_and_balance():
    text = text_of(render_payment_receipt(payment_receipt()))
    for expected in ("Payment Receipt", "$50.00", "Cheque", "CHK-10442", "August 3, 2026", "$25.00 is still owed"):
        assert expected in text, expected


def test_payment_receipt_of_an_overpayment_says_credit_is_held():
    text = text_of(render_payment_receipt(payment_receipt(balance_cents=0, credit_cents=1000)))
    assert "nothing is owed" in text and "$10.00 paid beyond" in text


def test_filing_receipt_states_form_period_filing_time_version_and_totals():
    text = text_of(render_filing_receipt(filing_receipt()))
    for expected in (
        "Filing Receipt: F460",
        "January 1, 2026 through June 30, 2026",
        "July 31, 2026, 10:00 AM PDT",
        "b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40",
        "Version 0 (original filing)",
        "Contributions received",
        "$1,500.00",
        "$250.50",
    ):
        assert expected in text, expected


def test_receipt_of_an_amendment_names_the_version_it_replaces():
    text = text_of(render_filing_receipt(filing_receipt(amendment=2, previous_amendment=1)))
    assert "Filing Receipt: F460 Amendment 2" in text
    assert "Version 2 (amendment replacing version 1)" in text


def test_waiver_decision_states_the_fine_amount_and_reason():
    text = text_of(render_waiver_decision(waiver_decision()))
    for expected in (
        "Waiver Decision",
        "Waiver granted",
        "Late filing fine: F460 2026-01-01 to 2026-06-30",
        "$30.00",
        "Treasurer hospitalised during the filing period.",
    ):
        assert expected in text, expected


def test_compliance_letter_prints_staff_paragraphs_under_their_title():
    text = text_of(render_compliance_letter(compliance_letter()))
    assert "Notice of Missing Statement of Organization" in text
    assert text.index("First paragraph.") < text.index("Second paragraph.")


def test_a_long_letter_flows_onto_numbered_pages():
    body = "\n\n".join(f"Paragraph {n}: " + "the committee must file its statements on time. " * 12 for n in range(20))
    pages = read(render_compliance_letter(compliance_letter(body=body))).pages
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page.extract_text()


def test_a_long_total_label_wraps_in_its_column_and_keeps_its_value():
    receipt = filing_receipt()
    long_name = "independent_expenditures_made_in_support_of_or_opposition_to_candidates_and_ballot_measures"
    totals = {long_name: Decimal("9.00"), "expenditures_made": Decimal("250.5")}
    text = text_of(render_filing_receipt(FilingReceipt(**{**receipt.__dict__, "totals": totals})))
    assert "Independent expenditures made" in text and "ballot measures" in text
    assert "$9.00" in text and "$250.50" in text
