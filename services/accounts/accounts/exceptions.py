"""What the accounts use cases refuse; the gateway maps each to a problem response."""


class UsernameTaken(Exception):
    """Another account already has this username (in any letter case)."""


class InvalidCredentials(Exception):
    """The username or the password is wrong; deliberately not saying which."""


class UnknownUser(LookupError):
    """No account has this id."""
