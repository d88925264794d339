"""The fees worker: thin nameko entrypoints over the handlers and the scheduled runs."""

from typing import Any

from nameko.timer import timer
from sqlalchemy.orm import Session

from cars_shared.worker import ServiceStore, consumes
from fees import handlers
from fees.runs import daily, yearly

RUN_CHECK_INTERVAL_SECONDS = 3600
"""The yearly and daily runs happen once per year and day; hourly firing only finds out whether they are done."""


class FeesWorker:
    name = "fees"
    store = ServiceStore("fees")

    @consumes("filings", "entity_registered")
    def on_entity_registered(self, session: Session, event: dict[str, Any]) -> None:
        handlers.record_registration(session, event)

    @consumes("filings", "entity_updated")
    def on_entity_updated(self, session: Session, event: dict[str, Any]) -> None:
        handlers.record_update(session, event)

    @consumes("filings", "entity_terminated")
    def on_entity_terminated(self, session: Session, event: dict[str, Any]) -> None:
        handlers.record_termination(session, event)

    @consumes("filings", "filing_late")
    def on_filing_late(self, session: Session, event: dict[str, Any]) -> None:
        handlers.assess_late_filing(session, event)

    @timer(interval=RUN_CHECK_INTERVAL_SECONDS)
    def assess_the_year(self) -> None:
        yearly.run_if_due(self.store.database)

    @timer(interval=RUN_CHECK_INTERVAL_SECONDS)
    def run_the_day(self) -> None:
        daily.run_if_due(self.store.database)
