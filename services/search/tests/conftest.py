import inspect
import threading
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from services.search.tests.adapters import elasticsearch_index


def _accepted(**changes):
    payload = {
        "filing_id": "b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40",
        "entity_id": "1400001",
        "entity_name": "Friends of Example",
        "form": "F460",
        "form_name": "Recipient Committee Campaign Statement",
        "amendment": 0,
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 6, 30),
        "filed_at": datetime(2026, 7, 31, 17, 0, tzinfo=UTC),
        "totals": {"contributions_received": Decimal("1500.00")},
    }
    payload.update(changes)
    return read_event(make_event("filings", "filing_accepted", payload))


def _amended(**changes):
    payload = {**_accepted().get("payload"), "amendment": 1, "previous_amendment": 0, **changes}
    return read_event(make_event("filings", "filing_amended", payload))


def _registered(**changes):
    payload = {
        "entity_id": "1400001",
        "name": "Friends of Example",
        "entity_type": "recipient_committee",
        "registered_by": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
        "registered_on": date(2026, 3, 2),
        "filing_id": "a1f0c1de-0b3a-4f7e-8a40-3f5b6c1d2e3f",
    }
    payload.update(changes)
    return read_event(make_event("filings", "entity_registered", payload))


@pytest.fixture
def filing_accepted():
    """Call with payload changes to get a filings.filing_accepted envelope as a consumer receives it."""
    return _accepted


@pytest.fixture
def filing_amended():
    """Call with payload changes to get a filings.filing_amended envelope as a consumer receives it."""
    return _amended


@pytest.fixture
def entity_registered():
    """Call with payload changes to get a filings.entity_registered envelope as a consumer receives it."""
    return _registered


# -- the shared adapter suite (index_contract.py) ------------------------------------------------------------------


def _embedded_index(tmp_path):
    from search.embedded_index import EmbeddedIndex

    return EmbeddedIndex(tmp_path / "search-index.db")


# Every engine the shared suite runs against: name -> factory(tmp_path) of an empty index. The embedded engine is
# always here; an engine that needs a server joins when that server answers.
ADAPTERS = {"embedded": _embedded_index, "elasticsearch": elasticsearch_index}


@pytest.fixture(params=sorted(ADAPTERS))
def index(request, tmp_path):
    """An empty index of each available engine (a test module's own `index` fixture takes precedence). A factory
    may be a generator: what it yields is the index, and it is resumed afterwards to clean up."""
    made = ADAPTERS[request.param](tmp_path)
    if inspect.isgenerator(made):
        yield next(made)
        next(made, None)
    else:
        yield made


def pytest_collect_file(parent, file_path):
    """index_contract.py is the behaviour every engine must show; collect it like a test module."""
    # Named on the command line, pytest collects it already.
    if file_path.name == "index_contract.py" and not parent.session.isinitpath(file_path):
        return pytest.Module.from_parent(parent, path=file_path)
    return None


# -- filings' real public API, served over HTTP from a test database --------------------------------------------


class FilingsRecord:
    """Puts entities and filing versions into a filings test database the way filings stores accepted ones."""

    def __init__(self, database):
        self.database = database

    def entity(self, entity_id="2000001", name="Friends of Example", entity_type="recipient_committee", **changes):
        from filings.models import Entity

        values = {
            "entity_id": entity_id,
            "name": name,
            "entity_type": entity_type,
            "status": "active",
            "space": "production",
            "registered_on": date(2026, 1, 12),
            "city": "Sacramento",
            "state": "CA",
            "zip": "95814",
            "created_by": "user-treasurer",
            "created_at": datetime(2026, 1, 12, tzinfo=UTC),
            **changes,
        }
        with self.database.session() as session:
            existing = session.get(Entity, entity_id)
            if existing is None:
                session.add(Entity(**values))
            else:
                for key, value in values.items():
                    setattr(existing, key, value)
        return entity_id

    def version(self, document, *, filing_id, amendment=0, filed_at=None, space="production"):
        """Store one version of `document` (a filing as submitted: form, entity_id, period, parts)."""
        from filings.domain.forms import form_named
        from filings.domain.forms.declaration import PartKind
        from filings.models import Filing, FilingLine

        form = form_named(document["form"])
        records, lines = {}, []
        for part in form.parts:
            content = document["parts"].get(part.name)
            if content is None:
                continue
            if part.kind == PartKind.RECORD:
                records[part.name] = content
            else:
                lines += [(part.name, number, data) for number, data in enumerate(content, start=1)]
        with self.database.session() as session:
            session.add(
                Filing(
                    filing_id=filing_id,
                    amendment=amendment,
                    entity_id=document["entity_id"],
                    form=document["form"],
                    period_start=date.fromisoformat(document["period"]["start"]),
                    period_end=date.fromisoformat(document["period"]["end"]),
                    space=space,
                    status="accepted",
                    filed_at=filed_at or datetime(2026, 7, 31, 17, 0, tzinfo=UTC),
                    filed_by="user-treasurer",
                    vendor_id=None,
                    signer_id=document["verification"]["signer_id"],
                    signer_name=document["verification"]["signer_name"],
                    verification_statement="I have used all reasonable diligence in preparing this statement.",
                    records=records,
                    line_counts=dict(Counter(part for part, _number, _data in lines)),
                    totals={"contributions_received": "1500.00"},
                    warnings=[],
                    submission_id=None,
                )
            )
            session.add_all(
                FilingLine(filing_id=filing_id, amendment=amendment, part=part, line=number, data=data)
                for part, number, data in lines
            )
        return filing_id


@pytest.fixture
def filings_api(migrated_sqlite, token_mint, monkeypatch):
    """filings' real gateway on its own test database, served over HTTP on a free local port; yields
    (FilingsRecord, base URL of its API)."""
    from werkzeug.serving import make_server

    from cars_shared.data_keys import new_data_key_text
    from filings.gateway import create_app as filings_app

    monkeypatch.setenv("FILINGS_DATA_KEY", new_data_key_text())
    database = migrated_sqlite("filings")
    server = make_server("127.0.0.1", 0, filings_app(database=database, verifier=token_mint.verifier), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield FilingsRecord(database), f"http://127.0.0.1:{server.server_port}/api/filings"
    finally:
        server.shutdown()
        thread.join(timeout=5)
