"""Feeds: pgcrypto, so PostgreSQL computes the HMAC pseudonyms of the feeds (COPY export).

Revision ID: r0005
Revises: r0004
Create Date: 2026-11-29
"""
from alembic import op

revision = "r0005"
down_revision = "r0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")


def downgrade() -> None:
    """pgcrypto may be used by others in the database; it is left installed."""
