"""Lobbying forms: registrations (601, 602, 603, 604, 606, 607) and quarterly reports (615, 625, 635, 645).

Addresses of businesses that register (firms, employers, coalitions) are public; street addresses, telephone
numbers and email addresses of people are not, nor is any email address given for notices.

An employer or coalition that only hires a lobbying firm, and a person spending $5,000 or more to influence,
have no registration form: their first Form 635 or 645, filed without entity_id, registers them.
"""

from __future__ import annotations

from filings.domain.entities import EntityType
from filings.domain.forms.declaration import (
    AtLeastField,
    EntityEffect,
    FieldRef,
    FieldSpec,
    FieldType,
    FormDeclaration,
    FormKind,
    PartKind,
    PartSpec,
    PeriodMatchesCalendar,
    SumOfFields,
    SumOfLines,
)

LOBBYIST = EntityType.LOBBYIST.value
LOBBYING_FIRM = EntityType.LOBBYING_FIRM.value
LOBBYIST_EMPLOYER = EntityType.LOBBYIST_EMPLOYER.value
LOBBYING_COALITION = EntityType.LOBBYING_COALITION.value
PERSON_SPENDING_TO_INFLUENCE = EntityType.PERSON_SPENDING_TO_INFLUENCE.value

PHONE_LENGTH = 30
DESCRIPTION_LENGTH = 500
LONG_DESCRIPTION_LENGTH = 2000


def _address(prefix: str, whose: str, *, street_public: bool, required: bool = False) -> tuple[FieldSpec, ...]:
    """Street, city, state and ZIP fields named `<prefix>street` ..., labelled for `whose` address."""
    return (
        FieldSpec(f"{prefix}street", f"{whose} street address", required=required, public=street_public),
        FieldSpec(f"{prefix}city", f"{whose} city", required=required, max_length=100),
        FieldSpec(f"{prefix}state", f"{whose} state", FieldType.STATE, required=required),
        FieldSpec(f"{prefix}zip", f"{whose} ZIP code", FieldType.ZIP, required=required),
    )


def _business_contact(whose: str) -> tuple[FieldSpec, ...]:
    """The public business address and telephone of a registering organization, and its private notice email."""
    return (
        *_address("", f"{whose} business", street_public=True, required=True),
        FieldSpec("phone", f"{whose} business telephone", required=True, max_length=PHONE_LENGTH),
        FieldSpec("email", "Email address for notices", FieldType.EMAIL, required=True, public=False, max_length=254),
    )


def _amount(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, label, FieldType.AMOUNT, required=True)


def _first_filer_contact(whose: str, *, street_public: bool) -> tuple[FieldSpec, ...]:
    """The address, telephone and notice email a first report records of its filer (optional on later reports)."""
    return (
        *_address("", whose, street_public=street_public),
        FieldSpec("phone", f"{whose} telephone", public=street_public, max_length=PHONE_LENGTH),
        FieldSpec("email", "Email address for notices", FieldType.EMAIL, public=False, max_length=254),
    )


def _first_filer_record(name: FieldRef, *, entity_type: FieldRef | None = None) -> dict[str, FieldRef]:
    """The entity record a first report states: its filer's name, type when the form has several, and contact."""
    part = name.part
    record = {"name": name, **{field: FieldRef(part, field) for field in ("street", "city", "state", "zip", "email")}}
    if entity_type is not None:
        record["entity_type"] = entity_type
    return record


def _responsible_officer(whose: str) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("responsible_officer_name", f"Responsible officer of the {whose}", required=True),
        FieldSpec("responsible_officer_title", "Responsible officer's title"),
    )


SESSION_INCLUDES_PERIOD = AtLeastField("session_total", "amount")
"""A session's running total includes this period's amount (a smaller one is likely a typing slip)."""

LEGISLATIVE_SESSION = FieldSpec(
    "legislative_session", "Legislative session (two years, such as 2025-2026)", required=True, max_length=9
)


