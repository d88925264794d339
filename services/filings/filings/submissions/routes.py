"""The e-filing API's submission routes: submit, and follow a submission's status.

A submission is the raw JSON document in the request body; it is answered at once with 202 and its status
resource (Location header), then checked asynchronously. `Idempotency-Key` makes a retry safe; vendor
software may name a webhook for the decision in the `Cars-Webhook-Url` header.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, request, url_for
from flask_smorest import Blueprint

from cars_shared.web.app import protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import Conflict, NotFound, ProblemFactory, Unprocessable, register_problems
from filings.domain.errors import EntityNotFound
from filings.domain.webhooks import WebhookUrlRefused, check_webhook_url
from filings.models import Submission
from filings.permissions import Caller
from filings.submissions import handlers
from filings.submissions.envelope import UnreadableSubmission
from filings.submissions.schemas import (
    UUID,
    SubmissionDocument,
    SubmissionHeaders,
    SubmissionOut,
    SubmissionPageOut,
    SubmissionPageQuery,
)
from filings.vendors.routes import ALLOW_LOCAL_WEBHOOKS

blueprint = Blueprint(
    "submissions", __name__, description="Submitting filings (people and vendor software) and following their status"
)

WEBHOOK_HEADER = "Cars-Webhook-Url"
PROBLEMS: dict[type[Exception], ProblemFactory] = {
    UnreadableSubmission: lambda error: Unprocessable(error.message, field=error.field),
    EntityNotFound: lambda error: NotFound(str(error), field="entity_id"),
    handlers.IdempotencyConflict: lambda error: Conflict(str(error), field="Idempotency-Key"),
    handlers.WebhookNotAllowed: lambda _error: Unprocessable(
        "Only vendor software names a webhook; follow the status resource instead.", field=WEBHOOK_HEADER
    ),
    WebhookUrlRefused: lambda error: Unprocessable(str(error), field=WEBHOOK_HEADER),
}
register_problems(blueprint, PROBLEMS)

SUBMISSION_BODY = {
    "required": True,
    "description": "The submission document, as JSON (line items may run to tens of thousands).",
    "content": {"application/json": {"schema": SubmissionDocument}},
}
LOCATION = {"Location": {"description": "The submission's status resource", "schema": {"type": "string"}}}


SUMMARY_FIELDS = (
    "submission_id",
    "space",
    "status",
    "form",
    "entity_id",
    "filing_id",
    "amendment",
    "received_at",
    "decided_at",
)


def summary(submission: Submission) -> dict[str, Any]:
    """What a list of submissions shows of each: its status resource without the problems, only their count."""
    return {
        **{name: getattr(submission, name) for name in SUMMARY_FIELDS},
        "error_count": len(submission.errors or ()),
        "warning_count": len(submission.warnings or ()),
    }


def status_resource(submission: Submission) -> dict[str, Any]:
    """What a submission's status resource shows (never its document)."""
    return {
        **summary(submission),
        "amends_filing_id": submission.amends_filing_id,
        "amends_amendment": submission.amends_amendment,
        "errors": submission.errors or [],
        "warnings": submission.warnings or [],
    }


@blueprint.route("/v1/submissions", methods=["POST"])
@protected(blueprint, 403, 404, 409, 413, 422, by_reference=True)
@blueprint.arguments(SubmissionHeaders, location="headers", as_kwargs=True)
@blueprint.doc(requestBody=SUBMISSION_BODY)
@blueprint.response(202, SubmissionOut, headers=LOCATION, description="Received; follow its status resource")
@blueprint.alt_response(200, schema=SubmissionOut, headers=LOCATION, description="Sent before with this key")
def submit(idempotency_key: str | None = None, webhook_url: str | None = None) -> Any:
    """Submit a filing (any form) for checking; it is accepted or rejected asynchronously.

    People file in production for entities they are an officer or agent of (verified e-mail and MFA);
    vendor software files with its token's scope: the sandbox, or production once certified and authorised.
    """
    caller = Caller.of(current_principal())
    if webhook_url is not None:
        webhook_url = check_webhook_url(webhook_url, allow_local=bool(current_app.config.get(ALLOW_LOCAL_WEBHOOKS)))
    body = request.get_data(cache=False)
    with session_scope() as session:
        received = handlers.receive(session, caller, body, idempotency_key=idempotency_key, webhook_url=webhook_url)
        answer = status_resource(received.submission)
    location = url_for("submissions.submission", submission_id=answer["submission_id"])
    return answer, 200 if received.replayed else 202, {"Location": location}


@blueprint.route("/v1/submissions/<submission_id>", methods=["GET"])
@protected(blueprint, 404, by_reference=True)
@blueprint.response(200, SubmissionOut)
def submission(submission_id: str) -> dict[str, Any]:
    """A submission's status: received, validating, accepted (with its filing) or rejected (with its problems).

    A submission of 256 KiB or more (several hundred line items) shows as validating while it is checked; a
    smaller one is decided within moments and goes from received straight to accepted or rejected. Only its
    submitter and staff read it.
    """
    caller = Caller.of(current_principal())
    found = None
    if re.fullmatch(UUID, submission_id):
        with session_scope() as session:
            found = handlers.readable_submission(session, caller, submission_id)
    if found is None:
        raise NotFound("You have no submission with this ID.")
    return status_resource(found)


@blueprint.route("/v1/submissions", methods=["GET"])
@protected(blueprint, by_reference=True)
@blueprint.arguments(SubmissionPageQuery, location="query")
@blueprint.response(200, SubmissionPageOut)
def own_submissions(query: dict[str, Any]) -> dict[str, Any]:
    """Your submissions, newest first, keyset-paginated (optionally only those of one status)."""
    caller = Caller.of(current_principal())
    with session_scope() as session:
        page, next_before = handlers.own_submissions(
            session, caller, query.get("before"), query["limit"], query.get("status")
        )
        return {"items": [summary(item) for item in page], "next_before": next_before}
