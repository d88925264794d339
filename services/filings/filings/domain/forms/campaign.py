"""Campaign forms: registrations (410, 501) and disclosure reports (460, 450, 461, 496, 497).

What is public follows the Political Reform Act's disclosure: committees' and businesses' addresses are
public; individual contributors' and lenders' street addresses, bank account numbers and personal
telephone numbers are not.
"""

from __future__ import annotations

from decimal import Decimal

from filings.domain.entities import COMMITTEE_TYPES, EntityType
from filings.domain.forms.declaration import (
    AtLeastField,
    Condition,
    EntityEffect,
    FieldIs,
    FieldRef,
    FieldSpec,
    FieldType,
    FormDeclaration,
    FormKind,
    MinimumAmount,
    OneOfParts,
    PartKind,
    PartSpec,
    PeriodMatchesCalendar,
    RequiredWhen,
    SumOfFields,
    SumOfLines,
)

COMMITTEES = tuple(kind.value for kind in COMMITTEE_TYPES)
CANDIDATE = EntityType.CANDIDATE.value
MAJOR_DONOR = EntityType.MAJOR_DONOR_COMMITTEE.value
INDEPENDENT_EXPENDITURE_COMMITTEE = EntityType.INDEPENDENT_EXPENDITURE_COMMITTEE.value

ITEMIZATION_THRESHOLD = Decimal("100")
"""A contribution of this much or more must identify its contributor (Gov. Code 84211(f))."""
TWENTY_FOUR_HOUR_THRESHOLD = Decimal("1000")
"""Contributions of this much or more in the 90 days before an election are reported within 24 hours."""

CONTRIBUTOR_TYPES = ("individual", "committee", "political_party", "small_contributor_committee", "other")
INDIVIDUAL = FieldIs("contributor_type", ("individual",))
STATEMENT_TYPES = (
    "quarterly",
    "semi_annual",
    "preelection",
    "special_odd_year",
    "supplemental_preelection",
    "termination",
)
SUPPORT_OR_OPPOSE = ("support", "oppose")
PAYMENT_CODES = (
    "CMP",  # campaign paraphernalia and miscellaneous
    "CNS",  # campaign consultants
    "CTB",  # contribution
    "CVC",  # civic donations
    "FIL",  # candidate filing and ballot fees
    "FND",  # fundraising events
    "IND",  # independent expenditure supporting or opposing others
    "LEG",  # legal defense
    "LIT",  # campaign literature and mailings
    "MBR",  # member communications
    "MTG",  # meetings and appearances
    "OFC",  # office expenses
    "PET",  # petition circulating
    "PHO",  # phone banks
    "POL",  # polling and survey research
    "POS",  # postage, delivery and messenger services
    "PRO",  # professional services (legal, accounting)
    "PRT",  # print ads
    "RAD",  # radio airtime and production costs
    "RFD",  # returned contributions
    "SAL",  # campaign workers' salaries
    "TEL",  # television or cable airtime and production costs
    "TRC",  # candidate travel, lodging and meals
    "TRS",  # staff or spouse travel, lodging and meals
    "TSF",  # transfer between committees of the same candidate or sponsor
    "VOT",  # voter registration
    "WEB",  # information technology costs (internet, email)
)

PHONE_LENGTH = 30
DESCRIPTION_LENGTH = 400


def _address(
    prefix: str, whose: str, *, required: bool = False, private_when: FieldIs | None = None
) -> tuple[FieldSpec, ...]:
    """Street, city, state and ZIP fields named `<prefix>street` ..., labelled for `whose` address."""
    return (
        FieldSpec(f"{prefix}street", f"{whose} street address", required=required, private_when=private_when),
        FieldSpec(f"{prefix}city", f"{whose} city", required=required, max_length=100),
        FieldSpec(f"{prefix}state", f"{whose} state", FieldType.STATE, required=required),
        FieldSpec(f"{prefix}zip", f"{whose} ZIP code", FieldType.ZIP, required=required),
    )


def _amount(name: str, label: str, *, required: bool = False, signed: bool = False) -> FieldSpec:
    return FieldSpec(name, label, FieldType.AMOUNT, required=required, signed=signed)


def _contributor() -> tuple[FieldSpec, ...]:
    """Who gave: a person's street address stays private, a committee's or business's is public."""
    return (
        FieldSpec("contributor_type", "Type of contributor", FieldType.CODE, required=True, choices=CONTRIBUTOR_TYPES),
        FieldSpec("contributor_name", "Contributor's name"),
        *_address("", "Contributor's", private_when=INDIVIDUAL),
        FieldSpec("committee_id", "Contributor's committee ID", FieldType.ENTITY_ID),
        FieldSpec("occupation", "Contributor's occupation", max_length=100),
        FieldSpec("employer", "Contributor's employer (or business, if self-employed)"),
    )