def _activity_expenses() -> PartSpec:
    """Gifts, meals and other benefits given to officials: who was paid, who benefited, and how much."""
    return PartSpec(
        "activity_expenses",
        "Gifts, meals and other benefits for officials (activity expenses)",
        PartKind.LINES,
        (
            FieldSpec("expense_date", "Date of the expense", FieldType.DATE, required=True, within_period=True),
            FieldSpec("payee_name", "Who was paid", required=True),
            *_address("payee_", "Payee's", street_public=False),
            FieldSpec("beneficiary_name", "Official or family member who benefited", required=True),
            FieldSpec("beneficiary_position", "Their position, such as Member of the Assembly", required=True),
            FieldSpec("description", "What was given", required=True, max_length=DESCRIPTION_LENGTH),
            _amount("amount", "Amount spent"),
        ),
    )


def _contributions_made(*, delivered: bool = False) -> PartSpec:
    """Campaign contributions of $100 or more made (and for a lobbyist, delivered) during the period."""
    delivered_by = (
        (FieldSpec("contributor_name", "Who made the contribution, when the lobbyist only delivered it"),)
        if delivered
        else ()
    )
    return PartSpec(
        "contributions",
        "Campaign contributions made or delivered" if delivered else "Campaign contributions made",
        PartKind.LINES,
        (
            FieldSpec(
                "contribution_date", "Date of the contribution", FieldType.DATE, required=True, within_period=True
            ),
            FieldSpec("recipient_name", "Candidate or committee that received it", required=True),
            FieldSpec("recipient_id", "Recipient committee's filer ID", FieldType.ENTITY_ID),
            *delivered_by,
            _amount("amount", "Amount contributed"),
        ),
    )


def _actions_lobbied() -> PartSpec:
    return PartSpec(
        "actions_lobbied",
        "Bills and state agency actions lobbied during the period",
        PartKind.LINES,
        (
            FieldSpec("bill_or_action", "Bill number or administrative action", required=True),
            FieldSpec("agency", "State agency, for an administrative action"),
            FieldSpec("description", "What the bill or action is about", max_length=DESCRIPTION_LENGTH),
        ),
    )


def _payments_to_influence(name: str, label: str) -> PartSpec:
    """Payments other than activity expenses made to influence legislative or administrative action."""
    return PartSpec(
        name,
        label,
        PartKind.LINES,
        (
            FieldSpec("payment_date", "Date of the payment", FieldType.DATE, required=True, within_period=True),
            FieldSpec("payee_name", "Who was paid", required=True),
            *_address("payee_", "Payee's", street_public=False),
            FieldSpec("description", "What the payment was for", required=True, max_length=DESCRIPTION_LENGTH),
            _amount("amount", "Amount paid"),
        ),
    )


def _lobbyists(name: str, label: str, *, required: bool = False) -> PartSpec:
    return PartSpec(
        name,
        label,
        PartKind.LINES,
        (
            FieldSpec("lobbyist_name", "Lobbyist's name", required=True),
            FieldSpec("lobbyist_id", "Lobbyist's filer ID", FieldType.ENTITY_ID),
        ),
        required=required,
    )


F601 = FormDeclaration(
    "F601",
    "Lobbying Firm Registration Statement",
    FormKind.REGISTRATION,
    description=(
        "Registers a lobbying firm (including an individual contract lobbyist) for a legislative session: "
        "its address, responsible officer, lobbyists and clients. Filed again to renew each session."
    ),
    entity_types=(LOBBYING_FIRM,),
    effect=EntityEffect.REGISTERS,
    parts=(
        PartSpec(
            "cover",
            "Lobbying firm",
            PartKind.RECORD,
            (
                FieldSpec("firm_name", "Lobbying firm's name", required=True),
                *_business_contact("Firm's"),
                LEGISLATIVE_SESSION,
                FieldSpec("qualified_on", "Date the firm qualified as a lobbying firm", FieldType.DATE, required=True),
                *_responsible_officer("firm"),
                FieldSpec("ceased_on", "Date the firm withdrew or stopped lobbying, if it has", FieldType.DATE),
            ),
            required=True,
        ),
        PartSpec(
            "partners",
            "Partners, owners and officers",
            PartKind.LINES,
            (
                FieldSpec("partner_name", "Name", required=True),
                FieldSpec("partner_title", "Title, such as partner or owner"),
            ),
        ),
        _lobbyists("lobbyists", "Lobbyists of the firm", required=True),
        PartSpec(
            "clients",
            "Clients the firm lobbies for",
            PartKind.LINES,
            (
                FieldSpec("client_name", "Client's name", required=True),
                FieldSpec("client_id", "Client's filer ID", FieldType.ENTITY_ID),
                *_address("client_", "Client's", street_public=False),
                FieldSpec("client_phone", "Client's telephone", public=False, max_length=PHONE_LENGTH),
                FieldSpec("lobbying_since", "Date the firm began lobbying for the client", FieldType.DATE),
                FieldSpec(
                    "subcontracting_firm_name", "Lobbying firm that subcontracted this client to the firm, if any"
                ),
                FieldSpec(
                    "lobbying_interests", "What the firm lobbies on for the client", max_length=DESCRIPTION_LENGTH
                ),
            ),
        ),
    ),
    entity_fields={
        "name": FieldRef("cover", "firm_name"),
        "street": FieldRef("cover", "street"),
        "city": FieldRef("cover", "city"),
        "state": FieldRef("cover", "state"),
        "zip": FieldRef("cover", "zip"),
        "email": FieldRef("cover", "email"),
        "treasurer_name": FieldRef("cover", "responsible_officer_name"),
    },
    terminates=FieldRef("cover", "ceased_on"),
)

