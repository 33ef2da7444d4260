"""Members, yearly records, divisions, villages, poverty lines, import jobs; household lifecycle columns

Revision ID: r0002
Revises: r0001
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

from fupin_shared.db.types import JSONType, UtcDateTime

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None

HOUSEHOLD_COLUMNS = [
    sa.Column("household_no", sa.String(30)),
    sa.Column("guarantee_type", sa.String(16), nullable=False, server_default="none"),
    sa.Column("cause_mask", sa.Integer, nullable=False, server_default="0"),
    sa.Column("assisting_cadre_phone", sa.String(20)),
    sa.Column("assisting_unit", sa.String(120)),
    sa.Column("phone", sa.String(20)),
    sa.Column("one_card_account", sa.String(40)),
    sa.Column("address", sa.String(200)),
    sa.Column("registered_year", sa.Integer),
    sa.Column("identified_year", sa.Integer),
    sa.Column("exit_year", sa.Integer),
    sa.Column("exit_path", sa.String(32)),
    sa.Column("return_year", sa.Integer),
    sa.Column("return_cause", sa.String(32)),
    sa.Column("removal_year", sa.Integer),
    sa.Column("removal_reason", sa.String(32)),
    sa.Column("notice_kind", sa.String(16)),
    sa.Column("notice_started_on", sa.Date),
    sa.Column("notice_ends_on", sa.Date),
    sa.Column("last_step_on", sa.Date),
    sa.Column("import_hash", sa.String(32)),
]


def upgrade() -> None:
    for column in HOUSEHOLD_COLUMNS:
        op.add_column("household", column)
    op.create_index("ix_household_household_no", "household", ["household_no"], unique=True)

    op.create_table(
        "member",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("household_id", sa.Uuid, sa.ForeignKey("household.id", name="fk_member_household_id_household"),
                  nullable=False),
        sa.Column("id_number", sa.String(18), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("sex", sa.String(8), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("relation", sa.String(24), nullable=False),
        sa.Column("in_school", sa.Boolean, nullable=False),
        sa.Column("education", sa.String(16)),
        sa.Column("health", sa.String(24), nullable=False),
        sa.Column("disability_grade", sa.SmallInteger),
        sa.Column("medical_insurance", sa.Boolean, nullable=False),
        sa.Column("pension_insurance", sa.Boolean, nullable=False),
        sa.Column("labour_skill", sa.String(16)),
        sa.Column("employment", sa.String(16)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("left_on", sa.Date),
        sa.Column("left_reason", sa.String(24)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_member_household_id", "member", ["household_id"])
    op.create_index("uq_member_active_id_number", "member", ["id_number"], unique=True,
                    postgresql_where=sa.text("active"), sqlite_where=sa.text("active = 1"))

    op.create_table(
        "household_income",
        sa.Column("household_id", sa.Uuid, sa.ForeignKey("household.id",
                  name="fk_household_income_household_id_household"), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("wage_fen", sa.BigInteger, nullable=False),
        sa.Column("production_fen", sa.BigInteger, nullable=False),
        sa.Column("production_cost_fen", sa.BigInteger, nullable=False),
        sa.Column("property_fen", sa.BigInteger, nullable=False),
        sa.Column("transfer_fen", sa.BigInteger, nullable=False),
        sa.Column("disposable_fen", sa.BigInteger, nullable=False),
        sa.Column("persons", sa.Integer, nullable=False),
        sa.Column("per_capita_fen", sa.BigInteger, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "household_guarantee",
        sa.Column("household_id", sa.Uuid, sa.ForeignKey("household.id",
                  name="fk_household_guarantee_household_id_household"), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("food", sa.Boolean, nullable=False),
        sa.Column("clothing", sa.Boolean, nullable=False),
        sa.Column("compulsory_education", sa.Boolean, nullable=False),
        sa.Column("basic_medical", sa.Boolean, nullable=False),
        sa.Column("housing_safety", sa.String(1), nullable=False),
        sa.Column("drinking_water", sa.Boolean, nullable=False),
        sa.Column("compliant", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("assessed_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "measure",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("household_id", sa.Uuid, sa.ForeignKey("household.id", name="fk_measure_household_id_household"),
                  nullable=False),
        sa.Column("measure_type", sa.String(24), nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("given_on", sa.Date, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("unit", sa.String(120)),
        sa.Column("plan_task", sa.SmallInteger),
        sa.Column("description", sa.String(500)),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_measure_household_id", "measure", ["household_id", "id"])

    op.create_table(
        "division",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("parent_code", sa.String(12)),
        sa.Column("provincial_poor_village", sa.Boolean, nullable=False),
        sa.Column("exited_year", sa.Integer),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_division_parent_code", "division", ["parent_code", "code"])
    op.create_table(
        "natural_village",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("households", sa.Integer, nullable=False),
    )
    op.create_index("ix_natural_village_village_code", "natural_village", ["village_code", "id"])
    op.create_table(
        "village_record",
        sa.Column("village_code", sa.String(12), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("collective_income_fen", sa.BigInteger, nullable=False),
        sa.Column("per_capita_income_fen", sa.BigInteger, nullable=False),
        sa.Column("hardened_roads", JSONType, nullable=False),
        sa.Column("clean_village", sa.Boolean, nullable=False),
        sa.Column("drinking_water", sa.Boolean, nullable=False),
        sa.Column("network", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "poverty_line",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("household_line_fen", sa.BigInteger, nullable=False),
        sa.Column("village_line_fen", sa.BigInteger, nullable=False),
        sa.Column("provincial_rural_income_fen", sa.BigInteger),
        sa.Column("basis", sa.String(300)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "import_job",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("division", sa.String(12), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("file_format", sa.String(8), nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("spool_path", sa.String(500)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("bytes_read", sa.BigInteger, nullable=False),
        sa.Column("households_created", sa.Integer, nullable=False),
        sa.Column("households_unchanged", sa.Integer, nullable=False),
        sa.Column("households_rejected", sa.Integer, nullable=False),
        sa.Column("persons_created", sa.Integer, nullable=False),
        sa.Column("rows_rejected", sa.Integer, nullable=False),
        sa.Column("error_count", sa.Integer, nullable=False),
        sa.Column("failure", sa.String(1000)),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("started_at", UtcDateTime),
        sa.Column("finished_at", UtcDateTime),
    )
    op.create_index("ix_import_job_division_id", "import_job", ["division", "id"])
    op.create_table(
        "import_row_error",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("job_id", sa.Uuid, sa.ForeignKey("import_job.id", name="fk_import_row_error_job_id_import_job"),
                  nullable=False),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("column", sa.String(60)),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("household_no", sa.String(30)),
    )
    op.create_index("ix_import_row_error_job_id", "import_row_error", ["job_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_import_row_error_job_id", "import_row_error")
    op.drop_table("import_row_error")
    op.drop_index("ix_import_job_division_id", "import_job")
    op.drop_table("import_job")
    op.drop_table("poverty_line")
    op.drop_table("village_record")
    op.drop_index("ix_natural_village_village_code", "natural_village")
    op.drop_table("natural_village")
    op.drop_index("ix_division_parent_code", "division")
    op.drop_table("division")
    op.drop_index("ix_measure_household_id", "measure")
    op.drop_table("measure")
    op.drop_table("household_guarantee")
    op.drop_table("household_income")
    op.drop_index("uq_member_active_id_number", "member")
    op.drop_index("ix_member_household_id", "member")
    op.drop_table("member")
    op.drop_index("ix_household_household_no", "household")
    with op.batch_alter_table("household") as batch:
        for column in reversed(HOUSEHOLD_COLUMNS):
            batch.drop_column(column.name)
