"""The table of transaction schedules agrees with filings' form declarations (the reference data)."""

import pytest

from filings.domain.forms import FORMS
from filings.domain.forms.campaign import PAYMENT_CODES
from filings.domain.forms.declaration import FieldType, FormKind, PartKind
from search.domain.plain_words import PAYMENT_CODE_NAMES
from search.domain.schedules import SCHEDULES, schedule_meaning


@pytest.mark.parametrize(("form", "part"), sorted(SCHEDULES))
def test_each_schedule_reads_public_fields_of_a_public_lines_part(form, part):
    spec = FORMS[form].part_named(part)
    assert (spec.kind, spec.public) == (PartKind.LINES, True)
    public = {field.name for field in spec.fields if field.public}
    meaning = SCHEDULES[(form, part)]
    assert set(meaning.name_fields) <= public
    assert set(meaning.amount_fields) <= public
    assert set(meaning.date_fields) <= public


def test_every_public_list_of_amounts_on_a_report_is_read_as_transactions():
    for form in FORMS.values():
        if form.kind != FormKind.REPORT:
            continue
        for spec in form.parts:
            amounts = [f for f in spec.fields if f.public and f.type == FieldType.AMOUNT]
            if spec.kind == PartKind.LINES and spec.public and amounts:
                assert schedule_meaning(form.code, spec.name) is not None, (form.code, spec.name)


def test_every_payment_code_the_forms_declare_is_spelled_out():
    assert set(PAYMENT_CODES) <= set(PAYMENT_CODE_NAMES)