def _itemization(amount_field: str = "amount") -> tuple[Condition, ...]:
    """Contributors of $100 or more are identified: name and address, and for people occupation and employer."""
    return (
        RequiredWhen(("contributor_name", "street", "city", "state", "zip"), amount_field, ITEMIZATION_THRESHOLD),
        RequiredWhen(("occupation", "employer"), amount_field, ITEMIZATION_THRESHOLD, only_if=INDIVIDUAL),
    )


def _payee(whose: str = "Payee's") -> tuple[FieldSpec, ...]:
    return (FieldSpec("payee_name", f"{whose} name", required=True), *_address("", whose))


def _payee_itemization() -> RequiredWhen:
    return RequiredWhen(("street", "city", "state", "zip"), "amount", ITEMIZATION_THRESHOLD)


def _committee_cover(*, statement_type: bool = True) -> PartSpec:
    """The cover page of a committee's report: who files, its treasurer and, for candidates, the office."""
    return PartSpec(
        "cover",
        "Cover page",
        PartKind.RECORD,
        (
            FieldSpec("committee_name", "Name of committee or filer", required=True),
            *_address("", "Committee's", required=True),
            FieldSpec("phone", "Committee's telephone", max_length=PHONE_LENGTH),
            FieldSpec("email", "Committee's email address", FieldType.EMAIL, max_length=254),
            FieldSpec("treasurer_name", "Treasurer or responsible officer", required=True),
            *(
                (
                    FieldSpec(
                        "statement_type", "Type of statement", FieldType.CODE, required=True, choices=STATEMENT_TYPES
                    ),
                )
                if statement_type
                else ()
            ),
            FieldSpec("election_date", "Date of election, if applicable", FieldType.DATE),
            FieldSpec("candidate_name", "Candidate or officeholder, for a controlled committee"),
            FieldSpec("office_sought", "Office sought or held", max_length=100),
            FieldSpec("district", "District number, if any", max_length=20),
            FieldSpec("ballot_measure", "Ballot measure, for a committee primarily formed for one"),
            FieldSpec("jurisdiction", "Jurisdiction", max_length=100),
        ),
        required=True,
    )


# Form 410


F410 = FormDeclaration(
    "F410",
    "Statement of Organization",
    FormKind.REGISTRATION,
    description=(
        "Registers a recipient committee within 10 days of receiving $2,000 in contributions, reports changes "
        "to it, and terminates it."
    ),
    entity_types=COMMITTEES,
    parts=(
        PartSpec(
            "committee",
            "Committee information",
            PartKind.RECORD,
            (
                FieldSpec("name", "Name of committee", required=True),
                FieldSpec("committee_type", "Type of committee", FieldType.CODE, required=True, choices=COMMITTEES),
                *_address("", "Committee's", required=True),
                *_address("mailing_", "Committee's mailing"),
                FieldSpec("phone", "Committee's telephone", max_length=PHONE_LENGTH),
                FieldSpec("email", "Committee's email address", FieldType.EMAIL, required=True, max_length=254),
                FieldSpec("date_qualified", "Date the committee qualified ($2,000 received)", FieldType.DATE),
                FieldSpec("jurisdiction", "Jurisdiction where the committee is active", max_length=100),
                FieldSpec("termination_date", "Date the committee terminated", FieldType.DATE),
            ),
            required=True,
        ),
        PartSpec(
            "treasurer",
            "Treasurer and assistant treasurer",
            PartKind.RECORD,
            (
                FieldSpec("name", "Treasurer's name", required=True),
                *_address("", "Treasurer's", required=True),
                FieldSpec("phone", "Treasurer's telephone", public=False, max_length=PHONE_LENGTH),
                FieldSpec("email", "Treasurer's email address", FieldType.EMAIL, public=False, max_length=254),
                FieldSpec("assistant_name", "Assistant treasurer's name"),
            ),
            required=True,
        ),
        PartSpec(
            "bank",
            "Campaign bank account",
            PartKind.RECORD,
            (
                FieldSpec("bank_name", "Name of financial institution", required=True),
                *_address("", "Financial institution's", required=True),
                FieldSpec("account_number", "Account number", public=False, max_length=34),
            ),
            required=True,
        ),
        PartSpec(
            "controlling_candidates",
            "Candidates and officeholders who control the committee",
            PartKind.LINES,
            (
                FieldSpec("candidate_name", "Candidate or officeholder", required=True),
                FieldSpec("candidate_id", "Candidate's filer ID", FieldType.ENTITY_ID),
                FieldSpec("office", "Office sought or held", required=True, max_length=100),
                FieldSpec("district", "District number, if any", max_length=20),
                FieldSpec("party", "Political party, if partisan office", max_length=100),
            ),
            max_lines=20,
        ),
        PartSpec(
            "primarily_formed_for",
            "Candidates and measures the committee is primarily formed to support or oppose",
            PartKind.LINES,
            (
                FieldSpec("candidate_or_measure", "Candidate's name or measure's title", required=True),
                FieldSpec("office_or_measure_number", "Office sought, or ballot number or letter", max_length=100),
                FieldSpec("jurisdiction", "Jurisdiction", max_length=100),
                FieldSpec(
                    "support_or_oppose", "Support or oppose", FieldType.CODE, required=True, choices=SUPPORT_OR_OPPOSE
                ),
            ),
            max_lines=100,
        ),
    ),
    effect=EntityEffect.REGISTERS,
    entity_fields={
        "name": FieldRef("committee", "name"),
        "entity_type": FieldRef("committee", "committee_type"),
        "street": FieldRef("committee", "street"),
        "city": FieldRef("committee", "city"),
        "state": FieldRef("committee", "state"),
        "zip": FieldRef("committee", "zip"),
        "email": FieldRef("committee", "email"),
        "treasurer_name": FieldRef("treasurer", "name"),
    },
    terminates=FieldRef("committee", "termination_date"),
)


