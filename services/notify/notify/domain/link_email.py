"""E-mails about links between people and the entities they act for."""

from __future__ import annotations

from notify.domain.account_email import compose_account_email
from notify.domain.notice_email import NoticeEmail

ROLE_WORDS = {"officer": "an officer", "agent": "an agent", "viewer": "a viewer"}


def compose_link_request_email(*, officer: str, requester: str, entity_id: str, role: str) -> NoticeEmail:
    """To each officer of the entity: someone asks to act for it."""
    return compose_account_email(
        f"{requester} asks to act for filer {entity_id} in CARS",
        officer,
        [
            f"{requester} asked to act for filer {entity_id} as {ROLE_WORDS[role]}.",
            "As an officer you can approve or deny the request in your CARS account.",
        ],
    )


def compose_link_outcome_email(
    *, username: str, entity_id: str, outcome: str, role: str, previous_role: str = ""
) -> NoticeEmail:
    """To the person concerned: their link to an entity was denied, revoked or changed."""
    sentences = {
        "denied": f"Your request to act for filer {entity_id} as {ROLE_WORDS[role]} was denied.",
        "revoked": f"You can no longer act for filer {entity_id}; your link as {ROLE_WORDS[role]} was revoked.",
        "role_changed": (
            f"You now act for filer {entity_id} as {ROLE_WORDS[role]}"
            f" instead of {ROLE_WORDS.get(previous_role, previous_role)}."
        ),
    }
    return compose_account_email(
        f"Your link to filer {entity_id} in CARS changed",
        username,
        [
            sentences[outcome],
            "If you think this is a mistake, contact the entity's officers or the Political Reform Division.",
        ],
    )
