"""The progress display of `cars-migrate load`: rows, rows per second and time left, per table."""

import io

from filings.legacy.cli import ProgressDisplay
from filings.legacy.counts import TableCounts, reason_kind


def test_progress_shows_rows_rate_and_time_left_per_table(monkeypatch):
    clock = iter([100.0, 110.0, 120.0, 130.0])
    monkeypatch.setattr("filings.legacy.cli.time.monotonic", lambda: next(clock))
    out = io.StringIO()
    display = ProgressDisplay(out, interval=0)
    display("RCPT_CD", TableCounts(), 0, 1_000)
    display("RCPT_CD", TableCounts(rows_read=5_000, quarantined=2), 500, 1_000)
    display("EXPN_CD", TableCounts(), 0, 800)
    display.close()
    lines = out.getvalue().replace("\r", "\n").split("\n")
    shown = next(line for line in lines if "5,000 rows" in line)
    assert "RCPT_CD" in shown and "500 rows/s" in shown and "2 quarantined" in shown and "0:00:10 left" in shown
    assert any(line.startswith("EXPN_CD") for line in lines)


def test_reasons_are_counted_without_the_values_they_quote():
    assert reason_kind("tab inside a value: columns ambiguous (29 fields, 26 columns)") == (
        "tab inside a value: columns ambiguous"
    )
    assert reason_kind("ENTITY_CD: unknown code 'XYZ'") == "ENTITY_CD: unknown code"
    assert reason_kind("duplicate key with different content (first at line 12)") == (
        "duplicate key with different content"
    )