# Form 501


F501 = FormDeclaration(
    "F501",
    "Candidate Intention Statement",
    FormKind.REGISTRATION,
    description="Declares the intention to run for an office before any contribution is solicited or received.",
    entity_types=(CANDIDATE,),
    parts=(
        PartSpec(
            "candidate",
            "Candidate",
            PartKind.RECORD,
            (
                FieldSpec("name", "Candidate's name", required=True),
                FieldSpec("street", "Street address (a business address may be used)", required=True),
                FieldSpec("city", "City", required=True, max_length=100),
                FieldSpec("state", "State", FieldType.STATE, required=True),
                FieldSpec("zip", "ZIP code", FieldType.ZIP, required=True),
                FieldSpec("email", "Email address", FieldType.EMAIL, required=True, max_length=254),
                FieldSpec("phone", "Telephone", public=False, max_length=PHONE_LENGTH),
            ),
            required=True,
        ),
        PartSpec(
            "office",
            "Office sought",
            PartKind.RECORD,
            (
                FieldSpec("office_sought", "Office sought", required=True, max_length=100),
                FieldSpec("district", "District number, if any", max_length=20),
                FieldSpec("jurisdiction", "Jurisdiction", required=True, max_length=100),
                FieldSpec("election_year", "Year of the election", FieldType.INTEGER, required=True),
                FieldSpec("election_date", "Date of the election, if known", FieldType.DATE),
                FieldSpec("party", "Political party, if partisan office", max_length=100),
                FieldSpec(
                    "expenditure_ceiling",
                    "Voluntary expenditure ceiling (state candidates)",
                    FieldType.CODE,
                    choices=("accepts", "does_not_accept"),
                ),
                FieldSpec("committee_id", "Filer ID of the candidate's controlled committee", FieldType.ENTITY_ID),
            ),
            required=True,
        ),
    ),
    effect=EntityEffect.REGISTERS,
    entity_fields={
        "name": FieldRef("candidate", "name"),
        "street": FieldRef("candidate", "street"),
        "city": FieldRef("candidate", "city"),
        "state": FieldRef("candidate", "state"),
        "zip": FieldRef("candidate", "zip"),
        "email": FieldRef("candidate", "email"),
    },
)


# Form 460


def _summary_460() -> PartSpec:
    """The summary page, Column A (this period), with its real line numbers, and the calendar-year totals."""
    return PartSpec(
        "summary",
        "Summary page",
        PartKind.RECORD,
        (
            _amount("monetary_contributions", "Line 1: Monetary contributions", required=True),
            _amount("loans_received", "Line 2: Loans received, net", signed=True),
            _amount("subtotal_cash_contributions", "Line 3: Subtotal cash contributions", signed=True),
            _amount("nonmonetary_contributions", "Line 4: Nonmonetary contributions"),
            _amount("contributions_received", "Line 5: Total contributions received", required=True, signed=True),
            _amount("payments_made", "Line 6: Payments made", required=True),
            _amount("loans_made", "Line 7: Loans made, net", signed=True),
            _amount("subtotal_cash_payments", "Line 8: Subtotal cash payments", signed=True),
            _amount("accrued_expenses", "Line 9: Accrued expenses (unpaid bills), net", signed=True),
            _amount("nonmonetary_adjustment", "Line 10: Nonmonetary adjustment"),
            _amount("expenditures_made", "Line 11: Total expenditures made", required=True, signed=True),
            _amount("beginning_cash_balance", "Line 12: Beginning cash balance", required=True, signed=True),
            _amount("cash_receipts", "Line 13: Cash receipts", signed=True),
            _amount("miscellaneous_increases", "Line 14: Miscellaneous increases to cash"),
            _amount("cash_payments", "Line 15: Cash payments", signed=True),
            _amount("ending_cash_balance", "Line 16: Ending cash balance", required=True, signed=True),
            _amount("loan_guarantees_received", "Line 17: Loan guarantees received"),
            _amount("cash_equivalents", "Line 18: Cash equivalents"),
            _amount("outstanding_debts", "Line 19: Outstanding debts"),
            _amount("contributions_received_calendar_year", "Line 20: Contributions received, calendar year"),
            _amount("expenditures_made_calendar_year", "Line 21: Expenditures made, calendar year", signed=True),
            _amount("unitemized_monetary_contributions", "Unitemized monetary contributions under $100 (Schedule A)"),
            _amount(
                "unitemized_nonmonetary_contributions", "Unitemized nonmonetary contributions under $100 (Schedule C)"
            ),
            _amount("unitemized_payments", "Unitemized payments under $100 (Schedule E)"),
            _amount("unitemized_miscellaneous_increases", "Unitemized increases to cash under $100 (Schedule I)"),
        ),
        required=True,
    )


