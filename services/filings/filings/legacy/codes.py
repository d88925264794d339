"""Codes CAL-ACCESS uses, as far as they are known: a value outside them is kept and flagged."""

from __future__ import annotations

FORMS = frozenset(
    {
        "E530", "F400", "F401", "F402", "F405", "F410", "F415", "F416", "F419", "F420", "F425", "F430", "F435",
        "F440", "F450", "F460", "F461", "F465", "F470", "F480", "F490", "F495", "F496", "F497", "F498", "F501",
        "F502", "F511", "F601", "F602", "F603", "F604", "F605", "F606", "F607", "F615", "F625", "F635", "F645",
        "F690", "F700", "F900",
    }
)  # fmt: skip
"""Form IDs of the filings CAL-ACCESS accepted (FILER_FILINGS_CD.FORM_ID)."""

STATEMENT_TYPES = frozenset({"PE", "QT", "SA", "SE", "SY", "S1", "S2", "TS", "PR"})
"""Pre-election, quarterly, semi-annual, special, supplemental, semi-annual parts, termination, pre-run."""

ENTITY_CODES = frozenset(
    {
        "AGY", "ATH", "ATR", "BMC", "BNM", "CAO", "CIT", "CLI", "COM", "CTL", "EMP", "FRM", "IND", "LBY",
        "LCO", "LEM", "MBR", "MDI", "OFF", "OTH", "OWN", "POF", "PRO", "PTN", "PTY", "RCP", "SCC", "SCL",
        "SMO", "SPO", "TRE",
    }
)  # fmt: skip
"""Kinds of person or organisation a record names (individual, committee, candidate, other...)."""

KNOWN_CODES: dict[str, frozenset[str]] = {
    "FORM_ID": FORMS,
    "STMT_TYPE": STATEMENT_TYPES,
    "ENTITY_CD": ENTITY_CODES,
}
"""Columns whose values are checked against a known list."""

ENTITY_TYPES = {
    "RECIPIENT COMMITTEE": "recipient_committee",
    "CANDIDATE/OFFICEHOLDER": "candidate",
    "MAJOR DONOR/INDEPENDENT EXPENDITURE COMMITTEE": "major_donor_committee",
    "LOBBYIST": "lobbyist",
    "FIRM": "lobbying_firm",
    "EMPLOYER": "lobbyist_employer",
    "CLIENT": "lobbyist_employer",
    "SLATE MAILER ORGANIZATIONS": "slate_mailer_organization",
    "TREASURER/RESPONSIBLE OFFICER": "treasurer",
    "PROPONENT": "proponent",
    "PREPAID ACCOUNT": "prepaid_account",
}
"""FILERNAME_CD.FILER_TYPE in CARS's words; other values are kept as written and flagged."""

ENTITY_STATUSES = {"ACTIVE": "active", "TERMINATED": "terminated", "INACTIVE": "inactive"}
"""FILERNAME_CD.STATUS in CARS's words; the one-letter codes (R, S, W) are kept as written and flagged."""
