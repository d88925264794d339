"""Who may manage partner webhooks: a feed partner's access token, acting only on its own webhooks."""

from __future__ import annotations

from cars_shared.web.auth import Principal
from cars_shared.web.problems import Forbidden

FEED_PARTNER_ROLE = "feed_partner"
FEED_PARTNER_CLAIM = "feed_partner_id"


def feed_partner(principal: Principal) -> str:
    """The caller's feed partner id; 403 for any other token."""
    partner_id = principal.claims.get(FEED_PARTNER_CLAIM)
    if FEED_PARTNER_ROLE not in principal.roles or not isinstance(partner_id, str) or not partner_id:
        raise Forbidden("Only an integration partner's token (role feed_partner) may manage partner webhooks.")
    return partner_id