def _schedule_a() -> PartSpec:
    return PartSpec(
        "schedule_a",
        "Schedule A: monetary contributions received",
        PartKind.LINES,
        (
            FieldSpec("date", "Date received", FieldType.DATE, required=True, within_period=True),
            *_contributor(),
            _amount("amount", "Amount received", required=True),
            _amount("cumulative_to_date", "Cumulative to date, calendar year"),
            FieldSpec("transaction_id", "Transaction ID", max_length=20),
        ),
        conditions=(*_itemization(), AtLeastField("cumulative_to_date", "amount")),
    )


def _schedule_b() -> PartSpec:
    individual_lender = FieldIs("lender_type", ("individual",))
    return PartSpec(
        "schedule_b",
        "Schedule B: loans received",
        PartKind.LINES,
        (
            FieldSpec("lender_type", "Type of lender", FieldType.CODE, required=True, choices=CONTRIBUTOR_TYPES),
            FieldSpec("lender_name", "Lender's name", required=True),
            *_address("", "Lender's", required=True, private_when=individual_lender),
            FieldSpec("occupation", "Lender's occupation", max_length=100),
            FieldSpec("employer", "Lender's employer (or business, if self-employed)"),
            FieldSpec("loan_date", "Date of the loan", FieldType.DATE),
            FieldSpec("date_due", "Date due", FieldType.DATE),
            FieldSpec("interest_rate", "Interest rate", max_length=20),
            _amount("balance_beginning", "Outstanding balance at the beginning of the period"),
            _amount("amount_received", "Amount received this period"),
            _amount("amount_repaid_or_forgiven", "Amount paid or forgiven this period"),
            _amount("balance_end", "Outstanding balance at the close of the period", required=True),
            _amount("interest_paid", "Interest paid this period"),
            _amount("original_amount", "Original amount of the loan", required=True),
            FieldSpec("transaction_id", "Transaction ID", max_length=20),
        ),
        conditions=(
            RequiredWhen(
                ("occupation", "employer"), "original_amount", ITEMIZATION_THRESHOLD, only_if=individual_lender
            ),
        ),
    )


def _schedule_c() -> PartSpec:
    return PartSpec(
        "schedule_c",
        "Schedule C: nonmonetary contributions received",
        PartKind.LINES,
        (
            FieldSpec("date", "Date received", FieldType.DATE, required=True, within_period=True),
            *_contributor(),
            FieldSpec("description", "Description of goods or services", required=True, max_length=DESCRIPTION_LENGTH),
            _amount("amount", "Fair market value", required=True),
            _amount("cumulative_to_date", "Cumulative to date, calendar year"),
            FieldSpec("transaction_id", "Transaction ID", max_length=20),
        ),
        conditions=(*_itemization(), AtLeastField("cumulative_to_date", "amount")),
    )


def _schedule_d() -> PartSpec:
    return PartSpec(
        "schedule_d",
        "Schedule D: expenditures supporting or opposing candidates and measures",
        PartKind.LINES,
        (
            FieldSpec("date", "Date", FieldType.DATE, within_period=True),
            FieldSpec("candidate_or_measure", "Candidate's name or measure's title", required=True),
            FieldSpec("office_or_measure_number", "Office sought, or ballot number or letter", max_length=100),
            FieldSpec("jurisdiction", "Jurisdiction", max_length=100),
            FieldSpec(
                "support_or_oppose", "Support or oppose", FieldType.CODE, required=True, choices=SUPPORT_OR_OPPOSE
            ),
            FieldSpec("description", "Type of payment", max_length=DESCRIPTION_LENGTH),
            _amount("amount", "Amount this period", required=True),
            _amount("cumulative_to_date", "Cumulative to date, calendar year"),
            FieldSpec("transaction_id", "Transaction ID", max_length=20),
        ),
        conditions=(AtLeastField("cumulative_to_date", "amount"),),
    )


