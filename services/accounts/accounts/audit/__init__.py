"""The append-only audit log of security events and staff actions."""
