import pytest

from filings.domain.forms import FORMS, FormKind, form_named


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
