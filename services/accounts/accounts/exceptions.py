"""What the accounts use cases refuse; the gateway maps each to a problem response."""

from __future__ import annotations


class UsernameTaken(Exception):
    """Another account already has this username (in any letter case)."""


class UnknownUser(LookupError):
    """No account has this id."""


class RecordedRefusal(Exception):
    """A refusal whose records (failure counts, audit entries) are committed before it is answered."""


class InvalidCredentials(RecordedRefusal):
    """The username or the password is wrong; deliberately not saying which."""


class TooManyAttempts(RecordedRefusal):
    """Too many failed sign-ins for this account or client address; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class InvalidChallenge(RecordedRefusal):
    """The MFA challenge is unknown, used up or expired: sign in again."""


class InvalidSecondFactor(RecordedRefusal):
    """The TOTP or recovery code is wrong or already used."""


class InvalidToken(RecordedRefusal):
    """An e-mailed link's token is unknown, used or expired; `purpose` says which kind of link."""

    def __init__(self, purpose: str) -> None:
        super().__init__(purpose)
        self.purpose = purpose


class InvalidRefreshToken(RecordedRefusal):
    """The refresh token is unknown, expired, revoked, or a rotated one presented again."""


class ConfirmationFailed(RecordedRefusal):
    """The password or code confirming a change is not correct; `field` names the input."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class MfaStateConflict(Exception):
    """The MFA step does not fit the account's state (already enrolled, nothing pending, not enrolled)."""


class InvalidEnrolmentCode(Exception):
    """The code confirming a new authenticator is wrong."""


class EmailAlreadyVerified(Exception):
    """The address is verified already; nothing to send."""


class UnknownSession(LookupError):
    """The caller has no active session with this id."""
