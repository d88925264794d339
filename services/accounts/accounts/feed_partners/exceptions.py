"""What the feed partner use cases refuse; the routes map each to a problem response."""


class NotPermitted(PermissionError):
    """Only staff signed in with their second factor manage feed partners."""


class FeedPartnerNotFound(LookupError):
    """No feed partner has this id."""


class FeedPartnerRevoked(Exception):
    """The feed partner is revoked; its accounts cannot be changed any more."""


class SlugTaken(Exception):
    """Another feed partner, active or revoked, already has this slug."""


class CredentialNotFound(LookupError):
    """The feed partner has no active API key with this key id."""


class TooManyCredentials(Exception):
    """The feed partner already holds the most active API keys allowed."""


class WrongPartnerSecret(Exception):
    """The key id or the secret is wrong, or the key or its partner is revoked; deliberately not saying which."""
