"""Valid example submissions of the campaign forms, keyed by form code.

One committee in Sacramento tells the story: Dana Whitfield declares for the Assembly (501), her committee
registers (410), reports its first half-year (460), and 24-hour reports follow in the fall (497, 496).
"""

from typing import Any

COMMITTEE_ID = "2000001"
"""The filer ID the examples of reports file for; a registration's original has none (it creates one)."""

SIGNER_ID = "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a"

FIRST_HALF_2026 = {"start": "2026-01-01", "end": "2026-06-30"}

COMMITTEE_NAME = "Friends of Dana Whitfield for Assembly 2026"

COMMITTEE_ADDRESS = {"street": "1127 11th Street, Suite 400", "city": "Sacramento", "state": "CA", "zip": "95814"}


def _submission(
    form: str, parts: dict[str, Any], *, entity_id: str | None = COMMITTEE_ID, period: dict[str, str] | None = None
) -> dict[str, Any]:
    document: dict[str, Any] = {"form": form}
    if entity_id is not None:
        document["entity_id"] = entity_id
    if period is not None:
        document["period"] = period
    document["verification"] = {"signer_id": SIGNER_ID, "signer_name": "Terry Okafor", "agrees": True}
    document["parts"] = parts
    return document


_COVER = {
    "committee_name": COMMITTEE_NAME,
    **COMMITTEE_ADDRESS,
    "phone": "916-555-0142",
    "email": "treasurer@whitfieldforassembly.org",
    "treasurer_name": "Terry Okafor",
    "statement_type": "semi_annual",
    "candidate_name": "Dana Whitfield",
    "office_sought": "Member of the State Assembly",
    "district": "7",
    "jurisdiction": "State of California",
}

F410 = _submission(
    "F410",
    {
        "committee": {
            "name": COMMITTEE_NAME,
            "committee_type": "recipient_committee",
            **COMMITTEE_ADDRESS,
            "phone": "916-555-0142",
            "email": "treasurer@whitfieldforassembly.org",
            "date_qualified": "2026-02-20",
            "jurisdiction": "State of California",
        },
        "treasurer": {
            "name": "Terry Okafor",
            "street": "2210 Capitol Avenue",
            "city": "Sacramento",
            "state": "CA",
            "zip": "95816",
            "phone": "916-555-0188",
            "email": "terry.okafor@example.org",
            "assistant_name": "Lee Nakamura",
        },
        "bank": {
            "bank_name": "Golden 1 Credit Union",
            "street": "8945 Cal Center Drive",
            "city": "Sacramento",
            "state": "CA",
            "zip": "95826",
            "account_number": "000123456789",
        },
        "controlling_candidates": [
            {"candidate_name": "Dana Whitfield", "office": "Member of the State Assembly", "district": "7"}
        ],
    },
    entity_id=None,
)

F501 = _submission(
    "F501",
    {
        "candidate": {
            "name": "Dana Whitfield",
            **COMMITTEE_ADDRESS,
            "email": "dana@whitfieldforassembly.org",
            "phone": "916-555-0107",
        },
        "office": {
            "office_sought": "Member of the State Assembly",
            "district": "7",
            "jurisdiction": "State of California",
            "election_year": 2026,
            "election_date": "2026-06-02",
            "expenditure_ceiling": "accepts",
        },
    },
    entity_id=None,
)

