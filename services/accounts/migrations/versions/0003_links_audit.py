"""Entity link requests, roles, partner grants and the audit log.

Revision ID: 0003_links_audit
Revises: 0002_identity
"""

revision = "0003_links_audit"
down_revision = "0002_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
