"""The kinds of correspondence issued into filers' accounts, by the name each is listed under."""

from correspondence.domain import (
    annual_fee_notice,
    compliance_letter,
    filing_receipt,
    late_filing_notice,
    link_approval,
    payment_receipt,
    penalty_notice,
    vendor_certification,
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
    link_approval.KIND,
    vendor_certification.KIND,
    vendor_certification.WITHDRAWAL_KIND,
)