F602 = FormDeclaration(
    "F602",
    "Lobbying Firm Activity Authorization",
    FormKind.REGISTRATION,
    description=(
        "A client's authorization for a lobbying firm to lobby on its behalf, filed with the firm's registration "
        "or when the firm adds a client; it describes the client's business and lobbying interests."
    ),
    entity_types=(LOBBYING_FIRM,),
    parts=(
        PartSpec(
            "cover",
            "Lobbying firm",
            PartKind.RECORD,
            (
                FieldSpec("firm_name", "Lobbying firm's name", required=True),
                LEGISLATIVE_SESSION,
            ),
            required=True,
        ),
        PartSpec(
            "authorizations",
            "Clients authorizing the firm to lobby for them",
            PartKind.LINES,
            (
                FieldSpec("client_name", "Client's name", required=True),
                FieldSpec("client_id", "Client's filer ID", FieldType.ENTITY_ID),
                *_address("client_", "Client's", street_public=False, required=True),
                FieldSpec("client_phone", "Client's telephone", public=False, max_length=PHONE_LENGTH),
                FieldSpec("authorized_on", "Date the client authorized the firm", FieldType.DATE, required=True),
                FieldSpec("authorized_by", "Person who signed for the client", required=True),
                FieldSpec("authorized_by_title", "Their title"),
                FieldSpec("nature_of_business", "What the client does", required=True, max_length=DESCRIPTION_LENGTH),
                FieldSpec(
                    "lobbying_interests", "What the client lobbies on", required=True, max_length=DESCRIPTION_LENGTH
                ),
                FieldSpec(
                    "subcontracting_firm_name", "Lobbying firm that subcontracted this client to the firm, if any"
                ),
                FieldSpec("subcontracting_firm_id", "That firm's filer ID", FieldType.ENTITY_ID),
            ),
            required=True,
        ),
    ),
)

