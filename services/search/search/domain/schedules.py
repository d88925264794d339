"""What the line items of each public transaction schedule mean: who the other party is, the amount, the date.

Filings' form declarations decide which parts and fields are public; this table only says how to read the
public lines of the parts that record money moving (contributions, loans, payments, expenses). Parts not named
here (lists of lobbyists, bills lobbied, controlling candidates) are not transactions and are not indexed as such.
"""

from __future__ import annotations

from dataclasses import dataclass

RECEIVED = "received"
"""The filer received the money (a contribution, a loan, a payment from a client): the party gave it."""
MADE = "made"
"""The filer paid or gave the money: the party received it."""


@dataclass(frozen=True)
class ScheduleMeaning:
    """How to read one public lines part as transactions."""

    noun: str
    """What one line is, as the start of a sentence ("Contribution", "Payment")."""
    direction: str
    """RECEIVED or MADE."""
    name_fields: tuple[str, ...]
    """The fields naming the other party, the first filled in wins."""
    amount_fields: tuple[str, ...] = ("amount",)
    date_fields: tuple[str, ...] = ("date",)
    city_field: str = "city"
    state_field: str = "state"
    zip_field: str = "zip"


_CONTRIBUTION_RECEIVED = ScheduleMeaning("Contribution", RECEIVED, ("contributor_name",))
_ACTIVITY_EXPENSE = ScheduleMeaning(
    "Activity expense",
    MADE,
    ("payee_name",),
    date_fields=("expense_date",),
    city_field="payee_city",
    state_field="payee_state",
    zip_field="payee_zip",
)
_LOBBYING_PAYMENT = ScheduleMeaning(
    "Payment to influence legislative or administrative action",
    MADE,
    ("payee_name",),
    date_fields=("payment_date",),
    city_field="payee_city",
    state_field="payee_state",
    zip_field="payee_zip",
)
_CAMPAIGN_CONTRIBUTION_MADE = ScheduleMeaning(
    "Campaign contribution", MADE, ("recipient_name",), date_fields=("contribution_date",)
)
_PAYMENT = ScheduleMeaning("Payment", MADE, ("payee_name",))

SCHEDULES: dict[tuple[str, str], ScheduleMeaning] = {
    ("F460", "schedule_a"): _CONTRIBUTION_RECEIVED,
    ("F460", "schedule_b"): ScheduleMeaning(
        "Loan",
        RECEIVED,
        ("lender_name",),
        amount_fields=("amount_received", "original_amount"),
        date_fields=("loan_date",),
    ),
    ("F460", "schedule_c"): ScheduleMeaning("Nonmonetary contribution", RECEIVED, ("contributor_name",)),
    ("F460", "schedule_d"): ScheduleMeaning("Expenditure", MADE, ("candidate_or_measure",)),
    ("F460", "schedule_e"): _PAYMENT,
    ("F460", "schedule_f"): ScheduleMeaning(
        "Unpaid bill", MADE, ("creditor_name",), amount_fields=("amount_incurred", "balance_end"), date_fields=()
    ),
    ("F460", "schedule_g"): ScheduleMeaning("Payment by an agent or contractor", MADE, ("payee_name",)),
    ("F460", "schedule_h"): ScheduleMeaning(
        "Loan", MADE, ("borrower_name",), amount_fields=("amount_loaned", "original_amount"), date_fields=("loan_date",)
    ),
    ("F460", "schedule_i"): ScheduleMeaning("Miscellaneous increase to cash", RECEIVED, ("source_name",)),
    ("F450", "payments"): _PAYMENT,
    ("F461", "contributions_made"): ScheduleMeaning("Contribution", MADE, ("recipient_name",)),
    ("F461", "contributions_received"): _CONTRIBUTION_RECEIVED,
    ("F496", "expenditures"): ScheduleMeaning("Independent expenditure", MADE, ("payee_name",)),
    ("F496", "contributions_received"): _CONTRIBUTION_RECEIVED,
    ("F497", "contributions_received"): ScheduleMeaning("Late contribution", RECEIVED, ("contributor_name",)),
    ("F497", "contributions_made"): ScheduleMeaning("Late contribution", MADE, ("recipient_name",)),
    ("F615", "activity_expenses"): _ACTIVITY_EXPENSE,
    ("F615", "contributions"): _CAMPAIGN_CONTRIBUTION_MADE,
    ("F625", "payments_received"): ScheduleMeaning(
        "Lobbying payment",
        RECEIVED,
        ("client_name",),
        date_fields=(),
        city_field="client_city",
        state_field="client_state",
        zip_field="client_zip",
    ),
    ("F625", "activity_expenses"): _ACTIVITY_EXPENSE,
    ("F625", "payments_made"): _LOBBYING_PAYMENT,
    ("F625", "contributions"): _CAMPAIGN_CONTRIBUTION_MADE,
    ("F635", "payments_to_firms"): ScheduleMeaning("Payment to a lobbying firm", MADE, ("firm_name",), date_fields=()),
    ("F635", "activity_expenses"): _ACTIVITY_EXPENSE,
    ("F635", "other_payments"): _LOBBYING_PAYMENT,
    ("F635", "contributions"): _CAMPAIGN_CONTRIBUTION_MADE,
    ("F645", "activity_expenses"): _ACTIVITY_EXPENSE,
    ("F645", "other_payments"): _LOBBYING_PAYMENT,
    ("F645", "contributions"): _CAMPAIGN_CONTRIBUTION_MADE,
}


def schedule_meaning(form: str, part: str) -> ScheduleMeaning | None:
    """How to read the lines of `part` of `form` as transactions; None when they are not transactions."""
    return SCHEDULES.get((form.upper(), part))
