"""Penalty Notice, template version 1."""

from __future__ import annotations

from correspondence.domain.penalty_notice import PenaltyNotice
from correspondence.pdf.notice import render_notice

TEMPLATE_VERSION = "penalty_notice.v1"


def render_penalty_notice(notice: PenaltyNotice) -> bytes:
    """The Penalty Notice on the shared notice layout."""
    return render_notice(notice)