F603 = FormDeclaration(
    "F603",
    "Lobbyist Employer or Lobbying Coalition Registration Statement",
    FormKind.REGISTRATION,
    description=(
        "Registers an organization that employs an in-house lobbyist, or a coalition of ten or more members that "
        "pool funds to lobby, for a legislative session: its address, business, interests and lobbyists."
    ),
    entity_types=(LOBBYIST_EMPLOYER, LOBBYING_COALITION),
    effect=EntityEffect.REGISTERS,
    parts=(
        PartSpec(
            "cover",
            "Lobbyist employer or coalition",
            PartKind.RECORD,
            (
                FieldSpec("name", "Employer's or coalition's name", required=True),
                FieldSpec(
                    "registrant_type",
                    "Registers as a lobbyist employer or a lobbying coalition",
                    FieldType.CODE,
                    required=True,
                    choices=(LOBBYIST_EMPLOYER, LOBBYING_COALITION),
                ),
                *_business_contact("Business"),
                LEGISLATIVE_SESSION,
                FieldSpec("qualified_on", "Date it qualified to register", FieldType.DATE, required=True),
                *_responsible_officer("employer or coalition"),
                FieldSpec(
                    "nature_of_business",
                    "What the employer does, or who the coalition's members are",
                    required=True,
                    max_length=DESCRIPTION_LENGTH,
                ),
                FieldSpec(
                    "lobbying_interests",
                    "Bills and state agency actions it lobbies on",
                    required=True,
                    max_length=LONG_DESCRIPTION_LENGTH,
                ),
                FieldSpec("ceased_on", "Date it withdrew or stopped lobbying, if it has", FieldType.DATE),
            ),
            required=True,
        ),
        _lobbyists("in_house_lobbyists", "In-house lobbyists"),
        PartSpec(
            "lobbying_firms",
            "Lobbying firms hired",
            PartKind.LINES,
            (
                FieldSpec("firm_name", "Lobbying firm's name", required=True),
                FieldSpec("firm_id", "Lobbying firm's filer ID", FieldType.ENTITY_ID),
                FieldSpec("hired_on", "Date the firm was hired", FieldType.DATE),
            ),
        ),
        PartSpec(
            "coalition_members",
            "Coalition members",
            PartKind.LINES,
            (
                FieldSpec("member_name", "Member's name", required=True),
                *_address("member_", "Member's", street_public=False),
            ),
        ),
    ),
    entity_fields={
        "name": FieldRef("cover", "name"),
        "entity_type": FieldRef("cover", "registrant_type"),
        "street": FieldRef("cover", "street"),
        "city": FieldRef("cover", "city"),
        "state": FieldRef("cover", "state"),
        "zip": FieldRef("cover", "zip"),
        "email": FieldRef("cover", "email"),
        "treasurer_name": FieldRef("cover", "responsible_officer_name"),
    },
    terminates=FieldRef("cover", "ceased_on"),
)

F604 = FormDeclaration(
    "F604",
    "Lobbyist Certification Statement",
    FormKind.REGISTRATION,
    description=(
        "Certifies an individual as a lobbyist for a legislative session: the firm or employer the lobbyist works "
        "for and when the lobbyist completed the required ethics course."
    ),
    entity_types=(LOBBYIST,),
    effect=EntityEffect.REGISTERS,
    parts=(
        PartSpec(
            "cover",
            "Lobbyist",
            PartKind.RECORD,
            (
                FieldSpec("lobbyist_name", "Lobbyist's name", required=True),
                *_address("", "Lobbyist's business", street_public=False, required=True),
                FieldSpec("phone", "Lobbyist's telephone", public=False, max_length=PHONE_LENGTH),
                FieldSpec(
                    "email", "Email address for notices", FieldType.EMAIL, required=True, public=False, max_length=254
                ),
                LEGISLATIVE_SESSION,
                FieldSpec("employer_name", "Lobbying firm or employer the lobbyist works for", required=True),
                FieldSpec("employer_id", "That firm's or employer's filer ID", FieldType.ENTITY_ID, required=True),
                FieldSpec("qualified_on", "Date the lobbyist qualified as a lobbyist", FieldType.DATE, required=True),
                FieldSpec(
                    "ethics_course_completed_on",
                    "Date the lobbyist completed the ethics course",
                    FieldType.DATE,
                    required=True,
                ),
                FieldSpec(
                    "placement_agent", "Also acts as a placement agent for public pension funds", FieldType.BOOLEAN
                ),
            ),
            required=True,
        ),
    ),
    entity_fields={
        "name": FieldRef("cover", "lobbyist_name"),
        "street": FieldRef("cover", "street"),
        "city": FieldRef("cover", "city"),
        "state": FieldRef("cover", "state"),
        "zip": FieldRef("cover", "zip"),
        "email": FieldRef("cover", "email"),
    },
)

