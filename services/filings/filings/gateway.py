"""The filings HTTP gateway."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask_smorest import Blueprint

from cars_shared.web.app import create_gateway, session_scope
from cars_shared.web.problems import NotFound, documents_problems
from filings import SERVICE, handlers
from filings.deadlines import routes as deadline_routes
from filings.domain.registration import ENTITY_RECORD_FIELDS, public_entity_fields
from filings.schemas import ENTITY_ID, EntityOut
from filings.submissions import routes as submission_routes
from filings.vendors import routes as vendor_routes
from filings.versions import public_listing
from filings.versions import routes as version_routes

MAX_SUBMISSION_BYTES = 64 * 1024 * 1024
"""Large enough for a Form 460 with tens of thousands of line items."""

blueprint = Blueprint("filings", __name__, description="Filing entities")


@blueprint.route("/v1/entities/<entity_id>", methods=["GET"])
@blueprint.response(200, EntityOut)
@documents_problems(blueprint, 404, by_reference=True)
def entity(entity_id: str) -> dict[str, Any]:
    """A filing entity's public record (what its registration form makes public)."""
    found = None
    if re.fullmatch(ENTITY_ID, entity_id):
        with session_scope() as session:
            found = handlers.public_entity(session, entity_id)
    if found is None:
        raise NotFound(f"No filing entity has ID {entity_id}.")
    shown = public_entity_fields(found.entity_type)
    return {
        "entity_id": found.entity_id,
        "status": found.status,
        "legacy": found.legacy,
        "registered_on": found.registered_on,
        "terminated_on": found.terminated_on,
        **{name: getattr(found, name) for name in ENTITY_RECORD_FIELDS if name in shown},
    }


def create_app(**options: Any) -> Flask:
    config = {"MAX_CONTENT_LENGTH": MAX_SUBMISSION_BYTES, **options.pop("config", {})}
    return create_gateway(
        SERVICE,
        [
            blueprint,
            submission_routes.blueprint,
            version_routes.blueprint,
            deadline_routes.blueprint,
            vendor_routes.blueprint,
            public_listing.blueprint,
        ],
        title="CARS filings",
        config=config,
        **options,
    )
