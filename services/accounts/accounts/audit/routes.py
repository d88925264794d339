"""HTTP routes for staff to query and export the audit log (mounted under /api/accounts)."""

from flask_smorest import Blueprint

blueprint = Blueprint("audit", __name__, description="Audit log")
