"""Late Filing Notice and Fine Assessment, template version 1."""

from __future__ import annotations

from correspondence.domain.late_filing_notice import LateFilingNotice
from correspondence.pdf.notice import render_notice

TEMPLATE_VERSION = "late_filing_notice.v1"


def render_late_filing_notice(notice: LateFilingNotice) -> bytes:
    """The Late Filing Notice and Fine Assessment on the shared notice layout."""
    return render_notice(notice)