def _schedule_e() -> PartSpec:
    return PartSpec(
        "schedule_e",
        "Schedule E: payments made",
        PartKind.LINES,
        (
            FieldSpec("date", "Date paid", FieldType.DATE, within_period=True),
            *_payee(),
            FieldSpec("code", "Payment code", FieldType.CODE, choices=PAYMENT_CODES),
            FieldSpec("description", "Description of payment", required=True, max_length=DESCRIPTION_LENGTH),
            _amount("amount", "Amount paid", required=True),
            FieldSpec("transaction_id", "Transaction ID", max_length=20),
        ),
        conditions=(_payee_itemization(),),
    )


def _schedule_f() -> PartSpec:
    return PartSpec(
        "schedule_f",
        "Schedule F: accrued expenses (unpaid bills)",
        PartKind.LINES,
        (
            FieldSpec("creditor_name", "Creditor's name", required=True),
            *_address("", "Creditor's"),
            FieldSpec("code", "Payment code", FieldType.CODE, choices=PAYMENT_CODES),
            FieldSpec("description", "Description of goods or services", required=True, max_length=DESCRIPTION_LENGTH),
            _amount("balance_beginning", "Outstanding balance at the beginning of the period"),
            _amount("amount_incurred", "Amount incurred this period"),
            _amount("amount_paid", "Amount paid this period"),
            _amount("balance_end", "Outstanding balance at the close of the period", required=True),
            FieldSpec("transaction_id", "Transaction ID", max_length=20),
        ),
    )


def _schedule_g() -> PartSpec:
    return PartSpec(
        "schedule_g",
        "Schedule G: payments made by an agent or independent contractor",
        PartKind.LINES,
        (
            FieldSpec("agent_name", "Agent or independent contractor who paid", required=True),
            FieldSpec("date", "Date paid", FieldType.DATE, within_period=True),
            *_payee(),
            FieldSpec("code", "Payment code", FieldType.CODE, choices=PAYMENT_CODES),
            FieldSpec("description", "Description of payment", required=True, max_length=DESCRIPTION_LENGTH),
            _amount("amount", "Amount paid", required=True),
            FieldSpec("transaction_id", "Transaction ID", max_length=20),
        ),
        conditions=(_payee_itemization(),),
    )


def _schedule_h() -> PartSpec:
    individual_borrower = FieldIs("borrower_type", ("individual",))
    return PartSpec(
        "schedule_h",
        "Schedule H: loans made to others",
        PartKind.LINES,
        (
            FieldSpec("borrower_type", "Type of borrower", FieldType.CODE, required=True, choices=CONTRIBUTOR_TYPES),
            FieldSpec("borrower_name", "Borrower's name", required=True),
            *_address("", "Borrower's", required=True, private_when=individual_borrower),
            FieldSpec("loan_date", "Date of the loan", FieldType.DATE),
            FieldSpec("date_due", "Date due", FieldType.DATE),
            FieldSpec("interest_rate", "Interest rate", max_length=20),
            _amount("balance_beginning", "Outstanding balance at the beginning of the period"),
            _amount("amount_loaned", "Amount loaned this period"),
            _amount("amount_repaid", "Amount repaid this period"),
            _amount("balance_end", "Outstanding balance at the close of the period", required=True),
            _amount("interest_received", "Interest received this period"),
            _amount("original_amount", "Original amount of the loan", required=True),
            FieldSpec("transaction_id", "Transaction ID", max_length=20),
        ),
    )


def _schedule_i() -> PartSpec:
    return PartSpec(
        "schedule_i",
        "Schedule I: miscellaneous increases to cash",
        PartKind.LINES,
        (
            FieldSpec("date", "Date received", FieldType.DATE, required=True, within_period=True),
            FieldSpec("source_name", "Source's name", required=True),
            *_address("", "Source's"),
            FieldSpec(
                "description", "Description (interest, refund, rebate)", required=True, max_length=DESCRIPTION_LENGTH
            ),
            _amount("amount", "Amount", required=True),
            FieldSpec("transaction_id", "Transaction ID", max_length=20),
        ),
        conditions=(RequiredWhen(("street", "city", "state", "zip"), "amount", ITEMIZATION_THRESHOLD),),
    )


def _summary(field: str) -> FieldRef:
    return FieldRef("summary", field)