F606 = FormDeclaration(
    "F606",
    "Notice of Termination",
    FormKind.REGISTRATION,
    description=(
        "Ends the registration of a lobbyist, lobbying firm, lobbyist employer or lobbying coalition that stopped "
        "all lobbying; a final quarterly report covers the quarter the termination takes effect."
    ),
    entity_types=(LOBBYIST, LOBBYING_FIRM, LOBBYIST_EMPLOYER, LOBBYING_COALITION),
    parts=(
        PartSpec(
            "cover",
            "Termination",
            PartKind.RECORD,
            (
                FieldSpec("registrant_name", "Name of the lobbyist, firm, employer or coalition", required=True),
                LEGISLATIVE_SESSION,
                FieldSpec("terminated_on", "Date all lobbying stopped", FieldType.DATE, required=True),
            ),
            required=True,
        ),
    ),
    terminates=FieldRef("cover", "terminated_on"),
)

F607 = FormDeclaration(
    "F607",
    "Notice of Withdrawal",
    FormKind.REGISTRATION,
    description=(
        "Withdraws the registration of a lobbying firm or lobbyist that never met the definition, which relieves "
        "it of the quarterly reports that registration would have required."
    ),
    entity_types=(LOBBYIST, LOBBYING_FIRM),
    parts=(
        PartSpec(
            "cover",
            "Withdrawal",
            PartKind.RECORD,
            (
                FieldSpec("registrant_name", "Name of the lobbyist or lobbying firm", required=True),
                LEGISLATIVE_SESSION,
                FieldSpec("registered_on", "Date the registration being withdrawn was filed", FieldType.DATE),
                FieldSpec("withdrawn_on", "Date the registration is withdrawn", FieldType.DATE, required=True),
                FieldSpec("reason", "Why it never qualified", max_length=DESCRIPTION_LENGTH),
            ),
            required=True,
        ),
    ),
    terminates=FieldRef("cover", "withdrawn_on"),
)

F615 = FormDeclaration(
    "F615",
    "Lobbyist Report",
    FormKind.REPORT,
    description=(
        "A lobbyist's quarterly report of the activity expenses the lobbyist paid or arranged and the campaign "
        "contributions the lobbyist made or delivered."
    ),
    entity_types=(LOBBYIST,),
    has_period=True,
    parts=(
        PartSpec(
            "cover",
            "Lobbyist",
            PartKind.RECORD,
            (
                FieldSpec("lobbyist_name", "Lobbyist's name", required=True),
                FieldSpec("employer_name", "Lobbying firm or employer the lobbyist works for", required=True),
                FieldSpec("employer_id", "That firm's or employer's filer ID", FieldType.ENTITY_ID),
            ),
            required=True,
        ),
        _activity_expenses(),
        _contributions_made(delivered=True),
        PartSpec(
            "summary",
            "Totals for the period",
            PartKind.RECORD,
            (
                _amount("total_activity_expenses", "Total activity expenses"),
                _amount("total_contributions", "Total campaign contributions made or delivered"),
            ),
            required=True,
        ),
    ),
    rules=(
        SumOfLines(FieldRef("summary", "total_activity_expenses"), FieldRef("activity_expenses", "amount")),
        SumOfLines(FieldRef("summary", "total_contributions"), FieldRef("contributions", "amount")),
        PeriodMatchesCalendar(),
    ),
    totals=(FieldRef("summary", "total_activity_expenses"), FieldRef("summary", "total_contributions")),
    # The amount the report reports: the lobbyist's activity expenses and the contributions made or delivered.
    reported_activity=("total_activity_expenses", "total_contributions"),
)