F460 = _submission(
    "F460",
    {
        "cover": _COVER,
        "summary": {
            "monetary_contributions": "4165.00",
            "loans_received": "4000.00",
            "subtotal_cash_contributions": "8165.00",
            "nonmonetary_contributions": "600.00",
            "contributions_received": "8765.00",
            "payments_made": "5105.75",
            "loans_made": "500.00",
            "subtotal_cash_payments": "5605.75",
            "accrued_expenses": "1200.00",
            "nonmonetary_adjustment": "600.00",
            "expenditures_made": "7405.75",
            "beginning_cash_balance": "1520.40",
            "cash_receipts": "8165.00",
            "miscellaneous_increases": "12.35",
            "cash_payments": "5605.75",
            "ending_cash_balance": "4092.00",
            "outstanding_debts": "5200.00",
            "contributions_received_calendar_year": "8765.00",
            "expenditures_made_calendar_year": "7405.75",
            "unitemized_monetary_contributions": "340.00",
            "unitemized_payments": "180.25",
        },
        "schedule_a": [
            {
                "date": "2026-02-03",
                "contributor_type": "individual",
                "contributor_name": "Maria Lopez",
                "street": "2731 J Street",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95816",
                "occupation": "Registered Nurse",
                "employer": "UC Davis Health",
                "amount": "250.00",
                "cumulative_to_date": "500.00",
                "transaction_id": "A-0001",
            },
            {
                "date": "2026-03-14",
                "contributor_type": "individual",
                "contributor_name": "James Chen",
                "street": "5400 Folsom Boulevard",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95819",
                "occupation": "Civil Engineer",
                "employer": "California Department of Transportation",
                "amount": "1000.00",
                "cumulative_to_date": "1000.00",
                "transaction_id": "A-0002",
            },
            {
                "date": "2026-04-22",
                "contributor_type": "committee",
                "contributor_name": "Sacramento Teachers Association PAC",
                "street": "1425 K Street",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95814",
                "committee_id": "1300456",
                "amount": "2500.00",
                "cumulative_to_date": "2500.00",
                "transaction_id": "A-0003",
            },
            {
                "date": "2026-05-30",
                "contributor_type": "individual",
                "contributor_name": "Ana Ruiz",
                "city": "Elk Grove",
                "state": "CA",
                "zip": "95624",
                "amount": "75.00",
                "cumulative_to_date": "75.00",
                "transaction_id": "A-0004",
            },
        ],
        "schedule_b": [
            {
                "lender_type": "individual",
                "lender_name": "Dana Whitfield",
                "street": "3900 Fifth Avenue",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95817",
                "occupation": "Attorney",
                "employer": "Self-employed",
                "loan_date": "2026-02-25",
                "date_due": "2027-02-25",
                "interest_rate": "0%",
                "balance_beginning": "0.00",
                "amount_received": "5000.00",
                "amount_repaid_or_forgiven": "1000.00",
                "balance_end": "4000.00",
                "original_amount": "5000.00",
                "transaction_id": "B-0001",
            }
        ],
        "schedule_c": [
            {
                "date": "2026-03-02",
                "contributor_type": "other",
                "contributor_name": "Capitol Print Works",
                "street": "1800 21st Street",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95811",
                "description": "Printing of 2,000 door hangers",
                "amount": "600.00",
                "cumulative_to_date": "600.00",
                "transaction_id": "C-0001",
            }
        ],
        "schedule_d": [
            {
                "date": "2026-05-12",
                "candidate_or_measure": "Dana Whitfield",
                "office_or_measure_number": "State Assembly, District 7",
                "jurisdiction": "State of California",
                "support_or_oppose": "support",
                "description": "Campaign mailer",
                "amount": "1850.00",
                "cumulative_to_date": "1850.00",
                "transaction_id": "D-0001",
            }
        ],
        "schedule_e": [
            {
                "date": "2026-05-12",
                "payee_name": "River City Printing",
                "street": "901 Richards Boulevard",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95811",
                "code": "LIT",
                "description": "Campaign mailer, 5,000 pieces",
                "amount": "1850.00",
                "transaction_id": "E-0001",
            },
            {
                "date": "2026-04-08",
                "payee_name": "Sacramento Polling Group",
                "street": "455 Capitol Mall, Suite 300",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95814",
                "code": "POL",
                "description": "District survey",
                "amount": "2400.00",
                "transaction_id": "E-0002",
            },
            {
                "date": "2026-03-20",
                "payee_name": "Midtown Events LLC",
                "street": "2000 P Street",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95811",
                "code": "FND",
                "description": "Fundraising reception",
                "amount": "675.50",
                "transaction_id": "E-0003",
            },
        ],
        "schedule_f": [
            {
                "creditor_name": "Sierra Media Buying",
                "street": "1215 K Street",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95814",
                "code": "TEL",
                "description": "Cable advertising placement",
                "balance_beginning": "0.00",
                "amount_incurred": "1200.00",
                "amount_paid": "0.00",
                "balance_end": "1200.00",
                "transaction_id": "F-0001",
            }
        ],
        "schedule_g": [
            {
                "agent_name": "Capitol Strategies",
                "date": "2026-04-15",
                "payee_name": "Delta Sign Company",
                "street": "7100 Franklin Boulevard",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95823",
                "code": "CMP",
                "description": "Yard signs",
                "amount": "300.00",
                "transaction_id": "G-0001",
            }
        ],
        "schedule_h": [
            {
                "borrower_type": "committee",
                "borrower_name": "Sacramento County Young Voters Committee",
                "street": "1010 F Street",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95814",
                "loan_date": "2026-06-01",
                "date_due": "2026-12-31",
                "interest_rate": "0%",
                "balance_beginning": "0.00",
                "amount_loaned": "500.00",
                "amount_repaid": "0.00",
                "balance_end": "500.00",
                "original_amount": "500.00",
                "transaction_id": "H-0001",
            }
        ],
        "schedule_i": [
            {
                "date": "2026-06-30",
                "source_name": "Golden 1 Credit Union",
                "street": "8945 Cal Center Drive",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95826",
                "description": "Interest earned",
                "amount": "12.35",
                "transaction_id": "I-0001",
            }
        ],
    },
    period=FIRST_HALF_2026,
)

