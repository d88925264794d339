"""Amounts, dates, periods and entity types said the way a member of the public reads them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

ENTITY_TYPE_NAMES: dict[str, str] = {
    "recipient_committee": "Recipient Committee",
    "ballot_measure_committee": "Ballot Measure Committee",
    "general_purpose_committee": "General Purpose Committee",
    "primarily_formed_committee": "Primarily Formed Committee",
    "major_donor": "Major Donor",
    "independent_expenditure_committee": "Independent Expenditure Committee",
    "candidate": "Candidate",
    "officeholder": "Officeholder",
    "slate_mailer_organization": "Slate Mailer Organization",
    "lobbyist": "Lobbyist",
    "lobbying_firm": "Lobbying Firm",
    "lobbyist_employer": "Lobbyist Employer",
    "lobbying_coalition": "Lobbying Coalition",
}

# What a statement's totals are called in a sentence ("reporting $1,500.00 in contributions").
TOTAL_NAMES: dict[str, str] = {
    "contributions_received": "contributions",
    "expenditures_made": "expenditures",
    "loans_received": "loans",
    "independent_expenditures": "independent expenditures",
    "payments_to_lobbyists": "payments to lobbyists",
    "lobbying_payments": "lobbying payments",
}


def entity_type_name(entity_type: str) -> str:
    """'recipient_committee' -> 'Recipient Committee'; unknown codes are spelled from their words."""
    known = ENTITY_TYPE_NAMES.get(entity_type)
    if known:
        return known
    return " ".join(word.capitalize() for word in entity_type.replace("-", "_").split("_") if word)


def money(amount: Decimal) -> str:
    """Decimal dollars as '$1,500.00' (negative as '-$12.50')."""
    cents = amount.quantize(Decimal("0.01"))
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents):,.2f}"


def long_date(day: date) -> str:
    """'June 30, 2026'."""
    return f"{day:%B} {day.day}, {day.year}"


def period(start: date | None, end: date | None) -> str | None:
    """'January 1 to June 30, 2026' (the year said once when both ends share it); None without dates."""
    if start and end:
        if start == end:
            return long_date(end)
        if start.year == end.year:
            return f"{start:%B} {start.day} to {long_date(end)}"
        return f"{long_date(start)} to {long_date(end)}"
    if start:
        return f"the period starting {long_date(start)}"
    if end:
        return f"the period ending {long_date(end)}"
    return None


def total_name(key: str) -> str:
    return TOTAL_NAMES.get(key, key.replace("_", " "))


def form_label(form: str) -> str:
    """'F460' -> 'Form 460'; codes not shaped like that are kept as they are."""
    if len(form) > 1 and form[0] in "Ff" and form[1:].isdigit():
        return f"Form {form[1:]}"
    return form


def joined(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# The payment codes of the campaign forms' expenditure schedules (FPPC reference data), said in words.
PAYMENT_CODE_NAMES: dict[str, str] = {
    "CMP": "campaign paraphernalia and miscellaneous",
    "CNS": "campaign consultants",
    "CTB": "contribution",
    "CVC": "civic donations",
    "FIL": "candidate filing and ballot fees",
    "FND": "fundraising events",
    "IND": "independent expenditure supporting or opposing others",
    "LEG": "legal defense",
    "LIT": "campaign literature and mailings",
    "MBR": "member communications",
    "MTG": "meetings and appearances",
    "OFC": "office expenses",
    "PET": "petition circulating",
    "PHO": "phone banks",
    "POL": "polling and survey research",
    "POS": "postage, delivery and messenger services",
    "PRO": "professional services (legal, accounting)",
    "PRT": "print ads",
    "RAD": "radio airtime and production costs",
    "RFD": "returned contributions",
    "SAL": "campaign workers' salaries",
    "TEL": "television or cable airtime and production costs",
    "TRC": "candidate travel, lodging and meals",
    "TRS": "staff and spouse travel, lodging and meals",
    "TSF": "transfer between committees of the same candidate or sponsor",
    "VOT": "voter registration",
    "WEB": "information technology costs (internet, e-mail)",
}

CONTRIBUTOR_TYPE_NAMES: dict[str, str] = {
    "individual": "individual",
    "committee": "committee",
    "political_party": "political party",
    "small_contributor_committee": "small contributor committee",
    "other": "other organization",
}


def payment_code_name(code: str) -> str:
    """'LIT' -> 'campaign literature and mailings'; an unknown code is kept as it is."""
    return PAYMENT_CODE_NAMES.get(code.upper(), code)


def contributor_type_name(code: str) -> str:
    return CONTRIBUTOR_TYPE_NAMES.get(code, code.replace("_", " "))