F460 = FormDeclaration(
    "F460",
    "Recipient Committee Campaign Statement",
    FormKind.REPORT,
    description=(
        "The periodic campaign statement of a recipient committee: contributions received, loans, payments made "
        "and cash, itemized on Schedules A to I and totalled on the summary page."
    ),
    entity_types=(*COMMITTEES, CANDIDATE),
    parts=(
        _committee_cover(),
        _summary_460(),
        _schedule_a(),
        _schedule_b(),
        _schedule_c(),
        _schedule_d(),
        _schedule_e(),
        _schedule_f(),
        _schedule_g(),
        _schedule_h(),
        _schedule_i(),
    ),
    rules=(
        SumOfLines(
            _summary("monetary_contributions"),
            FieldRef("schedule_a", "amount"),
            plus=(_summary("unitemized_monetary_contributions"),),
        ),
        SumOfLines(
            _summary("loans_received"),
            FieldRef("schedule_b", "amount_received"),
            less=(FieldRef("schedule_b", "amount_repaid_or_forgiven"),),
        ),
        SumOfFields(
            _summary("subtotal_cash_contributions"), (_summary("monetary_contributions"), _summary("loans_received"))
        ),
        SumOfLines(
            _summary("nonmonetary_contributions"),
            FieldRef("schedule_c", "amount"),
            plus=(_summary("unitemized_nonmonetary_contributions"),),
        ),
        SumOfFields(
            _summary("contributions_received"),
            (_summary("subtotal_cash_contributions"), _summary("nonmonetary_contributions")),
        ),
        SumOfLines(
            _summary("payments_made"), FieldRef("schedule_e", "amount"), plus=(_summary("unitemized_payments"),)
        ),
        SumOfLines(
            _summary("loans_made"),
            FieldRef("schedule_h", "amount_loaned"),
            less=(FieldRef("schedule_h", "amount_repaid"),),
        ),
        SumOfFields(_summary("subtotal_cash_payments"), (_summary("payments_made"), _summary("loans_made"))),
        SumOfLines(
            _summary("accrued_expenses"),
            FieldRef("schedule_f", "amount_incurred"),
            less=(FieldRef("schedule_f", "amount_paid"),),
        ),
        SumOfFields(_summary("nonmonetary_adjustment"), (_summary("nonmonetary_contributions"),)),
        SumOfFields(
            _summary("expenditures_made"),
            (_summary("subtotal_cash_payments"), _summary("accrued_expenses"), _summary("nonmonetary_adjustment")),
        ),
        SumOfFields(_summary("cash_receipts"), (_summary("subtotal_cash_contributions"),)),
        SumOfLines(
            _summary("miscellaneous_increases"),
            FieldRef("schedule_i", "amount"),
            plus=(_summary("unitemized_miscellaneous_increases"),),
        ),
        SumOfFields(_summary("cash_payments"), (_summary("subtotal_cash_payments"),)),
        SumOfFields(
            _summary("ending_cash_balance"),
            (_summary("beginning_cash_balance"), _summary("cash_receipts"), _summary("miscellaneous_increases")),
            less=(_summary("cash_payments"),),
        ),
        PeriodMatchesCalendar(),
    ),
    has_period=True,
    totals=(
        _summary("contributions_received"),
        _summary("expenditures_made"),
        _summary("ending_cash_balance"),
    ),
    # The amount the statement reports: the period's total contributions received (line 5) and total
    # expenditures made (line 11); the cash balance is not activity.
    reported_activity=("contributions_received", "expenditures_made"),
)


# Form 450


F450 = FormDeclaration(
    "F450",
    "Recipient Committee Campaign Statement (Short Form)",
    FormKind.REPORT,
    description=(
        "The short campaign statement of a committee that neither received contributions nor made expenditures "
        "of $2,000 or more in the calendar year: totals and its payments of $100 or more."
    ),
    entity_types=COMMITTEES,
    parts=(
        _committee_cover(),
        PartSpec(
            "summary",
            "Summary",
            PartKind.RECORD,
            (
                _amount("beginning_cash_balance", "Line 1: Beginning cash balance", required=True, signed=True),
                _amount("contributions_received", "Line 2: Total contributions received", required=True),
                _amount("payments_made", "Line 3: Total payments made", required=True),
                _amount("ending_cash_balance", "Line 4: Ending cash balance", required=True, signed=True),
                _amount("unitemized_payments", "Payments under $100 not itemized"),
                _amount("contributions_received_calendar_year", "Contributions received, calendar year"),
                _amount("payments_made_calendar_year", "Payments made, calendar year"),
            ),
            required=True,
        ),
        PartSpec(
            "payments",
            "Payments made of $100 or more",
            PartKind.LINES,
            (
                FieldSpec("date", "Date paid", FieldType.DATE, within_period=True),
                *_payee(),
                FieldSpec("code", "Payment code", FieldType.CODE, choices=PAYMENT_CODES),
                FieldSpec("description", "Description of payment", required=True, max_length=DESCRIPTION_LENGTH),
                _amount("amount", "Amount paid", required=True),
                FieldSpec("transaction_id", "Transaction ID", max_length=20),
            ),
            conditions=(_payee_itemization(),),
        ),
    ),
    rules=(
        SumOfLines(_summary("payments_made"), FieldRef("payments", "amount"), plus=(_summary("unitemized_payments"),)),
        SumOfFields(
            _summary("ending_cash_balance"),
            (_summary("beginning_cash_balance"), _summary("contributions_received")),
            less=(_summary("payments_made"),),
        ),
        PeriodMatchesCalendar(),
    ),
    has_period=True,
    totals=(_summary("contributions_received"), _summary("payments_made"), _summary("ending_cash_balance")),
    # The amount the statement reports: the period's contributions received and payments made.
    reported_activity=("contributions_received", "payments_made"),
)


