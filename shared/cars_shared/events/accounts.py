"""Events published by accounts."""

from marshmallow import Schema, fields, validate

from cars_shared.events.registry import event

ROLES_ON_ENTITY = ("officer", "agent", "viewer")


@event(
    "accounts",
    "user_registered",
    description="A person created an account.",
    example={"user_id": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a", "username": "jdoe", "email": "jdoe@example.org"},
)
class UserRegistered(Schema):
    user_id = fields.String(required=True)
    username = fields.String(required=True)
    email = fields.Email(required=True)


# How a link came to be approved: an officer or staff decided a request, the user registered the entity,
# or the user claimed a migrated entity with the access code mailed to it.
LINK_APPROVALS = ("officer", "staff", "registration", "access_code")


@event(
    "accounts",
    "entity_link_approved",
    description=(
        "A user may now act for an entity with the given role. `link_id`, `approval` (officer, staff, "
        "registration or access_code) and `approved_by` (who decided; the user themself for registration and "
        "access_code) are absent from events published before they were added."
    ),
    example={
        "user_id": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
        "entity_id": "1400001",
        "role": "officer",
        "link_id": "0c9a7f3e-5b1d-4f2a-8e6c-7d3b2a1f0e9d",
        "approval": "staff",
        "approved_by": "staff-1",
    },
)
class EntityLinkApproved(Schema):
    user_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES_ON_ENTITY))
    link_id = fields.String(load_default=None)
    approval = fields.String(load_default=None, validate=validate.OneOf(LINK_APPROVALS))
    approved_by = fields.String(load_default=None)


VENDOR_EXAMPLE_ID = "8d0f5a52-3f0e-4a0e-9d7e-2f6b1c9a4e11"


@event(
    "accounts",
    "vendor_certified",
    description=(
        "Staff certified a vendor's software; its credentials may now be used in production. `manager_ids` are "
        "the users who manage the vendor (to write to), `scenarios` the certification scenarios its sandbox "
        "submissions passed (as filings reported them, when accounts has that report); events published before "
        "these fields were added lack them and `certified_at`, `scenarios_passed_at`."
    ),
    example={
        "vendor_id": VENDOR_EXAMPLE_ID,
        "name": "Acme Filing Software",
        "certified_by": "staff-1",
        "certified_at": "2026-05-06T17:00:00+00:00",
        "manager_ids": ["4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a"],
        "scenarios_passed_at": "2026-05-04T16:30:00+00:00",
        "scenarios": ["original_460", "amended_460", "report_497", "rejected_460", "report_615"],
    },
)
class VendorCertified(Schema):
    vendor_id = fields.String(required=True)
    name = fields.String(required=True)
    certified_by = fields.String(required=True)
    certified_at = fields.AwareDateTime(load_default=None)
    manager_ids = fields.List(fields.String(), load_default=list)
    scenarios_passed_at = fields.AwareDateTime(load_default=None)
    scenarios = fields.List(fields.String(), load_default=list)


@event(
    "accounts",
    "vendor_decertified",
    description=(
        "Staff withdrew a vendor's certification; its production access ends at once. `name`, `decertified_at` "
        "and `manager_ids` (the users who manage the vendor) are absent from events published before they were "
        "added."
    ),
    example={
        "vendor_id": VENDOR_EXAMPLE_ID,
        "decertified_by": "staff-1",
        "reason": "Failed re-certification.",
        "name": "Acme Filing Software",
        "decertified_at": "2026-09-01T16:00:00+00:00",
        "manager_ids": ["4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a"],
    },
)
class VendorDecertified(Schema):
    vendor_id = fields.String(required=True)
    decertified_by = fields.String(required=True)
    reason = fields.String(required=True)
    name = fields.String(load_default=None)
    decertified_at = fields.AwareDateTime(load_default=None)
    manager_ids = fields.List(fields.String(), load_default=list)


@event(
    "accounts",
    "vendor_authorised",
    description="An entity's officer authorised a vendor to file for the entity.",
    example={"vendor_id": VENDOR_EXAMPLE_ID, "entity_id": "1400001", "authorised_by": "user-1"},
)
class VendorAuthorised(Schema):
    vendor_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    authorised_by = fields.String(required=True)


@event(
    "accounts",
    "vendor_authorisation_revoked",
    description="A vendor may no longer file for an entity (revoked by the entity's officer or by the vendor).",
    example={"vendor_id": VENDOR_EXAMPLE_ID, "entity_id": "1400001", "revoked_by": "user-1"},
)
class VendorAuthorisationRevoked(Schema):
    vendor_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    revoked_by = fields.String(required=True)


LINK_EXAMPLE = {
    "link_id": "0c9a7f3e-5b1d-4f2a-8e6c-7d3b2a1f0e9d",
    "user_id": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
    "entity_id": "1400001",
    "role": "agent",
}


@event(
    "accounts",
    "entity_link_requested",
    description="A user asked to act for an entity in a role; the entity's officers or staff decide.",
    example=LINK_EXAMPLE,
)
class EntityLinkRequested(Schema):
    link_id = fields.String(required=True)
    user_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES_ON_ENTITY))


@event(
    "accounts",
    "entity_link_denied",
    description="An entity's officer or staff denied a link request.",
    example={**LINK_EXAMPLE, "decided_by": "staff-1"},
)
class EntityLinkDenied(EntityLinkRequested):
    decided_by = fields.String(required=True)


@event(
    "accounts",
    "entity_link_revoked",
    description="A user may no longer act for an entity (revoked by an officer, by staff, or by the user).",
    example={**LINK_EXAMPLE, "revoked_by": "user-2"},
)
class EntityLinkRevoked(EntityLinkRequested):
    revoked_by = fields.String(required=True)


