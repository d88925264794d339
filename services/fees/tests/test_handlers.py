from datetime import date

from sqlalchemy import func, select

from cars_shared.events.envelope import read_event
from fees import handlers
from fees.domain.annual_fee import yearly_fee
from fees.ledger import Actor
from fees.models import Entity, LateFilingFine, LedgerEntry

YEARLY = Actor.system("yearly run")
TODAY = date(2026, 3, 2)


def handle(database, use_case, event, **options):
    with database.session() as session:
        return use_case(session, event, **options)


def test_registration_charges_annual_fee_and_queues_fee_assessed(database, registered, ledger_of, queued):
    handle(database, handlers.record_registration, registered(registered_on=date(2026, 3, 2)), today=TODAY)
    [fee] = ledger_of()
    assert (fee.kind, fee.amount_cents, fee.due_on, fee.fee_year, fee.item_id) == (
        "annual_fee",
        5000,
        date(2026, 3, 17),
        2026,
        fee.id,
    )
    [event] = queued("fee_assessed")
    assert read_event(event)["payload"] == {
        "assessment_id": fee.id,
        "entity_id": "2000001",
        "entity_name": "Friends of 2000001",
        "fee_year": 2026,
        "amount_cents": 5000,
        "due_date": date(2026, 3, 17),
        "late_penalty_cents": 15000,
    }


def test_same_entity_and_year_is_charged_once_however_often_the_registration_arrives(
    database, registered, ledger_of, queued
):
    for _ in range(3):
        handle(database, handlers.record_registration, registered(), today=TODAY)
    assert len(ledger_of()) == 1
    assert len(queued()) == 1


def test_a_registration_of_an_earlier_year_arriving_late_also_charges_this_years_fee(
    database, registered, ledger_of, queued
):
    handle(database, handlers.record_registration, registered(registered_on=date(2025, 6, 2)), today=date(2026, 2, 10))
    handle(database, handlers.record_registration, registered(registered_on=date(2025, 6, 2)), today=date(2026, 2, 11))
    assert [(entry.fee_year, entry.due_on) for entry in ledger_of()] == [
        (2025, date(2025, 6, 17)),
        (2026, date(2026, 2, 25)),
    ]
    assert len(queued("fee_assessed")) == 2


def test_a_committee_registered_late_in_the_year_before_is_not_charged_this_year_on_arrival(
    database, registered, ledger_of
):
    handle(database, handlers.record_registration, registered(registered_on=date(2025, 11, 2)), today=date(2026, 1, 5))
    assert [entry.fee_year for entry in ledger_of()] == [2025]


def test_a_candidate_registering_is_projected_but_not_charged(database, registered, ledger_of):
    handle(database, handlers.record_registration, registered(entity_type="candidate"), today=TODAY)
    with database.session() as session:
        assert session.get(Entity, "2000001").entity_type == "candidate"
    assert ledger_of() == []


def test_an_employer_on_file_only_by_its_form_635_report_is_not_charged(database, registered, ledger_of):
    handle(
        database,
        handlers.record_registration,
        registered(entity_type="lobbyist_employer", registration_form="F635"),
        today=TODAY,
    )
    with database.session() as session:
        assert session.get(Entity, "2000001").registration_form == "F635"
    assert ledger_of() == []


def test_an_employer_registering_on_form_603_is_charged(database, registered, ledger_of):
    event = registered(entity_type="lobbyist_employer", registration_form="F603")
    handle(database, handlers.record_registration, event, today=TODAY)
    assert [(entry.fee_year, entry.amount_cents) for entry in ledger_of()] == [(2026, 5000)]


def test_an_amendment_arriving_before_the_registration_keeps_the_newer_name(database, registered, updated):
    handle(database, handlers.record_update, updated(name="Newer Name", amendment=2))
    handle(database, handlers.record_registration, registered(name="Original Name"), today=TODAY)
    handle(database, handlers.record_update, updated(name="Older Name", amendment=1))
    with database.session() as session:
        entity = session.get(Entity, "2000001")
        assert (entity.name, entity.registered_on) == ("Newer Name", date(2026, 3, 2))


def test_termination_withdraws_fees_of_years_after_it_with_their_penalties(database, registered, terminated, ledger_of):
    handle(database, handlers.record_registration, registered(registered_on=date(2025, 3, 2)), today=date(2025, 3, 2))
    with database.session() as session:
        # The yearly run for 2027 charged it before the late termination statement arrived.
        fee_2027 = yearly_fee(2027, date(2027, 1, 1))
        session.add(LedgerEntry(**handlers.annual_fee_values("2000001", fee_2027, YEARLY, date(2027, 1, 1))))
    handle(database, handlers.record_termination, terminated(terminated_on=date(2026, 12, 20)))
    handle(database, handlers.record_termination, terminated(terminated_on=date(2026, 12, 20)))
    entries = ledger_of()
    assert [(entry.kind, entry.fee_year, entry.amount_cents) for entry in entries] == [
        ("annual_fee", 2025, 5000),
        ("annual_fee", 2027, 5000),
        ("reversal", None, -5000),
    ]
    assert entries[2].reverses_id == entries[1].id
    assert "terminated on 2026-12-20" in entries[2].reason


# -- late filing fines --------------------------------------------------------------------------------------


def fine_of(database):
    with database.session() as session:
        return session.scalars(select(LateFilingFine)).one()


