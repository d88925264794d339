"""Valid example submissions of the lobbying forms, keyed by form code.

One firm (Capitol Advocacy Partners LLP, 2000010) lobbies for a registered employer (Golden State Nurses
Association, 2000030) whose in-house lobbyist is Riley Thompson (2000031); the reports cover the first
quarter of 2026 and their totals equal the sums of their lines.
"""

from typing import Any

SESSION = "2025-2026"
FIRST_QUARTER_2026 = {"start": "2026-01-01", "end": "2026-03-31"}

FIRM_ID = "2000010"
EMPLOYER_ID = "2000030"
LOBBYIST_ID = "2000031"
WITHDRAWN_FIRM_ID = "2000050"
PERSON_SPENDING_ID = "2000060"

FIRM_OFFICER = {
    "signer_id": "5f3c2a8e-1b4d-4e6f-9a7b-2c1d0e9f8a71",
    "signer_name": "Avery Morgan",
    "agrees": True,
}
EMPLOYER_OFFICER = {
    "signer_id": "7a1e4c2b-9d3f-4b5a-8c6d-0e2f1a3b4c52",
    "signer_name": "Dana Brooks",
    "agrees": True,
}
LOBBYIST_SIGNER = {
    "signer_id": "c4d2e6f8-3a5b-4c7d-9e1f-6a8b0c2d4e93",
    "signer_name": "Riley Thompson",
    "agrees": True,
}

F601: dict[str, Any] = {
    "form": "F601",
    "entity_id": None,
    "period": None,
    "amends": None,
    "verification": FIRM_OFFICER,
    "parts": {
        "cover": {
            "firm_name": "Capitol Advocacy Partners LLP",
            "street": "1020 11th Street, Suite 300",
            "city": "Sacramento",
            "state": "CA",
            "zip": "95814",
            "phone": "916-555-0140",
            "email": "filings@capitoladvocacy.example",
            "legislative_session": SESSION,
            "qualified_on": "2026-01-12",
            "responsible_officer_name": "Avery Morgan",
            "responsible_officer_title": "Managing Partner",
        },
        "partners": [
            {"partner_name": "Avery Morgan", "partner_title": "Managing Partner"},
            {"partner_name": "Sam Patel", "partner_title": "Partner"},
        ],
        "lobbyists": [
            {"lobbyist_name": "Avery Morgan"},
            {"lobbyist_name": "Sam Patel"},
        ],
        "clients": [
            {
                "client_name": "Central Valley Water Agency",
                "client_street": "2150 Tulare Street",
                "client_city": "Fresno",
                "client_state": "CA",
                "client_zip": "93721",
                "client_phone": "559-555-0188",
                "lobbying_since": "2026-01-12",
                "lobbying_interests": "Water supply, groundwater recharge and drought legislation",
            },
            {
                "client_name": "Golden State Nurses Association",
                "client_id": EMPLOYER_ID,
                "client_street": "1415 L Street, Suite 900",
                "client_city": "Sacramento",
                "client_state": "CA",
                "client_zip": "95814",
                "lobbying_since": "2026-01-15",
                "lobbying_interests": "Nurse staffing ratios and hospital workplace safety",
            },
        ],
    },
}

F602: dict[str, Any] = {
    "form": "F602",
    "entity_id": FIRM_ID,
    "period": None,
    "amends": None,
    "verification": FIRM_OFFICER,
    "parts": {
        "cover": {"firm_name": "Capitol Advocacy Partners LLP", "legislative_session": SESSION},
        "authorizations": [
            {
                "client_name": "Golden State Nurses Association",
                "client_id": EMPLOYER_ID,
                "client_street": "1415 L Street, Suite 900",
                "client_city": "Sacramento",
                "client_state": "CA",
                "client_zip": "95814",
                "client_phone": "916-555-0170",
                "authorized_on": "2026-01-15",
                "authorized_by": "Dana Brooks",
                "authorized_by_title": "Executive Director",
                "nature_of_business": "Professional association of registered nurses working in California",
                "lobbying_interests": "Nurse staffing ratios, workplace safety and health care funding",
            },
        ],
    },
}

F603: dict[str, Any] = {
    "form": "F603",
    "entity_id": None,
    "period": None,
    "amends": None,
    "verification": EMPLOYER_OFFICER,
    "parts": {
        "cover": {
            "name": "Golden State Nurses Association",
            "registrant_type": "lobbyist_employer",
            "street": "1415 L Street, Suite 900",
            "city": "Sacramento",
            "state": "CA",
            "zip": "95814",
            "phone": "916-555-0170",
            "email": "compliance@gsna.example",
            "legislative_session": SESSION,
            "qualified_on": "2026-01-05",
            "responsible_officer_name": "Dana Brooks",
            "responsible_officer_title": "Executive Director",
            "nature_of_business": "Professional association of registered nurses working in California",
            "lobbying_interests": "AB 1234 and SB 567 on nurse staffing; hospital licensing regulations",
        },
        "in_house_lobbyists": [{"lobbyist_name": "Riley Thompson"}],
        "lobbying_firms": [
            {"firm_name": "Capitol Advocacy Partners LLP", "firm_id": FIRM_ID, "hired_on": "2026-01-15"},
        ],
    },
}

