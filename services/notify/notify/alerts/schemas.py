"""marshmallow schemas of the public alert routes."""

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from notify.domain.alert_shares import share_token_in
from notify.domain.alerts import SUBSCRIPTION_STATUSES

ENTITY_ID = validate.Regexp(r"^[A-Za-z0-9-]{1,40}$", error="Not a filer id.")
TOKEN = validate.Length(min=1, max=100)


def share_link(value: str) -> None:
    """A share link of a saved search, or the token at its end."""
    if len(value) > 1000 or share_token_in(value) is None:
        raise ValidationError("Not a share link of a saved search (…/api/search/shared/<token>) nor its token.")


class SubscriptionRequest(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=320))
    entity_id = fields.String(validate=ENTITY_ID, metadata={"description": "The filer to follow"})
    shared_search = fields.String(
        validate=share_link,
        metadata={
            "description": "The share link of a saved search to follow (or the token at its end): its new results"
            " are e-mailed after its daily run."
        },
    )

    @validates_schema
    def one_target(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "entity_id" in data and "shared_search" in data:
            raise ValidationError("Follow a filer or a shared search, not both at once.", "shared_search")
        if "entity_id" not in data and "shared_search" not in data:
            raise ValidationError(
                "Say what to follow: entity_id (a filer) or shared_search (a share link).", "entity_id"
            )


class SubscriptionRequested(Schema):
    detail = fields.String(required=True)


class ConfirmQuery(Schema):
    subscription = fields.UUID(required=True)
    expires = fields.Integer(required=True, validate=validate.Range(min=0, max=2**40))
    token = fields.String(required=True, validate=TOKEN)


class UnsubscribeQuery(Schema):
    subscription = fields.UUID(required=True)
    token = fields.String(required=True, validate=TOKEN)


class SubscriptionOut(Schema):
    entity_id = fields.String(metadata={"description": "The filer followed (alerts of a filer)."})
    search_name = fields.String(metadata={"description": "The shared search followed (alerts of a shared search)."})
    status = fields.String(required=True, validate=validate.OneOf(SUBSCRIPTION_STATUSES))