def test_a_filing_found_late_opens_a_fine_of_ten_dollars_a_day(database, filing_late, ledger_of, queued):
    handle(database, handlers.assess_late_filing, filing_late(days_late=3), today=date(2026, 8, 3))
    [entry] = ledger_of()
    assert (entry.kind, entry.amount_cents, entry.rule, entry.period) == (
        "late_filing_fine",
        3000,
        "late_filing",
        "F460:2026-01-01:2026-06-30",
    )
    [event] = queued("fine_assessed")
    payload = read_event(event)["payload"]
    assert (payload["fine_cents"], payload["cap_cents"], payload["cap_basis"], payload["final"]) == (
        3000,
        10000,
        "minimum",
        False,
    )
    assert fine_of(database).status == "accruing"


def test_the_same_lateness_reported_again_charges_nothing_more(database, filing_late, ledger_of, queued):
    for _ in range(2):
        handle(database, handlers.assess_late_filing, filing_late(days_late=3), today=date(2026, 8, 3))
    assert [entry.amount_cents for entry in ledger_of()] == [3000]
    assert len(queued("fine_assessed")) == 1


def test_accrual_stops_when_the_filing_arrives_at_its_final_days_late(database, filing_late, ledger_of):
    handle(database, handlers.assess_late_filing, filing_late(days_late=3), today=date(2026, 8, 3))
    handle(database, handlers.assess_late_filing, filing_late(days_late=6, filing_id="late-1"), today=date(2026, 8, 7))
    handle(database, handlers.assess_late_filing, filing_late(days_late=9), today=date(2026, 8, 10))
    assert [entry.amount_cents for entry in ledger_of()] == [3000, 3000]
    fine = fine_of(database)
    assert (fine.status, fine.days_late, fine.filing_id, fine.filed_on, fine.accrued_cents) == (
        "final",
        6,
        "late-1",
        date(2026, 8, 6),
        6000,
    )


def test_the_fine_is_capped_at_one_hundred_dollars_while_the_reported_amount_is_not_known(
    database, filing_late, ledger_of, queued
):
    handle(database, handlers.assess_late_filing, filing_late(days_late=8), today=date(2026, 8, 8))
    handle(
        database, handlers.assess_late_filing, filing_late(days_late=45, filing_id="late-1"), today=date(2026, 9, 14)
    )
    assert sum(entry.amount_cents for entry in ledger_of()) == 10000
    final = read_event(queued("fine_assessed")[-1])["payload"]
    assert (final["fine_cents"], final["cap_basis"], final["final"], final["days_late"]) == (10000, "minimum", True, 45)
    assert "capped at the minimum cap" in ledger_of()[-1].description


def test_a_late_filing_reporting_more_than_one_hundred_dollars_caps_the_fine_at_that_amount(
    database, filing_late, ledger_of, queued
):
    handle(database, handlers.assess_late_filing, filing_late(days_late=12), today=date(2026, 8, 12))
    arrived = filing_late(days_late=40, filing_id="late-1", reported_amount="250.00")
    handle(database, handlers.assess_late_filing, arrived, today=date(2026, 9, 9))
    assert [entry.amount_cents for entry in ledger_of()] == [10000, 15000]
    fine = fine_of(database)
    assert (fine.reported_amount_cents, fine.accrued_cents, fine.status) == (25000, 25000, "final")
    final = read_event(queued("fine_assessed")[-1])["payload"]
    assert (final["fine_cents"], final["cap_cents"], final["cap_basis"]) == (25000, 25000, "reported_amount")
    assert "capped at the reported amount" in ledger_of()[-1].description


def test_a_late_filing_reporting_less_than_one_hundred_dollars_keeps_the_minimum_cap(
    database, filing_late, ledger_of, queued
):
    arrived = filing_late(days_late=30, filing_id="late-1", reported_amount="42.50")
    handle(database, handlers.assess_late_filing, arrived, today=date(2026, 8, 30))
    assert [entry.amount_cents for entry in ledger_of()] == [10000]
    assert fine_of(database).reported_amount_cents == 4250
    assert read_event(queued("fine_assessed")[-1])["payload"]["cap_basis"] == "minimum"


def test_a_late_filing_reporting_a_large_amount_is_still_ten_dollars_a_day(database, filing_late, ledger_of):
    arrived = filing_late(days_late=6, filing_id="late-1", reported_amount="98000.00")
    handle(database, handlers.assess_late_filing, arrived, today=date(2026, 8, 6))
    assert [entry.amount_cents for entry in ledger_of()] == [6000]


def test_a_final_lateness_below_what_accrued_is_corrected_down(database, filing_late, ledger_of):
    handle(database, handlers.assess_late_filing, filing_late(days_late=7), today=date(2026, 8, 7))
    handle(database, handlers.assess_late_filing, filing_late(days_late=5, filing_id="late-1"), today=date(2026, 8, 8))
    entries = ledger_of()
    assert [entry.amount_cents for entry in entries] == [7000, -2000]
    assert "corrected to 5 days late" in entries[1].description


def test_a_filing_found_already_filed_late_is_final_at_once(database, filing_late, ledger_of):
    handle(database, handlers.assess_late_filing, filing_late(days_late=2, filing_id="late-1"), today=date(2026, 8, 3))
    handle(database, handlers.assess_late_filing, filing_late(days_late=2, filing_id="late-1"), today=date(2026, 8, 4))
    assert [entry.amount_cents for entry in ledger_of()] == [2000]
    assert fine_of(database).status == "final"


def test_each_form_and_period_is_its_own_fine(database, filing_late, ledger_of):
    handle(database, handlers.assess_late_filing, filing_late(days_late=2), today=date(2026, 8, 2))
    other_period = (date(2026, 7, 1), date(2026, 9, 30))
    handle(
        database,
        handlers.assess_late_filing,
        filing_late(days_late=1, due_on=date(2026, 10, 31), period=other_period),
        today=date(2026, 11, 1),
    )
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(LateFilingFine)) == 2
    assert [entry.amount_cents for entry in ledger_of()] == [2000, 1000]
