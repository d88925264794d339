"""The embedded search engine: indexing synthetic filings, next to a raw bulk insert, and query latency.

Synthetic data (seeded, the same every run): committees (recipient, primarily formed, general purpose) filing
semiannual Form 460 statements over five election cycles (2018 to 2026), larger committees filing more lines
(Zipf-like sizes); Schedule A contributions (about 85% of lines) from contributors whose names repeat Zipf-like
(a few common surnames, many rare ones), with employers, occupations, California cities and their ZIP codes,
log-normal amounts (median about $100) and dates within the statement's period; Schedule E payments for the
rest. One filing in twenty is amended later (amendment 1 restates its lines with some amounts changed and a few
lines added), which makes the original's lines history.

Full path, timed: documents built with the project's own functions (`entity_document`, `filing_document`,
`transaction_document`, untimed), then written as the indexer writes them: committees with
`EmbeddedIndex.upsert_many` in batches of 500 (as a reindex does) and the filing versions with
`EmbeddedIndex.replace_filings`, whole versions together up to `search.handlers.WRITE_DOCUMENTS` documents per
write transaction (as the worker writes the filings it is told of together, under a steady stream of them, and
a CAL-ACCESS import batch), on a fresh index file.
Rate = documents written / seconds inside those calls.

Baseline, same run, same engine (SQLite, the same build), interleaved filing by filing so both see the same load:
the same rows (the same columns, the same document JSON, the same six text columns) inserted raw into a plain
table and an FTS5 table with `executemany`, in transactions of RAW_TRANSACTION_ROWS rows (one up to --scale 38;
beyond, one transaction would hold every row twice on disk, in its write-ahead log and then in the file); no
project code, no secondary index, no amendment handling. Rate = rows / seconds inside those calls and
their commits.

Queries, after indexing, through `EmbeddedIndex.search/aggregate/suggest` on the index just built (each variant
run REPEATS times, page cache warm as on a serving gateway), printed as p50/p95 overall and per kind:
- surname_dates: a contributor surname (common, middling and rare ones) over one year, sorted by relevance;
- full_name: a first and last name, sorted by relevance;
- employer_amount: an employer with amounts from $500 to $5,000, largest first;
- entity_cycle: a committee's transactions in the 2024 cycle, newest first (large and middling committees);
- deep_page: page 50 (20 a page, reached by following cursors, untimed) of a city's contributions, newest first,
  and of a committee's transactions by amount;
- month_totals: totals by month of one committee;
- top_contributors: a committee's top ten contributors;
- top_employers_zip: the top ten employers of contributors in one ZIP code;
- typeahead: committee names by prefix ("Friends of Ma", "Yes on", "Californians f");
- common_word_state: a word in a large share of documents ("retired", "contribution") with a state filter,
  sorted by relevance.

    .venv/bin/python bench/search.py                 # 50,000 transactions
    .venv/bin/python bench/search.py --scale 20      # 1 million transactions
    .venv/bin/python bench/search.py --scale 200     # the issue's 10 million transactions

Headline (last line): `search: <n> documents/s (ratio <r> vs raw insert)` (target: ratio at least 0.3), after
`search: p50 <ms> ms, p95 <ms> ms over <n> queries` (target: p95 under 100 ms at 10 million transactions).
"""

from __future__ import annotations

import json
import math
import os
import random
import sqlite3
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ.setdefault("LOG_LEVEL", "WARNING")
warnings.filterwarnings("ignore", category=DeprecationWarning)
BENCH = str(Path(__file__).resolve().parent)
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, BENCH)

from _common import parser, rate, resources  # noqa: E402

# This file's own name would hide the search service's package; only _common was needed from here.
sys.path[:] = [entry for entry in sys.path if str(Path(entry or ".").resolve()) != BENCH]
sys.path.insert(0, str(ROOT / "services" / "search"))