F604: dict[str, Any] = {
    "form": "F604",
    "entity_id": None,
    "period": None,
    "amends": None,
    "verification": LOBBYIST_SIGNER,
    "parts": {
        "cover": {
            "lobbyist_name": "Riley Thompson",
            "street": "1415 L Street, Suite 900",
            "city": "Sacramento",
            "state": "CA",
            "zip": "95814",
            "phone": "916-555-0175",
            "email": "rthompson@gsna.example",
            "legislative_session": SESSION,
            "employer_name": "Golden State Nurses Association",
            "employer_id": EMPLOYER_ID,
            "qualified_on": "2026-01-05",
            "ethics_course_completed_on": "2025-12-04",
            "placement_agent": False,
        },
    },
}

F606: dict[str, Any] = {
    "form": "F606",
    "entity_id": LOBBYIST_ID,
    "period": None,
    "amends": None,
    "verification": LOBBYIST_SIGNER,
    "parts": {
        "cover": {
            "registrant_name": "Riley Thompson",
            "legislative_session": SESSION,
            "terminated_on": "2026-06-30",
        },
    },
}

F607: dict[str, Any] = {
    "form": "F607",
    "entity_id": WITHDRAWN_FIRM_ID,
    "period": None,
    "amends": None,
    "verification": {
        "signer_id": "e8b6a4c2-0f1d-4e3c-8b5a-7d9f1e3c5a04",
        "signer_name": "Morgan Ellis",
        "agrees": True,
    },
    "parts": {
        "cover": {
            "registrant_name": "Harbor Point Consulting",
            "legislative_session": SESSION,
            "registered_on": "2026-02-02",
            "withdrawn_on": "2026-03-20",
            "reason": "The prospective client did not retain the firm, so it never lobbied for compensation.",
        },
    },
}

F615: dict[str, Any] = {
    "form": "F615",
    "entity_id": LOBBYIST_ID,
    "period": FIRST_QUARTER_2026,
    "amends": None,
    "verification": LOBBYIST_SIGNER,
    "parts": {
        "cover": {
            "lobbyist_name": "Riley Thompson",
            "employer_name": "Golden State Nurses Association",
            "employer_id": EMPLOYER_ID,
        },
        "activity_expenses": [
            {
                "expense_date": "2026-02-10",
                "payee_name": "Esquire Grill",
                "payee_street": "1213 K Street",
                "payee_city": "Sacramento",
                "payee_state": "CA",
                "payee_zip": "95814",
                "beneficiary_name": "Jordan Rivera",
                "beneficiary_position": "Member of the Assembly",
                "description": "Lunch (the official's share)",
                "amount": "9.50",
            },
            {
                "expense_date": "2026-03-05",
                "payee_name": "Capitol Books",
                "payee_city": "Sacramento",
                "payee_state": "CA",
                "payee_zip": "95814",
                "beneficiary_name": "Casey Nguyen",
                "beneficiary_position": "Chief of Staff to Assembly Member Rivera",
                "description": "Book on health care workforce policy",
                "amount": "8.75",
            },
        ],
        "contributions": [
            {
                "contribution_date": "2026-01-20",
                "recipient_name": "Alex Chen for Sacramento City Council 2026",
                "recipient_id": "2000070",
                "amount": "250.00",
            },
            {
                "contribution_date": "2026-03-12",
                "recipient_name": "Yes on Measure L, Sacramento Parks",
                "recipient_id": "2000071",
                "contributor_name": "Pat Delgado",
                "amount": "100.00",
            },
        ],
        "summary": {"total_activity_expenses": "18.25", "total_contributions": "350.00"},
    },
}

F625: dict[str, Any] = {
    "form": "F625",
    "entity_id": FIRM_ID,
    "period": FIRST_QUARTER_2026,
    "amends": None,
    "verification": FIRM_OFFICER,
    "parts": {
        "cover": {"firm_name": "Capitol Advocacy Partners LLP"},
        "lobbyists": [
            {"lobbyist_name": "Avery Morgan", "lobbyist_id": "2000011"},
            {"lobbyist_name": "Sam Patel", "lobbyist_id": "2000012"},
        ],
        "payments_received": [
            {
                "client_name": "Central Valley Water Agency",
                "client_city": "Fresno",
                "client_state": "CA",
                "actions_lobbied": "AB 1234 (groundwater recharge); Department of Water Resources drought rules",
                "amount": "30000.00",
                "session_total": "60000.00",
            },
            {
                "client_name": "Golden State Nurses Association",
                "client_id": EMPLOYER_ID,
                "client_city": "Sacramento",
                "client_state": "CA",
                "actions_lobbied": "SB 567 (nurse staffing ratios)",
                "amount": "18000.00",
                "session_total": "18000.00",
            },
        ],
        "activity_expenses": [
            {
                "expense_date": "2026-02-18",
                "payee_name": "Ella Dining Room and Bar",
                "payee_city": "Sacramento",
                "payee_state": "CA",
                "payee_zip": "95814",
                "beneficiary_name": "Jordan Rivera",
                "beneficiary_position": "Member of the Assembly",
                "description": "Coffee and pastries",
                "amount": "8.40",
            },
        ],
        "payments_made": [
            {
                "payment_date": "2026-03-15",
                "payee_name": "Delta Policy Group",
                "payee_city": "Stockton",
                "payee_state": "CA",
                "payee_zip": "95202",
                "description": "Subcontracted lobbying for Central Valley Water Agency",
                "amount": "5000.00",
            },
        ],
        "contributions": [
            {
                "contribution_date": "2026-03-01",
                "recipient_name": "Californians for Clean Water, Yes on Proposition 2",
                "recipient_id": "2000072",
                "amount": "500.00",
            },
        ],
        "summary": {
            "total_payments_received": "48000.00",
            "total_activity_expenses": "8.40",
            "total_payments_made": "5000.00",
            "total_payments": "5008.40",
            "total_contributions": "500.00",
        },
    },
}

