"""HTTP routes for vendor organisations and their API credentials (mounted under /api/accounts)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from accounts.client_credentials import new_credential_out
from accounts.domain import vendor_credentials as rules
from accounts.request_origin import client_address
from accounts.vendors import handlers
from accounts.vendors.callers import Caller
from accounts.vendors.exceptions import (
    AlreadyAuthorised,
    AuthorisationNotFound,
    CredentialNotFound,
    KeyLocked,
    NotPermitted,
    TooManyCredentials,
    VendorNotFound,
    WrongVendorSecret,
)
from accounts.vendors.models import Vendor
from accounts.vendors.schemas import (
    AuthorisationIn,
    AuthorisationListOut,
    AuthorisationOut,
    CertificationIn,
    CredentialListOut,
    NewCredentialOut,
    RotationIn,
    VendorListOut,
    VendorOut,
    VendorRegisteredOut,
    VendorRegistrationIn,
    VendorTokenIn,
    VendorTokenOut,
)
from cars_shared.web.app import protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import (
    Conflict,
    Forbidden,
    NotFound,
    ProblemFactory,
    TooManyRequests,
    Unauthorized,
    Unprocessable,
    documents_problems,
    register_problems,
)

blueprint = Blueprint("vendors", __name__, description="Vendors of filing software")

PROBLEMS: dict[type[Exception], ProblemFactory] = {
    VendorNotFound: lambda _e: NotFound("No vendor has this id.", field="vendor_id"),
    CredentialNotFound: lambda _e: NotFound("The vendor has no active key with this key id.", field="key_id"),
    AuthorisationNotFound: lambda _e: NotFound("The vendor holds no authorisation for this entity.", field="entity_id"),
    NotPermitted: lambda e: Forbidden(e.detail, field=e.field),
    TooManyCredentials: lambda _e: Conflict(
        f"A vendor may hold at most {handlers.MAX_ACTIVE_CREDENTIALS} active keys; revoke one first.",
        field="vendor_id",
    ),
    AlreadyAuthorised: lambda _e: Conflict("This vendor is already authorised for the entity.", field="vendor_id"),
    WrongVendorSecret: lambda _e: Unauthorized("The key id or the secret is not correct.", field="secret"),
    KeyLocked: lambda e: TooManyRequests(
        "Too many failed attempts with this key id; try again later.", field="key_id", retry_after=e.retry_after
    ),
    rules.ScopeRefused: lambda e: Forbidden(str(e), field="scope"),
    rules.ReasonRequired: lambda e: Unprocessable(str(e), field="reason"),
    rules.ScenariosNotPassed: lambda e: Conflict(str(e), field="certified"),
}
register_problems(blueprint, PROBLEMS)


def caller() -> Caller:
    return Caller.of(current_principal())


def signing_key() -> handlers.TokenSigner:
    return current_app.extensions["accounts.signing_key"]


def vendor_out(vendor: Vendor) -> dict[str, Any]:
    return {
        "vendor_id": vendor.id,
        "name": vendor.name,
        "contact_email": vendor.contact_email,
        "certified": vendor.certified,
        "certified_at": vendor.certified_at,
        "scenarios_passed_at": vendor.scenarios_passed_at,
        "scopes": list(rules.allowed_scopes(certified=vendor.certified)),
        "created_at": vendor.created_at,
    }


def authorisation_out(named: handlers.NamedAuthorisation) -> dict[str, Any]:
    authorisation = named.authorisation
    return {
        "vendor_id": authorisation.vendor_id,
        "vendor_name": named.vendor_name,
        "entity_id": authorisation.entity_id,
        "status": authorisation.status,
        "authorised_by": authorisation.authorised_by,
        "authorised_at": authorisation.authorised_at,
        "revoked_by": authorisation.revoked_by,
        "revoked_at": authorisation.revoked_at,
    }


@blueprint.route("/vendors", methods=["POST"])
@blueprint.arguments(VendorRegistrationIn)
@blueprint.response(201, VendorRegisteredOut)
@protected(blueprint, 403)
def register_vendor(body: dict[str, Any]) -> dict[str, Any]:
    """Register a vendor organisation managed by the caller; answers its first sandbox key and secret (shown once)."""
    with session_scope() as session:
        vendor, issued = handlers.register_vendor(session, caller(), body["name"], body["contact_email"])
        return {"vendor": vendor_out(vendor), "credential": new_credential_out(issued)}


@blueprint.route("/vendors", methods=["GET"])
@blueprint.response(200, VendorListOut)
@protected(blueprint)
def list_vendors() -> dict[str, Any]:
    """The vendors the caller manages (every vendor for staff)."""
    with session_scope() as session:
        return {"vendors": [vendor_out(vendor) for vendor in handlers.vendors_for(session, caller())]}


@blueprint.route("/vendors/<uuid:vendor_id>", methods=["GET"])
@blueprint.response(200, VendorOut)
@protected(blueprint, 403, 404)
def get_vendor(vendor_id: uuid.UUID) -> dict[str, Any]:
    """One vendor, for its managers, its own software and staff."""
    with session_scope() as session:
        return vendor_out(handlers.visible_vendor(session, caller(), str(vendor_id)))


@blueprint.route("/vendors/<uuid:vendor_id>/credentials", methods=["POST"])
@blueprint.response(201, NewCredentialOut)
@protected(blueprint, 403, 404, 409)
def issue_credential(vendor_id: uuid.UUID) -> dict[str, Any]:
    """A new API key for the vendor; its secret is shown once."""
    with session_scope() as session:
        return new_credential_out(handlers.issue_credential(session, caller(), str(vendor_id)))


@blueprint.route("/vendors/<uuid:vendor_id>/credentials", methods=["GET"])
@blueprint.response(200, CredentialListOut)
@protected(blueprint, 403, 404)
def list_credentials(vendor_id: uuid.UUID) -> dict[str, Any]:
    """The vendor's API keys (never their secrets)."""
    with session_scope() as session:
        credentials = handlers.credentials_of(session, caller(), str(vendor_id))
        return {"credentials": credentials}


