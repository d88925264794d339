"""Reading filings: versions, the differences between them, and entities' filing histories."""

from __future__ import annotations

from flask_smorest import Blueprint

blueprint = Blueprint(
    "versions", __name__, description="Filings and their versions as filed, with what changed between versions"
)