F635: dict[str, Any] = {
    "form": "F635",
    "entity_id": EMPLOYER_ID,
    "period": FIRST_QUARTER_2026,
    "amends": None,
    "verification": EMPLOYER_OFFICER,
    "parts": {
        "cover": {"name": "Golden State Nurses Association"},
        "actions_lobbied": [
            {"bill_or_action": "AB 1234", "description": "Nurse staffing in rural hospitals"},
            {"bill_or_action": "SB 567", "description": "Minimum nurse staffing ratios"},
            {
                "bill_or_action": "Hospital licensing regulations",
                "agency": "California Department of Public Health",
                "description": "Workplace violence prevention plans",
            },
        ],
        "in_house_lobbyists": [{"lobbyist_name": "Riley Thompson", "lobbyist_id": LOBBYIST_ID}],
        "payments_to_firms": [
            {
                "firm_name": "Capitol Advocacy Partners LLP",
                "firm_id": FIRM_ID,
                "amount": "18000.00",
                "session_total": "18000.00",
            },
        ],
        "activity_expenses": [
            {
                "expense_date": "2026-01-28",
                "payee_name": "Chicory Coffee and Tea",
                "payee_city": "Sacramento",
                "payee_state": "CA",
                "payee_zip": "95814",
                "beneficiary_name": "Casey Nguyen",
                "beneficiary_position": "Chief of Staff to Assembly Member Rivera",
                "description": "Coffee",
                "amount": "7.50",
            },
        ],
        "other_payments": [
            {
                "payment_date": "2026-02-05",
                "payee_name": "Sacramento Media Works",
                "payee_city": "Sacramento",
                "payee_state": "CA",
                "payee_zip": "95811",
                "description": "Advertising urging support for SB 567",
                "amount": "12000.00",
            },
        ],
        "contributions": [
            {
                "contribution_date": "2026-03-20",
                "recipient_name": "Nurses for a Healthy California PAC",
                "recipient_id": "2000073",
                "amount": "1000.00",
            },
        ],
        "summary": {
            "in_house_lobbyist_payments": "22500.00",
            "total_payments_to_firms": "18000.00",
            "total_activity_expenses": "7.50",
            "total_other_payments": "12000.00",
            "total_payments": "52507.50",
            "session_total": "52507.50",
            "total_contributions": "1000.00",
        },
    },
}

F645: dict[str, Any] = {
    "form": "F645",
    "entity_id": PERSON_SPENDING_ID,
    "period": FIRST_QUARTER_2026,
    "amends": None,
    "verification": {
        "signer_id": "1b3d5f7a-9c2e-4a6b-8d0f-3e5a7c9b1d26",
        "signer_name": "Quinn Harper",
        "agrees": True,
    },
    "parts": {
        "cover": {"filer_name": "Sierra Outdoor Recreation Council"},
        "actions_lobbied": [{"bill_or_action": "SB 890", "description": "Access to state parks and trails"}],
        "activity_expenses": [
            {
                "expense_date": "2026-02-12",
                "payee_name": "The Firehouse Restaurant",
                "payee_city": "Sacramento",
                "payee_state": "CA",
                "payee_zip": "95814",
                "beneficiary_name": "Jordan Rivera",
                "beneficiary_position": "Member of the Assembly",
                "description": "Lunch",
                "amount": "45.00",
            },
        ],
        "other_payments": [
            {
                "payment_date": "2026-01-15",
                "payee_name": "Redwood Strategies Communications",
                "payee_city": "Oakland",
                "payee_state": "CA",
                "payee_zip": "94612",
                "description": "Statewide advertising urging support for SB 890",
                "amount": "6500.00",
            },
        ],
        "contributions": [],
        "summary": {
            "total_activity_expenses": "45.00",
            "total_other_payments": "6500.00",
            "total_payments": "6545.00",
            "total_contributions": "0.00",
        },
    },
}

EXAMPLES: dict[str, dict[str, Any]] = {
    example["form"]: example for example in (F601, F602, F603, F604, F606, F607, F615, F625, F635, F645)
}
