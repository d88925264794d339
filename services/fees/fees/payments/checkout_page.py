"""The local provider's hosted checkout page: plain HTML, every value escaped."""

from __future__ import annotations

from datetime import datetime
from html import escape

PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}
"""A payment page is never framed (clickjacking), cached or leaked through the Referer header."""

STYLE = "body{font-family:sans-serif;max-width:32rem;margin:3rem auto}button{font-size:1rem;margin-right:1rem}"


def dollars(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )


def checkout(entity_id: str, amount_cents: int, status: str, expires_at: datetime, *, open_now: bool) -> str:
    """The page where the payer pays or cancels (a form posting back to the same address)."""
    summary = (
        f"<p>Payment to the California Secretary of State for entity <strong>{escape(entity_id)}</strong>: "
        f"<strong>{escape(dollars(amount_cents))}</strong>.</p>"
    )
    if not open_now:
        return _page(
            "CARS test checkout", f"{summary}<p>This checkout is {escape(status)}; nothing can be paid here.</p>"
        )
    form = (
        f"<p>This checkout is open until {escape(expires_at.isoformat(timespec='minutes'))}. "
        "No card is charged: this is the local payment provider.</p>"
        '<form method="post"><button type="submit" name="action" value="pay">Pay</button>'
        '<button type="submit" name="action" value="cancel">Cancel</button></form>'
    )
    return _page("CARS test checkout", summary + form)


def completed(entity_id: str, amount_cents: int, paid: bool) -> str:
    """The page after the payer paid or canceled."""
    if paid:
        text = f"Paid {dollars(amount_cents)} for entity {entity_id}. It is credited to the account."
    else:
        text = f"The payment of {dollars(amount_cents)} for entity {entity_id} was canceled. Nothing was charged."
    return _page("CARS test checkout", f"<p>{escape(text)}</p>")
