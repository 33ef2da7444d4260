"""Signals keep the poster's division and when they were matched (late re-matching); DCI async transactions

Revision ID: r0006
Revises: r0005
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from fupin_shared.db.types import JSONType, UtcDateTime

revision = "r0006"
down_revision = "r0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signal") as batch:
        batch.add_column(sa.Column("poster_division", sa.String(12)))
        batch.add_column(sa.Column("matched_at", UtcDateTime))
    # signals kept so far: the division they are listed at is inside the poster's (the narrower, safe scope)
    op.execute("UPDATE signal SET poster_division = division_code")
    op.execute("UPDATE signal SET matched_at = received_at WHERE matched")
    with op.batch_alter_table("signal") as batch:
        batch.alter_column("poster_division", existing_type=sa.String(12), nullable=False)
    op.create_table(
        "dci_transaction",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("client_id", sa.String(120), nullable=False),
        sa.Column("transaction_id", sa.String(200), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("sender_id", sa.String(200), nullable=False),
        sa.Column("sender_uri", sa.String(500)),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("division_code", sa.String(12), nullable=False),
        sa.Column("scopes", JSONType, nullable=False),
        sa.Column("request", JSONType, nullable=False),
        sa.Column("response", JSONType),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("callback_status", sa.String(16)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UtcDateTime),
        sa.Column("last_error", sa.String(500)),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("completed_at", UtcDateTime),
        sa.UniqueConstraint("client_id", "transaction_id", name="uq_dci_transaction_client"),
    )
    op.create_index("ix_dci_transaction_due", "dci_transaction", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_dci_transaction_due", table_name="dci_transaction")
    op.drop_table("dci_transaction")
    with op.batch_alter_table("signal") as batch:
        batch.drop_column("matched_at")
        batch.drop_column("poster_division")