F450 = _submission(
    "F450",
    {
        "cover": {
            "committee_name": "Neighbors for Land Park Library",
            "street": "1000 Sutterville Road",
            "city": "Sacramento",
            "state": "CA",
            "zip": "95822",
            "email": "treasurer@landparklibrary.org",
            "treasurer_name": "Pat Morales",
            "statement_type": "semi_annual",
            "ballot_measure": "Measure L, Sacramento Library Parcel Tax",
            "jurisdiction": "City of Sacramento",
        },
        "summary": {
            "beginning_cash_balance": "850.00",
            "contributions_received": "1200.00",
            "payments_made": "640.00",
            "ending_cash_balance": "1410.00",
            "unitemized_payments": "40.00",
        },
        "payments": [
            {
                "date": "2026-03-10",
                "payee_name": "River City Printing",
                "street": "901 Richards Boulevard",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95811",
                "code": "LIT",
                "description": "Flyers",
                "amount": "450.00",
            },
            {
                "date": "2026-04-02",
                "payee_name": "Tower Web Services",
                "street": "1518 Broadway",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95818",
                "code": "WEB",
                "description": "Website hosting for one year",
                "amount": "150.00",
            },
        ],
    },
    entity_id="2000002",
    period=FIRST_HALF_2026,
)

F461 = _submission(
    "F461",
    {
        "cover": {
            "filer_name": "Sacramento Valley Builders Association",
            "street": "3400 Watt Avenue, Suite 200",
            "city": "Sacramento",
            "state": "CA",
            "zip": "95821",
            "phone": "916-555-0175",
            "email": "finance@svba.example.org",
            "filer_type": "major_donor_committee",
            "responsible_officer": "Morgan Ellis",
            "statement_type": "semi_annual",
            "business_activity": "Trade association of home builders",
        },
        "summary": {
            "contributions_and_expenditures_made": "12500.00",
            "contributions_received": "0.00",
            "calendar_year_total": "12500.00",
        },
        "contributions_made": [
            {
                "date": "2026-03-15",
                "recipient_name": COMMITTEE_NAME,
                **COMMITTEE_ADDRESS,
                "recipient_id": COMMITTEE_ID,
                "candidate_or_measure": "Dana Whitfield",
                "office_or_measure_number": "State Assembly, District 7",
                "support_or_oppose": "support",
                "kind": "monetary",
                "amount": "5000.00",
            },
            {
                "date": "2026-05-01",
                "recipient_name": "Yes on Measure B, Sacramento Parks for All",
                "street": "1401 21st Street",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95811",
                "recipient_id": "2000003",
                "candidate_or_measure": "Measure B",
                "office_or_measure_number": "B",
                "support_or_oppose": "support",
                "kind": "monetary",
                "amount": "7500.00",
            },
        ],
    },
    entity_id="2000004",
    period=FIRST_HALF_2026,
)

F497 = _submission(
    "F497",
    {
        "cover": {
            "filer_name": COMMITTEE_NAME,
            **COMMITTEE_ADDRESS,
            "phone": "916-555-0142",
            "treasurer_name": "Terry Okafor",
            "election_date": "2026-11-03",
        },
        "contributions_received": [
            {
                "date": "2026-10-20",
                "contributor_type": "individual",
                "contributor_name": "Robert Alvarez",
                "street": "4820 T Street",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95819",
                "occupation": "Owner",
                "employer": "Alvarez Construction",
                "amount": "2000.00",
            },
            {
                "date": "2026-10-21",
                "contributor_type": "committee",
                "contributor_name": "Sacramento Firefighters Local 522 PAC",
                "street": "3101 Stockton Boulevard",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95820",
                "committee_id": "1298765",
                "amount": "5000.00",
            },
        ],
        "contributions_made": [
            {
                "date": "2026-10-21",
                "recipient_name": "Yes on Measure B, Sacramento Parks for All",
                "recipient_id": "2000003",
                "candidate_or_measure": "Measure B",
                "office_or_measure_number": "B",
                "amount": "1500.00",
            }
        ],
    },
    period={"start": "2026-10-20", "end": "2026-10-21"},
)

F496 = _submission(
    "F496",
    {
        "cover": {
            "filer_name": "Sacramento Neighbors for Safe Streets",
            "street": "2001 P Street, Suite 110",
            "city": "Sacramento",
            "state": "CA",
            "zip": "95811",
            "phone": "916-555-0133",
            "treasurer_name": "Jordan Pryce",
            "election_date": "2026-11-03",
            "candidate_or_measure": "Dana Whitfield",
            "office_or_measure_number": "State Assembly, District 7",
            "jurisdiction": "State of California",
            "support_or_oppose": "support",
        },
        "expenditures": [
            {
                "date": "2026-10-15",
                "description": "Mailer to District 7 voters",
                "payee_name": "River City Printing",
                "amount": "4800.00",
            },
            {
                "date": "2026-10-15",
                "description": "Online video advertising",
                "payee_name": "Capitol Digital Media",
                "amount": "1250.00",
            },
        ],
        "contributions_received": [
            {
                "date": "2026-10-14",
                "contributor_type": "individual",
                "contributor_name": "Helen Park",
                "street": "1720 44th Street",
                "city": "Sacramento",
                "state": "CA",
                "zip": "95819",
                "occupation": "Physician",
                "employer": "Sutter Medical Group",
                "amount": "5000.00",
            }
        ],
    },
    entity_id="2000005",
    period={"start": "2026-10-14", "end": "2026-10-15"},
)

EXAMPLES: dict[str, dict[str, Any]] = {
    "F410": F410,
    "F501": F501,
    "F460": F460,
    "F450": F450,
    "F461": F461,
    "F496": F496,
    "F497": F497,
}