# Form 461


def _contributions_and_expenditures_made() -> PartSpec:
    """Contributions and independent expenditures made to or for candidates, committees and measures."""
    return PartSpec(
        "contributions_made",
        "Contributions and independent expenditures made",
        PartKind.LINES,
        (
            FieldSpec("date", "Date made", FieldType.DATE, required=True, within_period=True),
            FieldSpec("recipient_name", "Recipient's name (committee or payee)", required=True),
            *_address("", "Recipient's"),
            FieldSpec("recipient_id", "Recipient committee's ID", FieldType.ENTITY_ID),
            FieldSpec("candidate_or_measure", "Candidate's name or measure's title"),
            FieldSpec("office_or_measure_number", "Office sought, or ballot number or letter", max_length=100),
            FieldSpec("support_or_oppose", "Support or oppose", FieldType.CODE, choices=SUPPORT_OR_OPPOSE),
            FieldSpec(
                "kind",
                "Monetary, nonmonetary or independent expenditure",
                FieldType.CODE,
                required=True,
                choices=("monetary", "nonmonetary", "independent_expenditure"),
            ),
            FieldSpec("description", "Description, for nonmonetary and independent expenditures"),
            _amount("amount", "Amount", required=True),
            FieldSpec("transaction_id", "Transaction ID", max_length=20),
        ),
    )


def _contributions_received(label: str) -> PartSpec:
    return PartSpec(
        "contributions_received",
        label,
        PartKind.LINES,
        (
            FieldSpec("date", "Date received", FieldType.DATE, required=True, within_period=True),
            *_contributor(),
            _amount("amount", "Amount received", required=True),
            FieldSpec("transaction_id", "Transaction ID", max_length=20),
        ),
        conditions=_itemization(),
    )


F461 = FormDeclaration(
    "F461",
    "Major Donor and Independent Expenditure Committee Statement",
    FormKind.REPORT,
    description=(
        "The campaign statement of a major donor ($10,000 or more in contributions in a year) or an independent "
        "expenditure committee: contributions and independent expenditures made, and contributions received."
    ),
    entity_types=(MAJOR_DONOR, INDEPENDENT_EXPENDITURE_COMMITTEE),
    parts=(
        PartSpec(
            "cover",
            "Cover page",
            PartKind.RECORD,
            (
                FieldSpec("filer_name", "Name of filer", required=True),
                *_address("", "Filer's", required=True),
                FieldSpec("phone", "Filer's telephone", max_length=PHONE_LENGTH),
                FieldSpec("email", "Filer's email address", FieldType.EMAIL, max_length=254),
                FieldSpec(
                    "filer_type",
                    "Type of filer",
                    FieldType.CODE,
                    required=True,
                    choices=(MAJOR_DONOR, INDEPENDENT_EXPENDITURE_COMMITTEE),
                ),
                FieldSpec("responsible_officer", "Treasurer or responsible officer", required=True),
                FieldSpec(
                    "statement_type", "Type of statement", FieldType.CODE, required=True, choices=STATEMENT_TYPES
                ),
                FieldSpec(
                    "business_activity", "Nature of business, for a business entity", max_length=DESCRIPTION_LENGTH
                ),
            ),
            required=True,
        ),
        PartSpec(
            "summary",
            "Summary",
            PartKind.RECORD,
            (
                _amount(
                    "contributions_and_expenditures_made",
                    "Total contributions and independent expenditures made",
                    required=True,
                ),
                _amount("unitemized_made", "Contributions and expenditures under $100 not itemized"),
                _amount("contributions_received", "Total contributions received"),
                _amount("unitemized_received", "Contributions received under $100 not itemized"),
                _amount("calendar_year_total", "Total made, calendar year"),
            ),
            required=True,
        ),
        _contributions_and_expenditures_made(),
        _contributions_received("Contributions received (independent expenditure committees)"),
    ),
    rules=(
        SumOfLines(
            _summary("contributions_and_expenditures_made"),
            FieldRef("contributions_made", "amount"),
            plus=(_summary("unitemized_made"),),
        ),
        SumOfLines(
            _summary("contributions_received"),
            FieldRef("contributions_received", "amount"),
            plus=(_summary("unitemized_received"),),
        ),
        PeriodMatchesCalendar(),
    ),
    has_period=True,
    totals=(_summary("contributions_and_expenditures_made"), _summary("contributions_received")),
    # The amount the statement reports: contributions and independent expenditures made, and contributions
    # received, in the period.
    reported_activity=("contributions_and_expenditures_made", "contributions_received"),
)


# Forms 496 and 497: 24-hour reports