F625 = FormDeclaration(
    "F625",
    "Lobbying Firm Report",
    FormKind.REPORT,
    description=(
        "A lobbying firm's quarterly report: what each client paid the firm, what the firm paid to lobby "
        "(activity expenses and other payments), and the campaign contributions it made."
    ),
    entity_types=(LOBBYING_FIRM,),
    has_period=True,
    parts=(
        PartSpec(
            "cover",
            "Lobbying firm",
            PartKind.RECORD,
            (FieldSpec("firm_name", "Lobbying firm's name", required=True),),
            required=True,
        ),
        _lobbyists("lobbyists", "Partners, owners, officers and employees who lobbied"),
        PartSpec(
            "payments_received",
            "Payments received from clients",
            PartKind.LINES,
            (
                FieldSpec("client_name", "Client's name", required=True),
                FieldSpec("client_id", "Client's filer ID", FieldType.ENTITY_ID),
                FieldSpec("client_city", "Client's city", max_length=100),
                FieldSpec("client_state", "Client's state", FieldType.STATE),
                FieldSpec(
                    "actions_lobbied",
                    "Bills and state agency actions lobbied for the client",
                    max_length=LONG_DESCRIPTION_LENGTH,
                ),
                _amount("amount", "Amount received this period, fees and reimbursements included"),
                FieldSpec("session_total", "Received from the client this legislative session", FieldType.AMOUNT),
            ),
            conditions=(SESSION_INCLUDES_PERIOD,),
        ),
        _activity_expenses(),
        _payments_to_influence("payments_made", "Other payments made to lobby, such as to subcontracted firms"),
        _contributions_made(),
        PartSpec(
            "summary",
            "Totals for the period",
            PartKind.RECORD,
            (
                _amount("total_payments_received", "Total payments received from clients"),
                _amount("total_activity_expenses", "Total activity expenses"),
                _amount("total_payments_made", "Total other payments made"),
                _amount("total_payments", "Total paid to lobby (activity expenses and other payments)"),
                _amount("total_contributions", "Total campaign contributions made"),
            ),
            required=True,
        ),
    ),
    rules=(
        SumOfLines(FieldRef("summary", "total_payments_received"), FieldRef("payments_received", "amount")),
        SumOfLines(FieldRef("summary", "total_activity_expenses"), FieldRef("activity_expenses", "amount")),
        SumOfLines(FieldRef("summary", "total_payments_made"), FieldRef("payments_made", "amount")),
        SumOfLines(FieldRef("summary", "total_contributions"), FieldRef("contributions", "amount")),
        SumOfFields(
            FieldRef("summary", "total_payments"),
            (FieldRef("summary", "total_activity_expenses"), FieldRef("summary", "total_payments_made")),
        ),
        PeriodMatchesCalendar(),
    ),
    totals=(
        FieldRef("summary", "total_payments_received"),
        FieldRef("summary", "total_payments"),
        FieldRef("summary", "total_contributions"),
    ),
    # The amount the report reports: payments received from clients, what the firm paid to lobby (activity
    # expenses and other payments) and the contributions it made.
    reported_activity=("total_payments_received", "total_payments", "total_contributions"),
)

F635 = FormDeclaration(
    "F635",
    "Lobbyist Employer or Lobbying Coalition Report",
    FormKind.REPORT,
    description=(
        "A lobbyist employer's or coalition's quarterly report: what it lobbied on, what it paid its in-house "
        "lobbyists and lobbying firms, its activity expenses and other payments, and its campaign contributions."
    ),
    entity_types=(LOBBYIST_EMPLOYER, LOBBYING_COALITION),
    has_period=True,
    effect=EntityEffect.REGISTERS_ON_FIRST_FILING,
    parts=(
        PartSpec(
            "cover",
            "Lobbyist employer or coalition",
            PartKind.RECORD,
            (
                FieldSpec("name", "Employer's or coalition's name", required=True),
                FieldSpec(
                    "filer_type",
                    "Files as a lobbyist employer or a lobbying coalition (needed on a first report)",
                    FieldType.CODE,
                    choices=(LOBBYIST_EMPLOYER, LOBBYING_COALITION),
                ),
                *_first_filer_contact("Business", street_public=True),
            ),
            required=True,
        ),
        _actions_lobbied(),
        _lobbyists("in_house_lobbyists", "In-house lobbyists"),
        PartSpec(
            "payments_to_firms",
            "Payments to lobbying firms",
            PartKind.LINES,
            (
                FieldSpec("firm_name", "Lobbying firm's name", required=True),
                FieldSpec("firm_id", "Lobbying firm's filer ID", FieldType.ENTITY_ID),
                _amount("amount", "Amount paid this period, fees and reimbursements included"),
                FieldSpec("session_total", "Paid to the firm this legislative session", FieldType.AMOUNT),
            ),
            conditions=(SESSION_INCLUDES_PERIOD,),
        ),
        _activity_expenses(),
        _payments_to_influence("other_payments", "Other payments to influence legislative or administrative action"),
        _contributions_made(),
        PartSpec(
            "summary",
            "Totals for the period",
            PartKind.RECORD,
            (
                _amount("in_house_lobbyist_payments", "Paid to in-house lobbyists"),
                _amount("total_payments_to_firms", "Total paid to lobbying firms"),
                _amount("total_activity_expenses", "Total activity expenses"),
                _amount("total_other_payments", "Total other payments to influence"),
                _amount("total_payments", "Total paid to lobby this period"),
                FieldSpec("session_total", "Total paid to lobby this legislative session", FieldType.AMOUNT),
                _amount("total_contributions", "Total campaign contributions made"),
            ),
            conditions=(AtLeastField("session_total", "total_payments"),),
            required=True,
        ),
    ),
    rules=(
        SumOfLines(FieldRef("summary", "total_payments_to_firms"), FieldRef("payments_to_firms", "amount")),
        SumOfLines(FieldRef("summary", "total_activity_expenses"), FieldRef("activity_expenses", "amount")),
        SumOfLines(FieldRef("summary", "total_other_payments"), FieldRef("other_payments", "amount")),
        SumOfLines(FieldRef("summary", "total_contributions"), FieldRef("contributions", "amount")),
        SumOfFields(
            FieldRef("summary", "total_payments"),
            (
                FieldRef("summary", "in_house_lobbyist_payments"),
                FieldRef("summary", "total_payments_to_firms"),
                FieldRef("summary", "total_activity_expenses"),
                FieldRef("summary", "total_other_payments"),
            ),
        ),
        PeriodMatchesCalendar(),
    ),
    totals=(FieldRef("summary", "total_payments"), FieldRef("summary", "total_contributions")),
    # The amount the report reports: what the employer or coalition paid to lobby this period (in-house
    # lobbyists, firms, activity expenses, other payments) and the contributions it made.
    reported_activity=("total_payments", "total_contributions"),
    entity_fields=_first_filer_record(FieldRef("cover", "name"), entity_type=FieldRef("cover", "filer_type")),
)

