"""Compliance letter, template version 1."""

from __future__ import annotations

from correspondence.domain.compliance_letter import ComplianceLetter
from correspondence.pdf.notice import render_notice

TEMPLATE_VERSION = "compliance_letter.v1"


def render_compliance_letter(notice: ComplianceLetter) -> bytes:
    """The compliance letter on the shared notice layout."""
    return render_notice(notice)