def _filer_cover(*, with_target: bool) -> PartSpec:
    """Who files a 24-hour report and, for Form 496, the candidate or measure the expenditures concern."""
    target = (
        FieldSpec("candidate_or_measure", "Candidate's name or measure's title", required=True),
        FieldSpec("office_or_measure_number", "Office sought, or ballot number or letter", max_length=100),
        FieldSpec("jurisdiction", "Jurisdiction", max_length=100),
        FieldSpec("support_or_oppose", "Support or oppose", FieldType.CODE, required=True, choices=SUPPORT_OR_OPPOSE),
    )
    return PartSpec(
        "cover",
        "Filer",
        PartKind.RECORD,
        (
            FieldSpec("filer_name", "Name of filer", required=True),
            *_address("", "Filer's", required=True),
            FieldSpec("phone", "Filer's telephone", max_length=PHONE_LENGTH),
            FieldSpec("treasurer_name", "Treasurer or responsible officer", required=True),
            FieldSpec("election_date", "Date of the election", FieldType.DATE, required=True),
            *(target if with_target else ()),
        ),
        required=True,
    )


F497 = FormDeclaration(
    "F497",
    "24-Hour Contribution Report",
    FormKind.REPORT,
    description=(
        "Reports, within 24 hours, each contribution of $1,000 or more received or made in the 90 days before an "
        "election; the period is the day (or the two days) the report covers."
    ),
    entity_types=(*COMMITTEES, CANDIDATE, MAJOR_DONOR, INDEPENDENT_EXPENDITURE_COMMITTEE),
    parts=(
        _filer_cover(with_target=False),
        PartSpec(
            "contributions_received",
            "Contributions received",
            PartKind.LINES,
            (
                FieldSpec("date", "Date received", FieldType.DATE, required=True, within_period=True),
                *_contributor(),
                _amount("amount", "Amount received", required=True),
                FieldSpec("transaction_id", "Transaction ID", max_length=20),
            ),
            conditions=(
                *_itemization(),
                MinimumAmount(
                    "amount",
                    TWENTY_FOUR_HOUR_THRESHOLD,
                    "A 24-hour report lists contributions of $1,000 or more; smaller ones go on the next statement.",
                ),
            ),
        ),
        PartSpec(
            "contributions_made",
            "Contributions made",
            PartKind.LINES,
            (
                FieldSpec("date", "Date made", FieldType.DATE, required=True, within_period=True),
                FieldSpec("recipient_name", "Recipient committee's or candidate's name", required=True),
                *_address("", "Recipient's"),
                FieldSpec("recipient_id", "Recipient committee's ID", FieldType.ENTITY_ID),
                FieldSpec("candidate_or_measure", "Candidate's name or measure's title"),
                FieldSpec("office_or_measure_number", "Office sought, or ballot number or letter", max_length=100),
                _amount("amount", "Amount", required=True),
                FieldSpec("transaction_id", "Transaction ID", max_length=20),
            ),
            conditions=(
                MinimumAmount(
                    "amount",
                    TWENTY_FOUR_HOUR_THRESHOLD,
                    "A 24-hour report lists contributions of $1,000 or more; smaller ones go on the next statement.",
                ),
            ),
        ),
    ),
    rules=(OneOfParts(("contributions_received", "contributions_made")), PeriodMatchesCalendar()),
    has_period=True,
    totals=(FieldRef("contributions_received", "amount"), FieldRef("contributions_made", "amount")),
    # The amount the report reports: the sum of the contributions it lists, received and made.
    reported_activity=("contributions_received", "contributions_made"),
)


F496 = FormDeclaration(
    "F496",
    "24-Hour Independent Expenditure Report",
    FormKind.REPORT,
    description=(
        "Reports, within 24 hours, independent expenditures of $1,000 or more made in the 90 days before an "
        "election for or against one candidate or measure, and the contributions received to pay for them."
    ),
    entity_types=(*COMMITTEES, MAJOR_DONOR, INDEPENDENT_EXPENDITURE_COMMITTEE),
    parts=(
        _filer_cover(with_target=True),
        PartSpec(
            "expenditures",
            "Independent expenditures made",
            PartKind.LINES,
            (
                FieldSpec("date", "Date made", FieldType.DATE, required=True, within_period=True),
                FieldSpec(
                    "description", "Description of the expenditure", required=True, max_length=DESCRIPTION_LENGTH
                ),
                FieldSpec("payee_name", "Payee's name"),
                _amount("amount", "Amount", required=True),
                FieldSpec("transaction_id", "Transaction ID", max_length=20),
            ),
            required=True,
        ),
        _contributions_received("Contributions of $100 or more received since the last report"),
    ),
    rules=(PeriodMatchesCalendar(),),
    has_period=True,
    totals=(FieldRef("expenditures", "amount"), FieldRef("contributions_received", "amount")),
    # The amount the report reports: the independent expenditures it lists and the contributions received.
    reported_activity=("expenditures", "contributions_received"),
)


DECLARATIONS: tuple[FormDeclaration, ...] = (F410, F501, F460, F450, F461, F496, F497)
