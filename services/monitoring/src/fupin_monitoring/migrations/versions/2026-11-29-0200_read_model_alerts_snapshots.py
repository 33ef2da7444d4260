"""The full read model (last states, counters, divisions), alerts and year-end snapshots

Revision ID: m0002
Revises: m0001
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from fupin_shared.db.types import JSONType, UtcDateTime

revision = "m0002"
down_revision = "m0001"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("household_view") as batch:
        batch.add_column(sa.Column("labour_type", sa.String(40)))
        batch.add_column(sa.Column("poverty_causes", JSONType))
        batch.add_column(sa.Column("guarantee_type", sa.String(40)))
        batch.add_column(sa.Column("last_year", sa.Integer))
        batch.add_column(sa.Column("identified_year", sa.Integer))
        batch.add_column(sa.Column("exited_year", sa.Integer))
        batch.add_column(sa.Column("disaster", sa.Boolean))
    with op.batch_alter_table("view_state") as batch:
        batch.add_column(sa.Column("max_year", sa.Integer))
        batch.add_column(sa.Column("lag_ms", sa.Integer))

    op.create_table(
        "member_view",
        sa.Column("member_id", sa.Uuid, primary_key=True),
        sa.Column("household_id", sa.Uuid, nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("birth_date", sa.Date),
        sa.Column("sex", sa.String(12)),
        sa.Column("in_school", sa.Boolean),
        sa.Column("health", sa.String(40)),
        sa.Column("disability_grade", sa.Integer),
        sa.Column("medical_insurance", sa.Boolean),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("flags", sa.Integer, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_member_view_household_id", "member_view", ["household_id"])
    op.create_table(
        "household_year",
        sa.Column("household_id", sa.Uuid, primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("per_capita_income_fen", BIG),
        sa.Column("line_fen", BIG),
        sa.Column("labour_capacity", sa.Boolean),
        sa.Column("food", sa.Boolean),
        sa.Column("clothing", sa.Boolean),
        sa.Column("compulsory_education", sa.Boolean),
        sa.Column("basic_medical", sa.Boolean),
        sa.Column("housing_safety", sa.String(4)),
        sa.Column("drinking_water", sa.Boolean),
        sa.Column("compliant", sa.Boolean),
    )
    op.create_table(
        "village_view",
        sa.Column("village_code", sa.String(12), primary_key=True),
        sa.Column("provincial_poor", sa.Boolean, nullable=False),
        sa.Column("exited_year", sa.Integer),
    )
    op.create_table(
        "village_year",
        sa.Column("village_code", sa.String(12), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("provincial_poor", sa.Boolean, nullable=False),
        sa.Column("eligible", sa.Boolean, nullable=False),
        sa.Column("per_capita_income_fen", BIG),
        sa.Column("failed", JSONType),
    )
    op.create_table(
        "allocation_view",
        sa.Column("allocation_id", sa.Uuid, primary_key=True),
        sa.Column("division_code", sa.String(12)),
        sa.Column("parent_division_code", sa.String(12)),
        sa.Column("parent_allocation_id", sa.Uuid),
        sa.Column("year", sa.Integer),
        sa.Column("amount_fen", BIG),
        sa.Column("source_level", sa.String(20)),
        sa.Column("reversal", sa.Boolean),
        sa.Column("allocated_on", sa.Date),
        sa.Column("disclosed_on", sa.Date),
        sa.Column("disclosed_timely", sa.Boolean),
        sa.Column("disbursed_fen", BIG, nullable=False),
        sa.Column("reallocated_fen", BIG, nullable=False),
        sa.Column("last_moved_on", sa.Date),
    )
    op.create_table(
        "item_view",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("item_id", sa.String(80), primary_key=True),
        sa.Column("division_code", sa.String(12), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("state", JSONType, nullable=False),
    )
    op.create_table(
        "assessment_result",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("subject", sa.String(120), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("total", sa.Float, nullable=False),
        sa.Column("grade", sa.String(20), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("assessment_id", sa.Uuid, nullable=False),
    )
    op.create_table(
        "view_counter",
        sa.Column("division_code", sa.String(12), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("metric", sa.String(40), primary_key=True),
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("value", BIG, nullable=False),
    )
    op.create_table(
        "view_division",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("parent_code", sa.String(12)),
        sa.Column("level", sa.String(10), nullable=False),
    )
    op.create_index("ix_view_division_parent_code", "view_division", ["parent_code"])
    op.create_table(
        "alert",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("subject_key", sa.String(200), nullable=False),
        sa.Column("division_code", sa.String(12), nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("household_id", sa.Uuid),
        sa.Column("member_id", sa.Uuid),
        sa.Column("unit", sa.String(120)),
        sa.Column("detail", JSONType, nullable=False),
        sa.Column("raised_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date),
        sa.Column("assignee", sa.String(120)),
        sa.Column("resolution", sa.String(500)),
        sa.Column("note", sa.String(500)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("resolved_at", UtcDateTime),
    )
    op.create_index("ix_alert_division_code", "alert", ["division_code", "id"])
    op.create_index("ix_alert_household_id", "alert", ["household_id"])
    op.create_index("uq_alert_active_subject", "alert", ["subject_key"], unique=True,
                    postgresql_where=sa.text("state <> 'resolved'"), sqlite_where=sa.text("state <> 'resolved'"))
    op.create_table(
        "alert_counter",
        sa.Column("division_code", sa.String(12), primary_key=True),
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("state", sa.String(16), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "year_snapshot",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("snapshot_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("frozen_at", UtcDateTime, nullable=False),
        sa.Column("frozen_by", sa.String(120), nullable=False),
        sa.Column("as_of", UtcDateTime),
        sa.Column("events_applied", sa.BigInteger, nullable=False),
        sa.Column("subjects", JSONType, nullable=False),
        sa.Column("metrics", JSONType, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("year_snapshot")
    op.drop_table("alert_counter")
    op.drop_index("uq_alert_active_subject", "alert")
    op.drop_index("ix_alert_household_id", "alert")
    op.drop_index("ix_alert_division_code", "alert")
    op.drop_table("alert")
    op.drop_index("ix_view_division_parent_code", "view_division")
    op.drop_table("view_division")
    op.drop_table("view_counter")
    op.drop_table("assessment_result")
    op.drop_table("item_view")
    op.drop_table("allocation_view")
    op.drop_table("village_year")
    op.drop_table("village_view")
    op.drop_table("household_year")
    op.drop_index("ix_member_view_household_id", "member_view")
    op.drop_table("member_view")
    with op.batch_alter_table("view_state") as batch:
        batch.drop_column("lag_ms")
        batch.drop_column("max_year")
    with op.batch_alter_table("household_view") as batch:
        for column in ("disaster", "exited_year", "identified_year", "last_year", "guarantee_type", "poverty_causes",
                       "labour_type"):
            batch.drop_column(column)