@blueprint.route("/vendors/<uuid:vendor_id>/credentials/<key_id>/rotation", methods=["POST"])
@blueprint.arguments(RotationIn)
@blueprint.response(200, NewCredentialOut)
@protected(blueprint, 403, 404)
def rotate_credential(body: dict[str, Any], vendor_id: uuid.UUID, key_id: str) -> dict[str, Any]:
    """A new secret for the key; the replaced one keeps working for a short overlap unless `immediately`."""
    with session_scope() as session:
        issued = handlers.rotate_credential(session, caller(), str(vendor_id), key_id, immediately=body["immediately"])
        return new_credential_out(issued)


@blueprint.route("/vendors/<uuid:vendor_id>/credentials/<key_id>", methods=["DELETE"])
@blueprint.response(204)
@protected(blueprint, 403, 404)
def revoke_credential(vendor_id: uuid.UUID, key_id: str) -> None:
    """Revoke the key and all its secrets at once."""
    with session_scope() as session:
        handlers.revoke_credential(session, caller(), str(vendor_id), key_id)


@blueprint.route("/vendors/<uuid:vendor_id>/certification", methods=["PUT"])
@blueprint.arguments(CertificationIn)
@blueprint.response(200, VendorOut)
@protected(blueprint, 403, 404, 409)
def set_certification(body: dict[str, Any], vendor_id: uuid.UUID) -> dict[str, Any]:
    """Staff certify a vendor once its sandbox scenarios passed (production scope), or withdraw it (at once)."""
    with session_scope() as session:
        vendor = handlers.set_certification(
            session,
            caller(),
            str(vendor_id),
            certified=body["certified"],
            reason=body["reason"],
            client=client_address(),
        )
        return vendor_out(vendor)


@blueprint.route("/vendor-tokens", methods=["POST"])
@blueprint.arguments(VendorTokenIn)
@blueprint.response(200, VendorTokenOut)
@documents_problems(blueprint, 401, 403, 429)
def vendor_token(body: dict[str, Any]) -> dict[str, Any]:
    """Exchange a vendor's key id and secret for a short-lived access token of the sandbox or production scope."""
    try:
        with session_scope() as session:
            token = handlers.issue_vendor_token(session, signing_key(), body["key_id"], body["secret"], body["scope"])
    except WrongVendorSecret:
        with session_scope() as session:
            handlers.record_secret_failure(session, body["key_id"])
        raise
    return {
        "access_token": token.access_token,
        "token_type": token.token_type,
        "expires_in": token.expires_in,
        "scope": token.scope,
    }


@blueprint.route("/entities/<entity_id>/vendor-authorisations", methods=["POST"])
@blueprint.arguments(AuthorisationIn)
@blueprint.response(201, AuthorisationOut)
@protected(blueprint, 403, 404, 409)
def authorise_vendor(body: dict[str, Any], entity_id: str) -> dict[str, Any]:
    """An officer of the entity authorises a vendor to file for it."""
    with session_scope() as session:
        return authorisation_out(handlers.authorise_vendor(session, caller(), entity_id, str(body["vendor_id"])))


@blueprint.route("/entities/<entity_id>/vendor-authorisations", methods=["GET"])
@blueprint.response(200, AuthorisationListOut)
@protected(blueprint, 403)
def entity_authorisations(entity_id: str) -> dict[str, Any]:
    """The vendors an entity authorised, active and revoked (for its officers and staff)."""
    with session_scope() as session:
        named = handlers.authorisations_of_entity(session, caller(), entity_id)
        return {"authorisations": [authorisation_out(item) for item in named]}


@blueprint.route("/entities/<entity_id>/vendor-authorisations/<uuid:vendor_id>", methods=["DELETE"])
@blueprint.response(204)
@protected(blueprint, 403, 404)
def revoke_authorisation_by_entity(entity_id: str, vendor_id: uuid.UUID) -> None:
    """An officer of the entity withdraws a vendor's authorisation."""
    with session_scope() as session:
        handlers.revoke_authorisation(session, caller(), str(vendor_id), entity_id)


@blueprint.route("/vendors/<uuid:vendor_id>/authorisations", methods=["GET"])
@blueprint.response(200, AuthorisationListOut)
@protected(blueprint, 403, 404)
def vendor_authorisations(vendor_id: uuid.UUID) -> dict[str, Any]:
    """The entities that authorised a vendor, active and revoked (for the vendor and staff)."""
    with session_scope() as session:
        named = handlers.authorisations_of_vendor(session, caller(), str(vendor_id))
        return {"authorisations": [authorisation_out(item) for item in named]}


@blueprint.route("/vendors/<uuid:vendor_id>/authorisations/<entity_id>", methods=["DELETE"])
@blueprint.response(204)
@protected(blueprint, 403, 404)
def revoke_authorisation_by_vendor(vendor_id: uuid.UUID, entity_id: str) -> None:
    """The vendor gives up its authorisation to file for an entity."""
    with session_scope() as session:
        handlers.revoke_authorisation(session, caller(), str(vendor_id), entity_id)
