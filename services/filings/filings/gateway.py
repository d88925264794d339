"""The filings HTTP gateway."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from cars_shared.web.app import create_gateway, protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import Forbidden, NotFound, Unprocessable, documents_problems, register_problems
from filings import SERVICE, handlers, permissions
from filings.deadlines import routes as deadline_routes
from filings.domain.campaign_statement import CampaignStatement
from filings.domain.errors import EntityNotFound, FilingRejected, NotPermittedToFile
from filings.domain.statement_of_organization import CommitteeRegistration
from filings.models import Entity, Filing
from filings.schemas import (
    ENTITY_ID,
    UUID,
    CampaignStatementIn,
    CommitteeRegisteredOut,
    CommitteeRegistrationIn,
    EntityOut,
    FilingOut,
)
from filings.submissions import routes as submission_routes
from filings.vendors import routes as vendor_routes
from filings.versions import routes as version_routes

T = TypeVar("T")

blueprint = Blueprint("filings", __name__, description="Filing entities, registrations and filings")


def rejected(error: FilingRejected) -> Unprocessable:
    """Every broken rule of the form, by field, like schema validation errors."""
    messages: dict[str, list[str]] = {}
    for violation in error.violations:
        messages.setdefault(violation.field, []).append(violation.message)
    return Unprocessable.of_fields(messages)


register_problems(
    blueprint,
    {
        EntityNotFound: lambda error: NotFound(str(error)),
        NotPermittedToFile: lambda error: Forbidden(str(error)),
        FilingRejected: rejected,
    },
)


def found_or_404(lookup: Callable[[Session, str], T | None], pattern: str, key: str, missing: str) -> T:
    """What `lookup` finds under `key`; a 404 problem saying `missing` when the key is malformed or unknown."""
    found = None
    if re.fullmatch(pattern, key):
        with session_scope() as session:
            found = lookup(session, key)
    if found is None:
        raise NotFound(missing)
    return found


@blueprint.route("/committees", methods=["POST"])
@protected(blueprint, 403, by_reference=True)
@blueprint.arguments(CommitteeRegistrationIn)
@blueprint.response(201, CommitteeRegisteredOut)
def register_committee(registration: CommitteeRegistration) -> dict[str, Any]:
    """Register a committee (Form 410, Statement of Organization); the filer becomes its officer."""
    permissions.require_may_register(current_principal())
    with session_scope() as session:
        entity, filing = handlers.register_committee(session, registration, current_principal().user_id)
    return {**{name: getattr(entity, name) for name in EntityOut().fields}, "filing_id": filing.filing_id}


@blueprint.route("/committees/<entity_id>/campaign-statements", methods=["POST"])
@protected(blueprint, 403, 404, by_reference=True)
@blueprint.arguments(CampaignStatementIn)
@blueprint.response(201, FilingOut)
def file_campaign_statement(statement: CampaignStatement, entity_id: str) -> Filing:
    """File a campaign statement (Form 460) for a committee you are an officer or agent of."""
    if not re.fullmatch(ENTITY_ID, entity_id):
        raise NotFound(f"No filing entity has ID {entity_id}.")
    principal = current_principal()
    with session_scope() as session:
        if handlers.entity_of(session, entity_id) is None:
            raise EntityNotFound(entity_id)
        projected_role = handlers.projected_role(session, entity_id, principal.user_id)
        permissions.require_may_file(principal, entity_id, projected_role)
        return handlers.file_campaign_statement(session, entity_id, statement, principal.user_id)


@blueprint.route("/entities/<entity_id>", methods=["GET"])
@blueprint.response(200, EntityOut)
@documents_problems(blueprint, 404, by_reference=True)
def entity(entity_id: str) -> Entity:
    """A filing entity's public record."""
    return found_or_404(handlers.entity_of, ENTITY_ID, entity_id, f"No filing entity has ID {entity_id}.")


@blueprint.route("/filings/<filing_id>", methods=["GET"])
@blueprint.response(200, FilingOut)
@documents_problems(blueprint, 404, by_reference=True)
def filing(filing_id: str) -> Filing:
    """A filing as filed, in its latest version: form, plain-language name, period, amendment and content."""
    return found_or_404(handlers.current_filing, UUID, filing_id, f"No filing has ID {filing_id}.")


def create_app(**options: Any) -> Flask:
    return create_gateway(
        SERVICE,
        [
            blueprint,
            submission_routes.blueprint,
            version_routes.blueprint,
            deadline_routes.blueprint,
            vendor_routes.blueprint,
        ],
        title="CARS filings",
        **options,
    )
