"""Who may call the search gateway: its reads are public, decided here in one place."""

from __future__ import annotations

from collections.abc import Callable

PUBLIC = "public"


def public_read(view: Callable) -> Callable:
    """Mark a route as a public read: no token is needed or checked (`view.access` says so)."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view
