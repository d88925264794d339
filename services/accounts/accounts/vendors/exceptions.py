"""What the vendor use cases refuse; the vendor routes map each to a problem response."""


class VendorNotFound(LookupError):
    """No vendor organisation has this id."""


class CredentialNotFound(LookupError):
    """The vendor has no API key with this key id."""


class AuthorisationNotFound(LookupError):
    """The vendor holds no authorisation for this entity."""


class NotPermitted(PermissionError):
    """The caller may not do this to this vendor or entity; `field` names the input that decided it."""

    def __init__(self, detail: str, field: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class TooManyCredentials(Exception):
    """The vendor already holds the most active API keys allowed."""


class AlreadyAuthorised(Exception):
    """The vendor is already authorised to file for this entity."""


class WrongVendorSecret(Exception):
    """The key id or the secret is wrong, or the key is revoked; deliberately not saying which."""


class KeyLocked(Exception):
    """Too many failed secret checks of this key id; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after
