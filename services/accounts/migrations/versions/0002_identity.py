"""Identity: e-mail verification, password reset, MFA, sessions and sign-in throttling.

Revision ID: 0002_identity
Revises: 0001
"""

revision = "0002_identity"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