F645 = FormDeclaration(
    "F645",
    "Report of Person Spending $5,000 or More",
    FormKind.REPORT,
    description=(
        "The quarterly report of a person who, without employing a lobbyist, spent $5,000 or more in the quarter "
        "to influence legislative or administrative action."
    ),
    entity_types=(PERSON_SPENDING_TO_INFLUENCE,),
    has_period=True,
    effect=EntityEffect.REGISTERS_ON_FIRST_FILING,
    parts=(
        PartSpec(
            "cover",
            "Person filing",
            PartKind.RECORD,
            (
                FieldSpec("filer_name", "Name of the person filing", required=True),
                # The filer may be an individual: a street address and telephone stay private.
                *_first_filer_contact("Filer's", street_public=False),
            ),
            required=True,
        ),
        _actions_lobbied(),
        _activity_expenses(),
        _payments_to_influence("other_payments", "Other payments to influence legislative or administrative action"),
        _contributions_made(),
        PartSpec(
            "summary",
            "Totals for the period",
            PartKind.RECORD,
            (
                _amount("total_activity_expenses", "Total activity expenses"),
                _amount("total_other_payments", "Total other payments to influence"),
                _amount("total_payments", "Total spent to influence this period"),
                _amount("total_contributions", "Total campaign contributions made"),
            ),
            required=True,
        ),
    ),
    rules=(
        SumOfLines(FieldRef("summary", "total_activity_expenses"), FieldRef("activity_expenses", "amount")),
        SumOfLines(FieldRef("summary", "total_other_payments"), FieldRef("other_payments", "amount")),
        SumOfLines(FieldRef("summary", "total_contributions"), FieldRef("contributions", "amount")),
        SumOfFields(
            FieldRef("summary", "total_payments"),
            (FieldRef("summary", "total_activity_expenses"), FieldRef("summary", "total_other_payments")),
        ),
        PeriodMatchesCalendar(),
    ),
    totals=(FieldRef("summary", "total_payments"), FieldRef("summary", "total_contributions")),
    # The amount the report reports: what was spent to influence this period and the contributions made.
    reported_activity=("total_payments", "total_contributions"),
    entity_fields=_first_filer_record(FieldRef("cover", "filer_name")),
)

DECLARATIONS: tuple[FormDeclaration, ...] = (F601, F602, F603, F604, F606, F607, F615, F625, F635, F645)