@event(
    "accounts",
    "entity_link_role_changed",
    description="A user's role on an entity changed; `role` is the new one.",
    example={**LINK_EXAMPLE, "previous_role": "viewer", "changed_by": "user-2"},
)
class EntityLinkRoleChanged(EntityLinkRequested):
    previous_role = fields.String(required=True, validate=validate.OneOf(ROLES_ON_ENTITY))
    changed_by = fields.String(required=True)


class MailingAddress(Schema):
    street = fields.String(required=True)
    city = fields.String(required=True)
    state = fields.String(required=True)
    zip = fields.String(required=True)


@event(
    "accounts",
    "entity_access_code_issued",
    description=(
        "Staff issued a single-use access code to claim a migrated entity; correspondence mails it to the "
        "address of record. SECRET: `access_code` is for correspondence's letter only; never log, index or "
        "show it elsewhere (accounts keeps only its hash)."
    ),
    secret=("access_code",),
    example={
        "code_id": "5e2d8c1b-9a7f-4e3d-b6c5-1a0f9e8d7c6b",
        "entity_id": "1400001",
        "entity_name": "Friends of Example",
        "mailing_address": {"street": "1500 11th Street", "city": "Sacramento", "state": "CA", "zip": "95814"},
        "access_code": "K7QM-3XWP-9RTD-HV2F",
        "expires_on": "2026-09-30",
        "issued_by": "staff-1",
    },
)
class EntityAccessCodeIssued(Schema):
    code_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    entity_name = fields.String(required=True)
    mailing_address = fields.Nested(MailingAddress, required=True, allow_none=True)
    access_code = fields.String(required=True)
    expires_on = fields.Date(required=True)
    issued_by = fields.String(required=True)


@event(
    "accounts",
    "email_verification_requested",
    description=(
        "A person must confirm an e-mail address (after sign-up or an address change); notify e-mails the link. "
        "SECRET: `verification_url` holds a single-use token; never log, index or show it elsewhere."
    ),
    secret=("verification_url",),
    example={
        "user_id": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
        "username": "jdoe",
        "email": "jdoe@example.org",
        "verification_url": "http://127.0.0.1:8000/account/verify-email#token=Xy3kQ9vT1bN8rW2mL5pZ0aC7dF4gH6jK",
        "expires_at": "2026-03-04T12:00:00+00:00",
    },
)
class EmailVerificationRequested(Schema):
    user_id = fields.String(required=True)
    username = fields.String(required=True)
    email = fields.Email(required=True)
    verification_url = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)


@event(
    "accounts",
    "password_reset_requested",
    description=(
        "A person asked to reset a forgotten password; notify e-mails the link. "
        "SECRET: `reset_url` holds a single-use token; never log, index or show it elsewhere."
    ),
    secret=("reset_url",),
    example={
        "user_id": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
        "username": "jdoe",
        "email": "jdoe@example.org",
        "reset_url": "http://127.0.0.1:8000/account/reset-password#token=Xy3kQ9vT1bN8rW2mL5pZ0aC7dF4gH6jK",
        "expires_at": "2026-03-02T13:00:00+00:00",
    },
)
class PasswordResetRequested(Schema):
    user_id = fields.String(required=True)
    username = fields.String(required=True)
    email = fields.Email(required=True)
    reset_url = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)


@event(
    "accounts",
    "email_changed",
    description="A person confirmed a new e-mail address; the old address is told, and contacts use the new one.",
    example={
        "user_id": "4b7c1c1e-4a65-4c8e-9a57-0d4c6f4d3b1a",
        "username": "jdoe",
        "old_email": "jdoe@example.org",
        "new_email": "jane.doe@example.net",
    },
)
class EmailChanged(Schema):
    user_id = fields.String(required=True)
    username = fields.String(required=True)
    old_email = fields.Email(required=True)
    new_email = fields.Email(required=True)


GRANT_EXAMPLE = {
    "grant_id": "7f3e2d1c-0b9a-4c8d-8e7f-6a5b4c3d2e1f",
    "partner_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    "entity_id": "1400001",
}


@event(
    "accounts",
    "partner_access_granted",
    description="Staff gave a partner (FPPC, Franchise Tax Board auditor) read access to an entity for a period.",
    example={**GRANT_EXAMPLE, "starts_on": "2026-07-01", "ends_on": "2026-12-31", "granted_by": "staff-1"},
)
class PartnerAccessGranted(Schema):
    grant_id = fields.String(required=True)
    partner_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    granted_by = fields.String(required=True)


@event(
    "accounts",
    "partner_access_revoked",
    description="Staff ended a partner's read access to an entity before its last day.",
    example={**GRANT_EXAMPLE, "revoked_by": "staff-1"},
)
class PartnerAccessRevoked(Schema):
    grant_id = fields.String(required=True)
    partner_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    revoked_by = fields.String(required=True)


FEED_PARTNER_EXAMPLE = {"feed_partner_id": "5d2c9e4a-7b1f-4e3a-9c8d-6f0a1b2c3d4e", "name": "Sacramento Daily Ledger"}


@event(
    "accounts",
    "feed_partner_created",
    description=(
        "Staff created a feed partner (a subscriber to public events); its access tokens carry `feed_partner_id`. "
        "Its credentials never travel in events."
    ),
    example=FEED_PARTNER_EXAMPLE,
)
class FeedPartnerCreated(Schema):
    feed_partner_id = fields.String(required=True)
    name = fields.String(required=True)


@event(
    "accounts",
    "feed_partner_revoked",
    description="Staff revoked a feed partner: its broker user is deleted and its API keys stopped working.",
    example=FEED_PARTNER_EXAMPLE,
)
class FeedPartnerRevoked(Schema):
    feed_partner_id = fields.String(required=True)
    name = fields.String(required=True)