from search.domain.documents import (  # noqa: E402
    SearchDocument,
    entity_document,
    filing_document,
    transaction_document,
)
from search.domain.query import SearchQuery  # noqa: E402
from search.embedded_index import EmbeddedIndex, zip5  # noqa: E402
from search.handlers import WRITE_DOCUMENTS  # noqa: E402
from search.index import FilingVersion  # noqa: E402

DEFAULT_TRANSACTIONS = 50_000
LINES_PER_COMMITTEE = 2_000
ENTITY_BATCH = 500
AMEND_EVERY = 20
RAW_TRANSACTION_ROWS = 2_000_000
REPEATS = 5
CYCLES = (2018, 2020, 2022, 2024, 2026)
SEED = 20261126

SURNAMES = (
    "Garcia Smith Nguyen Johnson Martinez Lee Hernandez Kim Lopez Chen Williams Brown Gonzalez Wong Rodriguez "
    "Jones Davis Miller Wilson Anderson Taylor Thomas Moore Jackson Martin Thompson White Harris Clark Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Hill Flores Green Adams Nelson Baker Hall Rivera "
    "Campbell Mitchell Carter Roberts Patel Shah Tran Le Pham Huang Wang Liu Zhang Yamamoto Tanaka Sato Cohen "
    "Levine Katz Friedman Murphy Sullivan O'Brien Kelly Ramos Castillo Morales Ortiz Gutierrez Chavez Ruiz "
    "Alvarez Mendoza Vasquez Castro Romero Herrera Medina Aguilar Vargas Delgado Reyes Cruz Soto Jimenez Peña"
).split()
FIRST_NAMES = (
    "Maria James John Robert Michael David Jennifer Linda Elizabeth Susan Jessica Sarah Karen Daniel Jose Juan "
    "Carlos Luis Ana Rosa Wei Ming Hui Jin Anh Thanh Priya Raj Amit Deepa Mark Paul Steven Andrew Kevin Brian "
    "George Edward Laura Emily Michelle Amanda Melissa Deborah Stephanie Rebecca Sharon Cynthia Kathleen Amy "
    "Angela Helen Anna Brenda Pamela Nicole Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine"
).split()
EMPLOYERS = (
    "Self-employed",
    "Retired",
    "Not employed",
    "University of California",
    "Kaiser Permanente",
    "State of California",
    "Los Angeles Unified School District",
    "Google",
    "Apple",
    "Wells Fargo",
    "Chevron",
    "Pacific Gas and Electric",
    "Stanford University",
    "County of Los Angeles",
    "City of San Diego",
    "Sutter Health",
    "Walt Disney Company",
    "Oracle",
    "Salesforce",
    "Intel",
    "Cisco Systems",
    "Bank of America",
    "Meta Platforms",
    "Netflix",
    "Edison International",
    "Sempra Energy",
    "Safeway",
    "Target",
    "Costco",
    "Home Depot",
    "Dignity Health",
    "Cedars-Sinai Medical Center",
    "California State University",
    "San Francisco Unified School District",
    "Latham & Watkins",
    "Gibson Dunn & Crutcher",
    "Morrison & Foerster",
    "Deloitte",
    "KPMG",
    "Blue Shield of California",
)
OCCUPATIONS = (
    "Retired",
    "Attorney",
    "Physician",
    "Teacher",
    "Engineer",
    "Homemaker",
    "Consultant",
    "Executive",
    "Nurse",
    "Software Engineer",
    "Professor",
    "Real Estate Broker",
    "Accountant",
    "Business Owner",
    "Manager",
    "Firefighter",
    "Police Officer",
    "Farmer",
    "Architect",
    "Writer",
)
# California cities with a few of their ZIP codes, most populous first (the order contributors are drawn by).
CITIES = (
    ("Los Angeles", ("90012", "90024", "90027", "90049", "90066")),
    ("San Diego", ("92101", "92103", "92109", "92122")),
    ("San Jose", ("95112", "95118", "95125")),
    ("San Francisco", ("94110", "94114", "94117", "94123")),
    ("Fresno", ("93704", "93711")),
    ("Sacramento", ("95814", "95816", "95818", "95822")),
    ("Long Beach", ("90803", "90814")),
    ("Oakland", ("94610", "94611", "94618")),
    ("Bakersfield", ("93301", "93309")),
    ("Anaheim", ("92801", "92805")),
    ("Santa Ana", ("92701", "92705")),
    ("Riverside", ("92501", "92506")),
    ("Irvine", ("92602", "92612")),
    ("Berkeley", ("94705", "94708")),
    ("Pasadena", ("91101", "91105")),
    ("Palo Alto", ("94301", "94306")),
    ("Santa Monica", ("90402", "90405")),
    ("Beverly Hills", ("90210", "90212")),
    ("Walnut Creek", ("94596", "94598")),
    ("Redding", ("96001", "96003")),
)
COMMITTEE_NAMES = (
    "Friends of {first} {last} for Assembly {year}",
    "{first} {last} for Senate {year}",
    "Committee to Elect {first} {last} {year}",
    "Yes on Proposition {number}, {year}",
    "No on Proposition {number}, {year}",
    "Californians for {cause}",
    "{city} Families for {cause}",
    "{last} for Supervisor {year}",
)
CAUSES = (
    "Clean Water",
    "Affordable Housing",
    "Safe Streets",
    "Better Schools",
    "Fair Taxes",
    "Public Health",
    "Wildfire Prevention",
    "Good Jobs",
)
COMMITTEE_TYPES = ("recipient_committee", "primarily_formed_committee", "general_purpose_committee")
SCHEDULE_A = ("schedule_a", "Schedule A: Monetary Contributions Received")
SCHEDULE_E = ("schedule_e", "Schedule E: Payments Made")
PAYEES = (
    "Political Data Inc",
    "Mailing Solutions Group",
    "Pacific Printing",
    "United States Postal Service",
    "Facebook",
    "Google Ads",
    "Campaign Strategies LLC",
    "Sacramento Consulting Group",
    "Staples",
    "ActBlue",
)
PAYMENT_CODES = ("LIT", "CNS", "POS", "WEB", "PRT", "OFC", "SAL", "TEL")

