"""Infrastructure tables, frameworks, assessments, published results, appeals, read copies
(snapshots, findings, sampling frame) and samples

Revision ID: a0001
Revises:
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from fupin_shared.db.types import JSONType, UtcDateTime
from fupin_shared.outbox.tables import create_infrastructure_tables, drop_infrastructure_tables

revision = "a0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_infrastructure_tables(op)
    op.create_table(
        "framework",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("document", JSONType, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "assessment",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False, unique=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("framework", JSONType),
        sa.Column("framework_version", sa.Integer),
        sa.Column("snapshot_id", sa.Uuid),
        sa.Column("snapshot_frozen_at", UtcDateTime),
        sa.Column("scored_at", UtcDateTime),
        sa.Column("published_version", sa.Integer, nullable=False),
        sa.Column("published_at", UtcDateTime),
        sa.Column("appeal_deadline", UtcDateTime),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "assessment_subject",
        sa.Column("assessment_id", sa.Uuid, sa.ForeignKey("assessment.id"), primary_key=True),
        sa.Column("subject", sa.String(120), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("division_code", sa.String(12), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_assessment_subject_kind", "assessment_subject", ["assessment_id", "kind", "subject"])
    op.create_table(
        "indicator_score",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("assessment_id", sa.Uuid, sa.ForeignKey("assessment.id"), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("indicator_code", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("dimension", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("source", sa.String(60), nullable=False),
        sa.Column("rule", JSONType, nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("score", sa.Float),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("evidence", JSONType, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("scored_by", sa.String(120)),
        sa.Column("scored_at", UtcDateTime),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("assessment_id", "subject", "indicator_code", name="uq_indicator_score_subject_code"),
    )
    op.create_table(
        "deduction",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("assessment_id", sa.Uuid, sa.ForeignKey("assessment.id"), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("rule_code", sa.String(20), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("finding_id", sa.Uuid),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("requested_points", sa.Float, nullable=False),
        sa.Column("manual", sa.Boolean, nullable=False),
        sa.Column("evidence", JSONType, nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_deduction_subject", "deduction", ["assessment_id", "subject"])
    op.create_table(
        "publication",
        sa.Column("assessment_id", sa.Uuid, sa.ForeignKey("assessment.id"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("snapshot_id", sa.Uuid),
        sa.Column("correction_reason", sa.Text),
        sa.Column("appeal_deadline", UtcDateTime, nullable=False),
        sa.Column("published_by", sa.String(120), nullable=False),
        sa.Column("published_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "published_result",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("assessment_id", sa.Uuid, sa.ForeignKey("assessment.id"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("division_code", sa.String(12), nullable=False),
        sa.Column("indicator_total", sa.Float, nullable=False),
        sa.Column("deduction_total", sa.Float, nullable=False),
        sa.Column("total", sa.Float, nullable=False),
        sa.Column("grade", sa.String(20), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("ranked", sa.Integer, nullable=False),
        sa.Column("detail", JSONType, nullable=False),
        sa.Column("published_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("year", "version", "subject", name="uq_published_result_year_version_subject"),
    )
    op.create_index("ix_published_result_rank", "published_result", ["year", "version", "kind", "rank", "subject"])
    op.create_table(
        "appeal",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("assessment_id", sa.Uuid, sa.ForeignKey("assessment.id"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("division_code", sa.String(12), nullable=False),
        sa.Column("result_version", sa.Integer, nullable=False),
        sa.Column("indicator_codes", JSONType, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("resolution", sa.Text),
        sa.Column("filed_by", sa.String(120), nullable=False),
        sa.Column("filed_at", UtcDateTime, nullable=False),
        sa.Column("decided_by", sa.String(120)),
        sa.Column("decided_at", UtcDateTime),
        sa.Column("corrected_in_version", sa.Integer),
    )
    op.create_index("ix_appeal_year_subject", "appeal", ["year", "subject", "id"])
    op.create_table(
        "snapshot",
        sa.Column("snapshot_id", sa.Uuid, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("frozen_at", UtcDateTime, nullable=False),
        sa.Column("received_at", UtcDateTime, nullable=False),
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("subjects", sa.Integer, nullable=False),
        sa.Column("metrics", JSONType, nullable=False),
    )
    op.create_index("ix_snapshot_year_frozen", "snapshot", ["year", "frozen_at"])
    op.create_table(
        "finding",
        sa.Column("finding_id", sa.Uuid, primary_key=True),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("severity", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("unit", sa.String(120)),
        sa.Column("division_code", sa.String(12)),
        sa.Column("rectify_by", sa.Date),
        sa.Column("closed_on", sa.Date),
        sa.Column("overdue", sa.Boolean, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_finding_year", "finding", ["year", "origin"])
    op.create_table(
        "frame_household",
        sa.Column("household_id", sa.Uuid, primary_key=True),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("persons", sa.Integer, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_frame_household_village", "frame_household", ["village_code", "status"])
    op.create_table(
        "frame_member",
        sa.Column("member_id", sa.Uuid, primary_key=True),
        sa.Column("household_id", sa.Uuid, nullable=False),
        sa.Column("disability_grade", sa.Integer),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_frame_member_household", "frame_member", ["household_id"])
    op.create_table(
        "sample",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("seed", sa.String(100), nullable=False),
        sa.Column("rule", JSONType, nullable=False),
        sa.Column("frame_households", sa.Integer, nullable=False),
        sa.Column("frame_fingerprint", sa.String(64), nullable=False),
        sa.Column("households", sa.Integer, nullable=False),
        sa.Column("villages", sa.Integer, nullable=False),
        sa.Column("counties", JSONType, nullable=False),
        sa.Column("shortfalls", JSONType, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "sample_household",
        sa.Column("sample_id", sa.Uuid, sa.ForeignKey("sample.id"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("town_code", sa.String(12), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("household_id", sa.Uuid, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("persons", sa.Integer, nullable=False),
        sa.Column("has_disabled", sa.Boolean, nullable=False),
    )
    op.create_index("ix_sample_household_county", "sample_household", ["sample_id", "county_code", "seq"])


def downgrade() -> None:
    op.drop_index("ix_sample_household_county", "sample_household")
    op.drop_table("sample_household")
    op.drop_table("sample")
    op.drop_index("ix_frame_member_household", "frame_member")
    op.drop_table("frame_member")
    op.drop_index("ix_frame_household_village", "frame_household")
    op.drop_table("frame_household")
    op.drop_index("ix_finding_year", "finding")
    op.drop_table("finding")
    op.drop_index("ix_snapshot_year_frozen", "snapshot")
    op.drop_table("snapshot")
    op.drop_index("ix_appeal_year_subject", "appeal")
    op.drop_table("appeal")
    op.drop_index("ix_published_result_rank", "published_result")
    op.drop_table("published_result")
    op.drop_table("publication")
    op.drop_index("ix_deduction_subject", "deduction")
    op.drop_table("deduction")
    op.drop_table("indicator_score")
    op.drop_index("ix_assessment_subject_kind", "assessment_subject")
    op.drop_table("assessment_subject")
    op.drop_table("assessment")
    op.drop_table("framework")
    drop_infrastructure_tables(op)
