"""Access-token verification against the public keys accounts serves (JWKS, keys chosen by `kid`)."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from flask import current_app, g, request

from cars_shared.logging import get_logger
from cars_shared.web.problems import Unauthorized

log = get_logger(__name__)

ALGORITHM = "EdDSA"
ISSUER = "cars-accounts"
AUDIENCE = "cars"
VERIFIED_KEPT = 4096
"""Most verified tokens a gateway process remembers; past it, it starts again empty."""
VERIFIED_SECONDS = 60.0
"""How long a verified token is taken on trust without checking its signature again (never past its expiry)."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: from a verified access token."""

    user_id: str
    username: str
    roles: tuple[str, ...]
    claims: dict[str, Any]


class TokenVerifier:
    """Verifies access tokens locally against the key set accounts serves.

    The key set is refetched when a token names an unknown key id (at most every `refetch_after` seconds)
    and whenever it is older than `max_key_age`, so a key accounts retired stops verifying soon after.
    A token already verified is trusted again for up to `VERIFIED_SECONDS`, never past its expiry nor once the key
    that verified it is retired or refetched: a client sending many requests pays for the signature check once a
    minute.
    """

    def __init__(
        self,
        jwks_url: str | None = None,
        keys: dict[str, Any] | None = None,
        refetch_after: float = 30.0,
        max_key_age: float = 300.0,
    ) -> None:
        self.jwks_url = jwks_url
        self._keys: dict[str, Any] = dict(keys or {})
        self._fetched_at = 0.0
        self._refetch_after = refetch_after
        self._max_key_age = max_key_age
        self._lock = threading.Lock()
        self._verified: dict[str, tuple[float, str, Any, Principal]] = {}
        """Token -> (trusted until, the id and the key that verified it, who it names)."""

    def _refresh(self, min_interval: float) -> None:
        if not self.jwks_url:
            return
        with self._lock:
            if time.monotonic() - self._fetched_at < min_interval and self._keys:
                return
            response = requests.get(self.jwks_url, timeout=5)
            response.raise_for_status()
            keys = {}
            for jwk in response.json().get("keys", []):
                keys[jwk["kid"]] = jwt.PyJWK(jwk, algorithm=ALGORITHM).key
            self._keys = keys
            self._fetched_at = time.monotonic()

    def _refresh_if_old(self) -> None:
        if self.jwks_url and time.monotonic() - self._fetched_at >= self._max_key_age:
            try:
                self._refresh(self._max_key_age)
            except requests.RequestException:
                # Keep verifying with the keys already known while accounts is briefly unreachable.
                log.warning("jwks_refresh_failed", exc_info=True)

    def _key(self, kid: str) -> Any:
        if kid not in self._keys:
            try:
                self._refresh(self._refetch_after)
            except requests.RequestException as error:
                raise Unauthorized("The token cannot be checked right now; try again.") from error
        if kid not in self._keys:
            raise Unauthorized("The access token was signed by an unknown key.")
        return self._keys[kid]

    def verify(self, token: str) -> Principal:
        now = time.time()
        self._refresh_if_old()
        known = self._verified.get(token)
        # Trusted again only while the very key that verified it still verifies: a retired or refreshed key ends it.
        if known is not None and now < known[0] and self._key(known[1]) is known[2]:
            return known[3]
        kid, key, principal = self._verified_now(token)
        if len(self._verified) >= VERIFIED_KEPT:
            self._verified = {}
        self._verified[token] = (min(float(principal.claims["exp"]), now + VERIFIED_SECONDS), kid, key, principal)
        return principal

    def _verified_now(self, token: str) -> tuple[str, Any, Principal]:
        try:
            kid = jwt.get_unverified_header(token).get("kid", "")
            key = self._key(kid)
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthorized("The access token has expired.") from error
        except jwt.InvalidTokenError as error:
            raise Unauthorized("The access token is not valid.") from error
        return kid, key, Principal(claims["sub"], claims.get("username", ""), tuple(claims.get("roles", ())), claims)


def sign_access_token(
    private_key: Any,
    kid: str,
    *,
    user_id: str,
    username: str,
    roles: tuple[str, ...] | list[str],
    ttl_seconds: int,
    extra_claims: dict[str, Any] | None = None,
) -> str:
    """An access token in the format every gateway verifies (EdDSA JWT with `kid`)."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": user_id,
        "username": username,
        "roles": list(roles),
        "iat": now,
        "exp": now + ttl_seconds,
        **(extra_claims or {}),
    }
    return jwt.encode(claims, private_key, algorithm=ALGORITHM, headers={"kid": kid})


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Sign in and send the access token as 'Authorization: Bearer <token>'.")
    return token.strip()


def current_principal() -> Principal:
    """The verified caller of this request (401 problem without a valid token)."""
    if "principal" not in g:
        g.principal = current_app.extensions["cars.verifier"].verify(bearer_token())
    return g.principal


def authenticated(view: Callable) -> Callable:
    """Require a valid access token before the view runs."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        current_principal()
        return view(*args, **kwargs)

    return wrapper
