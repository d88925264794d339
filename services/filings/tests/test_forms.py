import dataclasses
from decimal import Decimal

import pytest

from filings.domain.forms import FORMS, FormKind, form_named
from filings.domain.forms.validation import declaration_mistakes


def test_statement_of_organization_is_form_410_a_registration():
    form = form_named("F410")
    assert (form.name, form.kind) == ("Statement of Organization", FormKind.REGISTRATION)


def test_campaign_statement_is_form_460_a_report():
    form = form_named("F460")
    assert (form.name, form.kind) == ("Recipient Committee Campaign Statement", FormKind.REPORT)


def test_every_reference_form_has_a_plain_language_name():
    expected = {
        "F410",
        "F450",
        "F460",
        "F461",
        "F496",
        "F497",
        "F501",
        "F601",
        "F602",
        "F603",
        "F604",
        "F606",
        "F607",
        "F615",
        "F625",
        "F635",
        "F645",
    }
    assert set(FORMS) == expected
    assert all(form.name and form.code == code for code, form in FORMS.items())


def test_unknown_form_is_named_in_the_error():
    with pytest.raises(KeyError, match="F999"):
        form_named("F999")


def test_every_periodic_report_declares_the_activity_it_reports():
    from filings.domain.deadlines import ENTITY_CALENDARS
    from filings.domain.periods import FORM_CADENCES

    reports = {form for forms in ENTITY_CALENDARS.values() for form in forms} | set(FORM_CADENCES) | {"F450"}
    for code in reports:
        assert form_named(code).reported_activity, f"{code} declares no reported activity"
    registrations = [form for form in FORMS.values() if form.kind is FormKind.REGISTRATION]
    assert all(not form.reported_activity for form in registrations)


def test_reported_activity_names_only_published_totals():
    assert all(declaration_mistakes(form) == [] for form in FORMS.values())
    wrong = dataclasses.replace(form_named("F460"), reported_activity=("contributions_received", "cash_payments"))
    assert declaration_mistakes(wrong) == ["reported activity cash_payments is not a published total"]


def test_the_amount_a_form_460_reports_is_contributions_received_and_expenditures_made():
    totals = {"contributions_received": "1500.00", "expenditures_made": "250.25", "ending_cash_balance": "9999.00"}
    assert form_named("F460").reported_amount(totals) == Decimal("1750.25")


def test_the_amount_a_24_hour_report_reports_is_the_sum_of_its_contributions():
    assert form_named("F497").reported_amount(
        {"contributions_received": "5000.00", "contributions_made": "1000.00"}
    ) == Decimal("6000.00")


def test_a_lobbying_report_reports_its_payments_and_contributions():
    assert form_named("F635").reported_amount({"total_payments": "12000.00", "total_contributions": "500.00"}) == (
        Decimal("12500.00")
    )


def test_no_reported_amount_without_the_totals_or_for_a_registration():
    assert form_named("F460").reported_amount({}) is None
    assert form_named("F460").reported_amount({"contributions_received": "x", "expenditures_made": "1"}) is None
    assert form_named("F410").reported_amount({"contributions_received": "1.00"}) is None
