"""The kinds of correspondence issued into filers' accounts, by the name each is listed under."""

from correspondence.domain import (
    annual_fee_notice,
    compliance_letter,
    filing_receipt,
    late_filing_notice,
    payment_receipt,
    penalty_notice,
    waiver_decision,
)

KINDS = (
    annual_fee_notice.KIND,
    penalty_notice.KIND,
    late_filing_notice.KIND,
    payment_receipt.KIND,
    filing_receipt.KIND,
    waiver_decision.KIND,
    compliance_letter.KIND,
)
