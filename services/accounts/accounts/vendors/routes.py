"""HTTP routes for vendor organisations and their API credentials (mounted under /api/accounts)."""

from flask_smorest import Blueprint

blueprint = Blueprint("vendors", __name__, description="Vendors of filing software")
