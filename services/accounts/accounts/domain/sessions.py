"""Sign-in sessions: how long one lives and how long an MFA challenge waits for its code."""

from __future__ import annotations

from datetime import timedelta

# A session (one refresh-token family) ends this long after sign-in, however often it is refreshed.
SESSION_LIFETIME = timedelta(days=30)
MFA_CHALLENGE_LIFETIME = timedelta(minutes=5)
MFA_CHALLENGE_ATTEMPTS = 5
