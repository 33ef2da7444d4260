"""Import jobs count the households a re-import updated.

Revision ID: r0007
Revises: r0006
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "r0007"
down_revision = "r0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_job") as batch:
        batch.add_column(sa.Column("households_updated", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("import_job") as batch:
        batch.drop_column("households_updated")
