"""Link approval letter, template version 1."""

from __future__ import annotations

from correspondence.domain.link_approval import LinkApproval
from correspondence.pdf.notice import render_notice

TEMPLATE_VERSION = "link_approval.v1"


def render_link_approval(notice: LinkApproval) -> bytes:
    """The link approval on the shared notice layout."""
    return render_notice(notice)
