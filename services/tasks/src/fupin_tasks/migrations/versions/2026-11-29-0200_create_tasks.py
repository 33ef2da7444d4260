"""Infrastructure tables, the plan and its matrix, targets, reports, work plans, findings, feeds

Revision ID: t0001
Revises:
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op
from fupin_shared.db.types import JSONType, UtcDateTime
from fupin_shared.outbox.tables import create_infrastructure_tables, drop_infrastructure_tables

revision = "t0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_infrastructure_tables(op)
    op.create_table(
        "plan",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("document_number", sa.String(80), nullable=False),
        sa.Column("issued_on", sa.Date),
        sa.Column("period_start", sa.Integer, nullable=False),
        sa.Column("period_end", sa.Integer, nullable=False),
        sa.Column("lead_unit_rule", sa.String(300), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("document", JSONType, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("loaded_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "unit",
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("division_code", sa.String(12), nullable=False),
        sa.Column("collective", sa.Boolean, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "task",
        sa.Column("plan_id", sa.String(40), sa.ForeignKey("plan.id", name="fk_task_plan_id_plan"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("section", sa.String(8), nullable=False),
        sa.Column("section_title", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("units_text", sa.Text, nullable=False),
        sa.Column("deadlines", JSONType, nullable=False),
        sa.Column("target_ids", JSONType, nullable=False),
        sa.Column("notes", JSONType, nullable=False),
    )
    op.create_table(
        "task_unit",
        sa.Column("plan_id", sa.String(40), sa.ForeignKey("plan.id", name="fk_task_unit_plan_id_plan"),
                  primary_key=True),
        sa.Column("task_number", sa.Integer, primary_key=True),
        sa.Column("unit", sa.String(80), sa.ForeignKey("unit.name", name="fk_task_unit_unit_unit"), primary_key=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_task_unit_unit", "task_unit", ["unit", "plan_id"])
    op.create_table(
        "target",
        sa.Column("plan_id", sa.String(40), sa.ForeignKey("plan.id", name="fk_target_plan_id_plan"), primary_key=True),
        sa.Column("id", sa.String(20), primary_key=True),
        sa.Column("task_number", sa.Integer),
        sa.Column("related_tasks", JSONType, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("metric", sa.Text, nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("value_max", sa.Float),
        sa.Column("unit", sa.String(30)),
        sa.Column("comparator", sa.String(8)),
        sa.Column("deadline", sa.Date),
        sa.Column("source", sa.String(80), nullable=False),
        sa.Column("feed", sa.String(60)),
        sa.Column("feed_source", sa.String(20)),
        sa.Column("current_value", sa.Float),
        sa.Column("met", sa.Boolean, nullable=False),
        sa.Column("progress_source", sa.String(20)),
        sa.Column("progress_period", sa.String(7)),
        sa.Column("progress_as_of", UtcDateTime),
        sa.Column("deadline_value", sa.Float),
        sa.Column("deadline_period", sa.String(7)),
        sa.Column("missed_on", sa.Date),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "report",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("plan_id", sa.String(40), sa.ForeignKey("plan.id", name="fk_report_plan_id_plan"), nullable=False),
        sa.Column("task_number", sa.Integer, nullable=False),
        sa.Column("unit", sa.String(80), sa.ForeignKey("unit.name", name="fk_report_unit_unit"), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("division_code", sa.String(12), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("period_kind", sa.String(10), nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("narrative", sa.Text, nullable=False),
        sa.Column("metrics", JSONType, nullable=False),
        sa.Column("first_submitted_at", UtcDateTime, nullable=False),
        sa.Column("first_submitted_on", sa.Date, nullable=False),
        sa.Column("submitted_at", UtcDateTime, nullable=False),
        sa.Column("submitted_by", sa.String(120), nullable=False),
        sa.Column("on_time", sa.Boolean, nullable=False),
        sa.Column("revisions", sa.Integer, nullable=False),
        sa.Column("reviewed_at", UtcDateTime),
        sa.Column("reviewer", sa.String(120)),
        sa.Column("review_comment", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("plan_id", "task_number", "unit", "period", name="uq_report_task_unit_period"),
    )
    op.create_index("ix_report_division_id", "report", ["division_code", "id"])
    op.create_index("ix_report_task", "report", ["plan_id", "task_number", "id"])
    op.create_index("ix_report_state", "report", ["state", "id"])
    op.create_table(
        "report_overdue_notice",
        sa.Column("plan_id", sa.String(40), primary_key=True),
        sa.Column("task_number", sa.Integer, primary_key=True),
        sa.Column("unit", sa.String(80), primary_key=True),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("detected_on", sa.Date, nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "work_plan",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("plan_id", sa.String(40), sa.ForeignKey("plan.id", name="fk_work_plan_plan_id_plan"),
                  nullable=False),
        sa.Column("task_number", sa.Integer, nullable=False),
        sa.Column("unit", sa.String(80), sa.ForeignKey("unit.name", name="fk_work_plan_unit_unit"), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("division_code", sa.String(12), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("milestones", JSONType, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("plan_id", "task_number", "unit", "year", name="uq_work_plan_task_unit_year"),
    )
    op.create_index("ix_work_plan_task", "work_plan", ["plan_id", "task_number", "id"])
    op.create_table(
        "supervision_finding",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("severity", sa.String(12), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("plan_id", sa.String(40)),
        sa.Column("task_number", sa.Integer),
        sa.Column("unit", sa.String(80)),
        sa.Column("division_code", sa.String(12), nullable=False),
        sa.Column("found_on", sa.Date, nullable=False),
        sa.Column("rectify_by", sa.Date, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("evidence", JSONType, nullable=False),
        sa.Column("closed_on", sa.Date),
        sa.Column("closure_comment", sa.Text),
        sa.Column("overdue_notified_on", sa.Date),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_supervision_finding_division_id", "supervision_finding", ["division_code", "id"])
    op.create_index("ix_supervision_finding_state", "supervision_finding", ["state", "rectify_by"])
    op.create_table(
        "fed_household",
        sa.Column("household_id", sa.Uuid, primary_key=True),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("persons", sa.Integer, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("identified", sa.Boolean, nullable=False),
        sa.Column("exited", sa.Boolean, nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False),
        sa.Column("guarantee_year", sa.Integer),
        sa.Column("housing_safe", sa.Boolean),
        sa.Column("water_safe", sa.Boolean),
        sa.Column("medical_insured", sa.Boolean),
        sa.Column("schooling_ok", sa.Boolean),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_fed_household_village", "fed_household", ["village_code"])
    op.create_table(
        "fed_village",
        sa.Column("village_code", sa.String(12), primary_key=True),
        sa.Column("provincial_poor_village", sa.Boolean, nullable=False),
        sa.Column("exited_year", sa.Integer),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "fed_allocation",
        sa.Column("allocation_id", sa.Uuid, primary_key=True),
        sa.Column("known", sa.Boolean, nullable=False),
        sa.Column("division_code", sa.String(12)),
        sa.Column("parent_division_code", sa.String(12)),
        sa.Column("year", sa.Integer),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("disbursed_fen", sa.BigInteger, nullable=False),
        sa.Column("reversal", sa.Boolean, nullable=False),
        sa.Column("disclosed", sa.Boolean, nullable=False),
        sa.Column("extra", JSONType),
    )
    op.create_index("ix_fed_allocation_division", "fed_allocation", ["division_code"])


def downgrade() -> None:
    op.drop_index("ix_fed_allocation_division", "fed_allocation")
    op.drop_table("fed_allocation")
    op.drop_table("fed_village")
    op.drop_index("ix_fed_household_village", "fed_household")
    op.drop_table("fed_household")
    op.drop_index("ix_supervision_finding_state", "supervision_finding")
    op.drop_index("ix_supervision_finding_division_id", "supervision_finding")
    op.drop_table("supervision_finding")
    op.drop_index("ix_work_plan_task", "work_plan")
    op.drop_table("work_plan")
    op.drop_table("report_overdue_notice")
    op.drop_index("ix_report_state", "report")
    op.drop_index("ix_report_task", "report")
    op.drop_index("ix_report_division_id", "report")
    op.drop_table("report")
    op.drop_table("target")
    op.drop_index("ix_task_unit_unit", "task_unit")
    op.drop_table("task_unit")
    op.drop_table("task")
    op.drop_table("unit")
    op.drop_table("plan")
    drop_infrastructure_tables(op)