_RAW_SCHEMA = (
    "CREATE TABLE documents (id TEXT, kind TEXT, version INTEGER, current INTEGER, filing_id TEXT, "
    "amendment INTEGER, entity_id TEXT, entity_type TEXT, form TEXT, schedule TEXT, name TEXT, employer TEXT, "
    "occupation TEXT, city TEXT, state TEXT, zip5 TEXT, dated_at TEXT, amount_cents INTEGER, recorded_at INTEGER, "
    "record TEXT)",
    "CREATE VIRTUAL TABLE documents_text USING fts5(title, description, keywords, name, employer, occupation, "
    "tokenize = 'unicode61 remove_diacritics 2')",
)
_RAW_INSERT = "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_RAW_INSERT_TEXT = (
    "INSERT INTO documents_text (rowid, title, description, keywords, name, employer, occupation) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def skewed(rng: random.Random, count: int, power: float = 2.5) -> int:
    """An index into `count` items, small indexes far more likely (a Zipf-like draw)."""
    return min(count - 1, int(count * rng.random() ** power))


@dataclass
class Committee:
    entity_id: str
    name: str
    entity_type: str
    weight: float
    document: SearchDocument


@dataclass
class Synthetic:
    """The seeded world of one run: committees, a contributor pool, and the filings it yields in filed order."""

    transactions: int
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    committees: list[Committee] = field(default_factory=list)
    people: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        rng = self.rng
        for number in range(max(20, self.transactions // LINES_PER_COMMITTEE)):
            template = COMMITTEE_NAMES[number % len(COMMITTEE_NAMES)]
            name = template.format(
                first=rng.choice(FIRST_NAMES),
                last=SURNAMES[skewed(rng, len(SURNAMES), 1.5)],
                year=rng.choice(CYCLES),
                number=rng.randint(1, 60),
                cause=rng.choice(CAUSES),
                city=CITIES[skewed(rng, len(CITIES), 1.5)][0],
            )
            entity_id = str(1_300_000 + number)
            entity_type = COMMITTEE_TYPES[number % len(COMMITTEE_TYPES)]
            registered = date(2016, 1, 4) + timedelta(days=rng.randrange(365 * 2))
            city, zips = CITIES[skewed(rng, len(CITIES), 1.5)]
            document = entity_document(
                {
                    "entity_id": entity_id,
                    "name": name,
                    "entity_type": entity_type,
                    "registered_on": registered,
                    "city": city,
                    "state": "CA",
                    "zip": zips[0],
                }
            )
            # Committee sizes: a few raise from many, most from few.
            self.committees.append(Committee(entity_id, name, entity_type, 1.0 / (number + 1) ** 0.8, document))
        for _ in range(max(1000, self.transactions // 5)):
            first = FIRST_NAMES[skewed(rng, len(FIRST_NAMES), 1.7)]
            last = SURNAMES[skewed(rng, len(SURNAMES), 1.7)]
            employer = EMPLOYERS[skewed(rng, len(EMPLOYERS), 2.0)]
            occupation = "Retired" if employer == "Retired" else OCCUPATIONS[1 + skewed(rng, len(OCCUPATIONS) - 1)]
            city, zips = CITIES[skewed(rng, len(CITIES), 2.0)]
            self.people.append((f"{first} {last}", employer, occupation, city, rng.choice(zips)))

    def filings(self) -> Iterator[tuple[dict[str, Any], str | None, list[SearchDocument]]]:
        """(filing version, committee type, its documents) in filed order, amendments after their originals, until
        the transaction count is reached."""
        rng = self.rng
        periods = [
            (date(year, 1, 1), date(year, 6, 30), datetime(year, 7, 31, 17, 0, tzinfo=UTC))
            for cycle in CYCLES
            for year in (cycle - 1, cycle)
        ] + [
            (date(year, 7, 1), date(year, 12, 31), datetime(year + 1, 1, 31, 17, 0, tzinfo=UTC))
            for cycle in CYCLES
            for year in (cycle - 1, cycle)
        ]
        periods.sort(key=lambda item: item[2])
        weights = [committee.weight for committee in self.committees]
        mean_lines = self.transactions / (len(periods) * len(self.committees)) / sum(weights) * len(weights)
        written, number = 0, 0
        pending: list[tuple[dict[str, Any], str, list[dict[str, Any]]]] = []
        for start, end, filed_at in periods:
            for committee in self.committees:
                if written >= self.transactions:
                    return
                lines = int(mean_lines * committee.weight * rng.lognormvariate(0, 0.5))
                if lines < 1:
                    continue
                lines = min(lines, self.transactions - written)
                number += 1
                filing = {
                    "filing_id": f"f{number:08d}-0000-4000-8000-000000000000",
                    "entity_id": committee.entity_id,
                    "entity_name": committee.name,
                    "form": "F460",
                    "form_name": "Recipient Committee Campaign Statement",
                    "amendment": 0,
                    "period_start": start,
                    "period_end": end,
                    "filed_at": filed_at + timedelta(minutes=number % 600),
                }
                values = [self._line(start, end, index) for index in range(lines)]
                yield self._version(filing, committee.entity_type, values)
                written += lines
                if number % AMEND_EVERY == 0:
                    pending.append((filing, committee.entity_type, values))
            # Amendments of the period's statements come in before the next period's statements.
            for filing, entity_type, values in pending:
                amended = [dict(line) for line in values]
                for line in amended[:: max(1, len(amended) // 5)]:
                    if "amount" in line:
                        line["amount"] = str(Decimal(line["amount"]) + 25)
                added = [
                    self._line(filing["period_start"], filing["period_end"], len(amended) + index) for index in range(2)
                ]
                version = {**filing, "amendment": 1, "filed_at": filing["filed_at"] + timedelta(days=40)}
                yield self._version(version, entity_type, amended + added)
                written += len(added)
            pending = []

    def _line(self, start: date, end: date, index: int) -> dict[str, Any]:
        rng = self.rng
        day = start + timedelta(days=rng.randrange((end - start).days + 1))
        amount = min(Decimal(36_400), Decimal(max(1, round(rng.lognormvariate(math.log(100), 1.2)))))
        if rng.random() < 0.85:
            name, employer, occupation, city, zip_code = self.people[skewed(rng, len(self.people), 1.6)]
            return {
                "part": SCHEDULE_A,
                "contributor_name": name,
                "contributor_type": "individual",
                "employer": employer,
                "occupation": occupation,
                "city": city,
                "state": "CA",
                "zip": zip_code,
                "amount": str(amount),
                "date": day.isoformat(),
                "transaction_id": f"A{index}",
            }
        city, zips = CITIES[skewed(rng, len(CITIES), 1.2)]
        return {
            "part": SCHEDULE_E,
            "payee_name": PAYEES[skewed(rng, len(PAYEES), 1.5)],
            "code": rng.choice(PAYMENT_CODES),
            "city": city,
            "state": "CA",
            "zip": zips[0],
            "amount": str(amount * 3),
            "date": day.isoformat(),
            "transaction_id": f"E{index}",
        }

    @staticmethod
    def _version(
        filing: dict[str, Any], entity_type: str, lines: list[dict[str, Any]]
    ) -> tuple[dict[str, Any], str, list[SearchDocument]]:
        received = sum(Decimal(line["amount"]) for line in lines if line["part"] is SCHEDULE_A)
        version = {**filing, "totals": {"contributions_received": str(received)}}
        documents = [filing_document(version, entity_type)]
        for number, line in enumerate(lines, start=1):
            (part, label), values = line["part"], {key: value for key, value in line.items() if key != "part"}
            document = transaction_document(version, part, label, number, values, entity_type)
            if document is not None:
                documents.append(document)
        return version, entity_type, documents


def raw_rows(documents: list[SearchDocument], first_rowid: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The same columns and text the engine stores, for the baseline's plain tables."""
    rows, texts = [], []
    for offset, document in enumerate(documents):
        rows.append(
            (
                document.id,
                document.kind,
                document.version,
                int(document.current),
                document.filing_id,
                document.amendment,
                document.entity_id,
                document.entity_type,
                document.form,
                document.schedule,
                document.name or document.title,
                document.employer,
                document.occupation,
                document.city,
                document.state,
                zip5(document.zip_code) if document.zip_code else None,
                document.dated_at.astimezone(UTC).isoformat(),
                None if document.amount is None else int(document.amount * 100),
                int(document.recorded_at.timestamp()),
                json.dumps(document.to_record(), separators=(",", ":")),
            )
        )
        texts.append(
            (
                first_rowid + offset,
                document.title,
                document.description,
                " ".join(document.keywords),
                document.name or "",
                document.employer or "",
                document.occupation or "",
            )
        )
    return rows, texts


@dataclass
class Loaded:
    documents: int = 0
    transactions: int = 0
    filings: int = 0
    amendments: int = 0
    project_seconds: float = 0.0
    raw_rows: int = 0
    raw_seconds: float = 0.0
    busiest: Counter[str] = field(default_factory=Counter)
    surnames: Counter[str] = field(default_factory=Counter)
    zips: Counter[str] = field(default_factory=Counter)
    cities: Counter[str] = field(default_factory=Counter)
    employers: Counter[str] = field(default_factory=Counter)


def load(world: Synthetic, index: EmbeddedIndex, raw_path: Path, progress_every: int) -> Loaded:
    """Index the world through the engine and insert the same rows raw, filing by filing."""
    loaded = Loaded()
    raw = sqlite3.connect(raw_path, isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = NORMAL")
    for statement in _RAW_SCHEMA:
        raw.execute(statement)
    raw.execute("BEGIN")
    rowid = 1

    def raw_insert(documents: list[SearchDocument]) -> None:
        nonlocal rowid
        rows, texts = raw_rows(documents, rowid)
        started = time.perf_counter()
        raw.executemany(_RAW_INSERT, rows)
        raw.executemany(_RAW_INSERT_TEXT, texts)
        if (rowid + len(rows)) // RAW_TRANSACTION_ROWS > rowid // RAW_TRANSACTION_ROWS:
            raw.execute("COMMIT")
            raw.execute("BEGIN")
        loaded.raw_seconds += time.perf_counter() - started
        loaded.raw_rows += len(rows)
        rowid += len(rows)

    entities = [committee.document for committee in world.committees]
    for first in range(0, len(entities), ENTITY_BATCH):
        batch = entities[first : first + ENTITY_BATCH]
        started = time.perf_counter()
        loaded.documents += index.upsert_many(batch)
        loaded.project_seconds += time.perf_counter() - started
        raw_insert(batch)
    next_report = progress_every
    group: list[FilingVersion] = []
    held = 0

    def write_group() -> None:
        started = time.perf_counter()
        loaded.documents += sum(index.replace_filings(group))
        loaded.project_seconds += time.perf_counter() - started
        group.clear()

    for filing, _entity_type, documents in world.filings():
        group.append(FilingVersion(filing["filing_id"], filing["amendment"], documents))
        held += len(documents)
        if held >= WRITE_DOCUMENTS:
            write_group()
            held = 0
        raw_insert(documents)
        loaded.filings += 1
        loaded.amendments += bool(filing["amendment"])
        for document in documents[1:]:
            loaded.transactions += 1
            loaded.busiest[document.entity_id] += 1
            if document.schedule == "schedule_a":
                loaded.surnames[(document.name or "").split()[-1]] += 1
                loaded.zips[zip5(document.zip_code or "")] += 1
                loaded.cities[document.city or ""] += 1
                loaded.employers[document.employer or ""] += 1
        if loaded.transactions >= next_report:
            print(
                f"  {loaded.transactions:,} transactions: {rate(loaded.documents, loaded.project_seconds):,.0f} "
                f"documents/s indexed, {rate(loaded.raw_rows, loaded.raw_seconds):,.0f} rows/s raw",
                flush=True,
            )
            next_report += progress_every
    if group:
        write_group()
    started = time.perf_counter()
    raw.execute("COMMIT")
    loaded.raw_seconds += time.perf_counter() - started
    raw.close()
    return loaded


@dataclass(frozen=True)
class Probe:
    kind: str
    label: str
    run: Callable[[], Any]


def ranked(counter: Counter[str], *positions: float) -> list[str]:
    """The keys at the given relative positions of `counter` by frequency (0 = most common)."""
    keys = [key for key, _count in counter.most_common() if key]
    return [keys[min(len(keys) - 1, int(position * len(keys)))] for position in positions]


def probes(index: EmbeddedIndex, loaded: Loaded, world: Synthetic) -> list[Probe]:
    """The fixed mix of queries, their values picked from the data by rank (common, middling, rare)."""
    names = {committee.entity_id: committee.name for committee in world.committees}
    big, middling = ranked(loaded.busiest, 0.0, 0.3)
    found: list[Probe] = []

    def add(kind: str, label: str, run: Callable[[], Any]) -> None:
        found.append(Probe(kind, label, run))

    def search(**fields: Any) -> Callable[[], Any]:
        return lambda: index.search(SearchQuery(**fields))

    for surname in ranked(loaded.surnames, 0.0, 0.2, 0.6):
        add("surname_dates", surname, search(text=surname, date_from=date(2023, 1, 1), date_to=date(2023, 12, 31)))
    for person in (world.people[0][0], world.people[len(world.people) // 3][0]):
        add("full_name", person, search(text=person))
    for employer in ranked(loaded.employers, 0.1, 0.5):
        add(
            "employer_amount",
            employer,
            search(employers=(employer,), amount_min=Decimal(500), amount_max=Decimal(5000), sort="-amount"),
        )
    for entity in (big, middling):
        add(
            "entity_cycle",
            entity,
            search(entity_ids=(entity,), kinds=("transaction",), election_cycles=(2024,), sort="-date"),
        )
    city = ranked(loaded.cities, 0.0)[0]
    for label, query in (
        (f"city {city}", SearchQuery(cities=(city,), schedules=("schedule_a",), sort="-date")),
        (f"entity {big} by amount", SearchQuery(entity_ids=(big,), sort="-amount")),
    ):
        cursor = None
        for _page in range(49):
            cursor = index.search(SearchQuery(**{**query.__dict__, "after": cursor})).next_cursor
        add("deep_page", label, search(**{**query.__dict__, "after": cursor}))
    for entity in (big, middling):
        add(
            "month_totals",
            entity,
            lambda entity=entity: index.aggregate(SearchQuery(entity_ids=(entity,)), "month", 24),
        )
        add(
            "top_contributors",
            entity,
            lambda entity=entity: index.aggregate(SearchQuery(entity_ids=(entity,)), "contributor", 10),
        )
    for zip_code in ranked(loaded.zips, 0.0, 0.5):
        add(
            "top_employers_zip",
            zip_code,
            lambda zip_code=zip_code: index.aggregate(SearchQuery(zip_codes=(zip_code,)), "employer", 10),
        )
    for prefix in ("Friends of Ma", "Yes on", "Californians f", names[middling][:6]):
        add("typeahead", prefix, lambda prefix=prefix: index.suggest(prefix, 10))
    for word in ("retired", "contribution"):
        add("common_word_state", word, search(text=word, states=("CA",)))
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def main() -> None:
    arguments = parser(__doc__.splitlines()[0]).parse_args()
    transactions = int(DEFAULT_TRANSACTIONS * arguments.scale)
    with resources("sqlite") as held:
        print(f"search: building {transactions:,} synthetic transactions (seed {SEED})", flush=True)
        world = Synthetic(transactions)
        index = EmbeddedIndex(held.tmp_path("search-index.db"))
        loaded = load(world, index, held.tmp_path("raw.db"), max(100_000, transactions // 10))
        project_rate = rate(loaded.documents, loaded.project_seconds)
        raw_rate = rate(loaded.raw_rows, loaded.raw_seconds)
        size = sum(path.stat().st_size for path in held.tmp_path("x").parent.glob("search-index.db*"))
        raw_size = sum(path.stat().st_size for path in held.tmp_path("x").parent.glob("raw.db*"))
        print(
            f"search: indexed {loaded.documents:,} documents ({loaded.transactions:,} transactions in "
            f"{loaded.filings:,} filing versions, {loaded.amendments:,} amendments, {len(world.committees):,} "
            f"committees) in {loaded.project_seconds:.1f} s; index file {size / 2**20:,.0f} MiB"
        )
        print(
            f"search: raw insert of {loaded.raw_rows:,} rows in {loaded.raw_seconds:.1f} s "
            f"({raw_rate:,.0f} rows/s); raw file {raw_size / 2**20:,.0f} MiB"
        )
        found = probes(index, loaded, world)
        timings: dict[str, list[float]] = {}
        for probe in found:
            probe.run()  # the first run reads its pages in; a serving gateway has them warm
            for _ in range(REPEATS):
                started = time.perf_counter()
                probe.run()
                timings.setdefault(probe.kind, []).append((time.perf_counter() - started) * 1000)
                timings.setdefault(f"  {probe.kind}: {probe.label}", []).append(timings[probe.kind][-1])
        every: list[float] = []
        for name, values in timings.items():
            if not name.startswith(" "):
                every += values
            print(f"search: {name:<50} p50 {percentile(values, 0.5):8.1f} ms, p95 {percentile(values, 0.95):8.1f} ms")
        print(
            f"search: p50 {percentile(every, 0.5):.1f} ms, p95 {percentile(every, 0.95):.1f} ms over {len(every)} "
            f"queries at {loaded.transactions:,} transactions (mean {statistics.fmean(every):.1f} ms)"
        )
        print(f"search: {project_rate:,.0f} documents/s (ratio {project_rate / raw_rate:.2f} vs raw insert)")


if __name__ == "__main__":
    main()
