from datetime import date

from fees.domain.aging import Receivables, aging_of, bucket_of
from fees.domain.late_payment import penalty_owed
from fees.domain.ledger import Entry, account_of


def charge(seq, item, cents, due_on, kind="annual_fee", effective_on=None):
    return Entry(seq, item, kind, cents, item, effective_on or due_on, due_on, f"{kind} {item}")


def on_item(seq, item, cents, kind, effective_on):
    return Entry(seq, f"entry-{seq}", kind, cents, item, effective_on)


def payment(seq, cents, effective_on):
    return Entry(seq, f"payment-{seq}", "payment", -cents, None, effective_on)


FEE_2025 = charge(1, "fee-2025", 5000, date(2025, 1, 15))
FINE = charge(2, "fine", 3000, date(2025, 8, 10), kind="late_filing_fine")
FEE_2026 = charge(3, "fee-2026", 5000, date(2026, 1, 15))


def test_balance_is_the_sum_of_every_entry():
    account = account_of([FEE_2025, FINE, FEE_2026, payment(4, 6000, date(2026, 2, 1))])
    assert account.balance_cents == 7000


def test_a_partial_payment_pays_the_oldest_charge_first():
    account = account_of([FEE_2026, FINE, FEE_2025, payment(4, 6000, date(2026, 2, 1))])
    assert [(item.item_id, item.open_cents) for item in account.items] == [
        ("fee-2025", 0),
        ("fine", 2000),
        ("fee-2026", 5000),
    ]


def test_an_overpayment_is_held_as_credit():
    account = account_of([FEE_2025, payment(2, 8000, date(2025, 1, 10))])
    assert (account.balance_cents, account.unapplied_credit_cents, account.open_items) == (-3000, 3000, ())


def test_a_reversed_payment_no_longer_pays_anything():
    paid = payment(2, 5000, date(2025, 1, 10))
    refund = Entry(3, "refund", "reversal", 5000, None, date(2025, 2, 1))
    account = account_of([FEE_2025, paid, refund])
    assert account.item("fee-2025").open_cents == 5000


def test_a_waiver_closes_its_own_charge_and_frees_what_paid_it():
    waiver = on_item(4, "fine", -3000, "waiver", date(2026, 3, 1))
    account = account_of([FEE_2025, FINE, payment(3, 8000, date(2025, 9, 1)), waiver])
    assert account.item("fine").open_cents == 0
    assert account.item("fee-2025").open_cents == 0
    assert account.unapplied_credit_cents == 3000


def test_an_account_as_of_a_day_counts_only_entries_effective_by_then():
    late_payment = payment(4, 5000, date(2025, 1, 20))
    assert account_of([FEE_2025, late_payment], as_of=date(2025, 1, 15)).item("fee-2025").open_cents == 5000
    assert account_of([FEE_2025, late_payment]).item("fee-2025").open_cents == 0


def test_the_penalty_is_owed_only_after_the_due_date_with_the_fee_unpaid_on_it():
    assert penalty_owed(date(2025, 1, 15), 5000, date(2025, 1, 16))
    assert not penalty_owed(date(2025, 1, 15), 5000, date(2025, 1, 15))
    assert not penalty_owed(date(2025, 1, 15), 0, date(2025, 3, 1))


def test_aging_buckets_by_days_past_due():
    as_of = date(2026, 4, 20)
    assert bucket_of(date(2026, 4, 20), as_of).key == "current"
    assert bucket_of(date(2026, 4, 19), as_of).key == "days_1_30"
    assert bucket_of(date(2026, 3, 21), as_of).key == "days_1_30"
    assert bucket_of(date(2026, 3, 20), as_of).key == "days_31_60"
    assert bucket_of(date(2026, 1, 20), as_of).key == "days_61_90"
    assert bucket_of(date(2026, 1, 19), as_of).key == "over_90"


def test_aging_spans_the_leap_day():
    assert bucket_of(date(2028, 1, 30), date(2028, 2, 29)).key == "days_1_30"
    assert bucket_of(date(2028, 1, 29), date(2028, 2, 29)).key == "days_31_60"


def test_aging_of_an_account_puts_each_open_amount_in_its_bucket():
    account = account_of([FEE_2025, FINE, FEE_2026, payment(4, 6000, date(2026, 2, 1))])
    aged = aging_of(account, date(2026, 1, 10))
    assert aged == {"current": 5000, "days_1_30": 0, "days_31_60": 0, "days_61_90": 0, "over_90": 2000}


def test_receivables_add_up_by_entity_type():
    report = Receivables(date(2026, 2, 20))
    report.add("recipient_committee", account_of([FEE_2026]))
    report.add("recipient_committee", account_of([FEE_2025, payment(2, 9000, date(2025, 1, 2))]))
    report.add("lobbying_firm", account_of([FINE]))
    committees = report.lines["recipient_committee"]
    assert (committees.entities_owing, committees.by_bucket["days_31_60"], committees.credit_cents) == (1, 5000, 4000)
    assert report.total.open_cents == 8000
    assert [line.entity_type for line in report.sorted_lines()] == ["lobbying_firm", "recipient_committee"]
