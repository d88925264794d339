from datetime import date

from correspondence.domain.annual_fee_notice import AnnualFeeNotice, cause_of_fee_assessment


def notice(**changes):
    values = {
        "number": "C-2026-000001",
        "issued_on": date(2026, 3, 2),
        "entity_id": "1400001",
        "entity_name": "Friends of Example",
        "fee_year": 2026,
        "amount_cents": 5000,
        "due_date": date(2026, 3, 17),
        "late_penalty_cents": 15000,
        "portal_url": "https://cars.example.org",
    }
    return AnnualFeeNotice(**(values | changes))


def test_title_names_the_fee_year():
    assert notice(fee_year=2027).title == "Annual Fee Notice 2027"


def test_body_states_amount_due_date_how_to_pay_and_late_penalty():
    body = " ".join(notice().paragraphs())
    assert "$50.00 for 2026" in body
    assert "due by March 17, 2026" in body
    assert "CARS portal at https://cars.example.org" in body
    assert "penalty of $150.00" in body


def test_amounts_come_from_the_assessment_not_the_template():
    body = " ".join(notice(amount_cents=7500, late_penalty_cents=20000).paragraphs())
    assert "$75.00" in body and "$200.00" in body


def test_one_notice_per_assessment_is_keyed_by_its_cause():
    assert cause_of_fee_assessment("abc") == "fees.fee_assessed:abc"
