"""Accounts use cases: load, apply the rules, save, and queue events, in one transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accounts.domain.password_hashing import dummy_hash, hash_password, needs_rehash, verify_password
from accounts.domain.password_policy import check_password
from accounts.domain.username import check_username, is_valid_username, username_key
from accounts.exceptions import InvalidCredentials, UnknownUser, UsernameTaken
from accounts.links.claims import entity_claims
from accounts.models import APPROVED, DEFAULT_ROLES, EntityLink, User
from accounts.signing_key import AccessToken, SigningKey
from cars_shared import outbox
from cars_shared.events import make_event

OFFICER = "officer"


def register_user(session: Session, username: str, email: str, password: str) -> User:
    """Create an account under the username and password rules; queue user_registered."""
    check_username(username)
    check_password(password, username)
    key = username_key(username)
    if session.scalar(select(User.id).where(User.username_key == key)) is not None:
        raise UsernameTaken(username)
    user = User(
        id=str(uuid.uuid4()),
        username=username,
        username_key=key,
        email=email,
        password_hash=hash_password(password),
        roles=list(DEFAULT_ROLES),
        created_at=datetime.now(UTC),
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as error:
        # A concurrent sign-up took the same username between the check and the insert.
        raise UsernameTaken(username) from error
    outbox.add(
        session,
        make_event("accounts", "user_registered", {"user_id": user.id, "username": user.username, "email": user.email}),
    )
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """The account these credentials open; unknown users cost one hash check like known ones."""
    user = None
    if is_valid_username(username):
        user = session.scalar(select(User).where(User.username_key == username_key(username)))
    if user is None:
        verify_password(dummy_hash(), password)
        raise InvalidCredentials()
    if not verify_password(user.password_hash, password):
        raise InvalidCredentials()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def sign_in(session: Session, signing_key: SigningKey, username: str, password: str) -> AccessToken:
    """An access token carrying the user's roles and approved entity links."""
    user = authenticate(session, username, password)
    return signing_key.issue(
        user_id=user.id, username=user.username, roles=list(user.roles), extra_claims=entity_claims(session, user.id)
    )


def user_by_id(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise UnknownUser(user_id)
    return user


def profile(session: Session, user_id: str) -> dict[str, Any]:
    """The account as its owner sees it, with the entities it may act for."""
    user = user_by_id(session, user_id)
    return {
        "user_id": user.id,
        "username": user.username,
        "email": user.email,
        "roles": list(user.roles),
        **entity_claims(session, user.id),
    }


def link_registrant_to_entity(session: Session, event: dict[str, Any]) -> EntityLink:
    """The person who registered an entity becomes its approved officer, once; queue entity_link_approved."""
    entity = event["payload"]
    user = user_by_id(session, entity["registered_by"])
    existing = session.scalar(
        select(EntityLink).where(EntityLink.user_id == user.id, EntityLink.entity_id == entity["entity_id"])
    )
    if existing is not None:
        return existing
    link = EntityLink(
        id=str(uuid.uuid4()),
        user_id=user.id,
        entity_id=entity["entity_id"],
        role=OFFICER,
        status=APPROVED,
        created_at=datetime.now(UTC),
    )
    session.add(link)
    outbox.add(
        session,
        make_event(
            "accounts", "entity_link_approved", {"user_id": user.id, "entity_id": link.entity_id, "role": OFFICER}
        ),
    )
    return link
