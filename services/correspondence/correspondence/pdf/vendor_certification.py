"""Vendor Certification letter and its withdrawal, template version 1."""

from __future__ import annotations

from correspondence.domain.vendor_certification import VendorCertification, VendorCertificationWithdrawal
from correspondence.pdf.notice import render_notice

TEMPLATE_VERSION = "vendor_certification.v1"
WITHDRAWAL_TEMPLATE_VERSION = "vendor_decertification.v1"


def render_vendor_certification(notice: VendorCertification) -> bytes:
    """The certification letter on the shared notice layout."""
    return render_notice(notice)


def render_vendor_certification_withdrawal(notice: VendorCertificationWithdrawal) -> bytes:
    """The withdrawal letter on the shared notice layout."""
    return render_notice(notice)
