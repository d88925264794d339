"""HTTP routes for entity links, roles and partner grants (mounted under /api/accounts)."""

from flask_smorest import Blueprint

blueprint = Blueprint("links", __name__, description="Links between users and entities")
