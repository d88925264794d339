"""Vendor organisations, API credentials and entity authorisations.

Revision ID: 0004_vendors
Revises: 0003_links_audit
"""

revision = "0004_vendors"
down_revision = "0003_links_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
