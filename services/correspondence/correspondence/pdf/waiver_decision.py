"""Waiver decision, template version 1."""

from __future__ import annotations

from correspondence.domain.waiver_decision import WaiverDecision
from correspondence.pdf.notice import render_notice

TEMPLATE_VERSION = "waiver_decision.v1"


def render_waiver_decision(notice: WaiverDecision) -> bytes:
    """The waiver decision on the shared notice layout."""
    return render_notice(notice)
