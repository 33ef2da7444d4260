"""Registry tables for households and their members."""
from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_registry.db import Base
from fupin_shared.db import JSONType, UtcDateTime, utc_now, uuid7


class Household(Base):
    """A registered household (建档立卡户). Never deleted: removal is a status."""

    __tablename__ = "household"
    __table_args__ = (
        sa.Index("ix_household_division_id", "village_code", "id"),
        sa.Index("ix_household_household_no", "household_no", unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    household_no: Mapped[str | None] = mapped_column(sa.String(30))
    """The county's household number (户编号); the importer matches households by it."""
    village_code: Mapped[str] = mapped_column(sa.String(12))
    status: Mapped[str] = mapped_column(sa.String(32))
    head_name: Mapped[str] = mapped_column(sa.String(60))
    head_id_number: Mapped[str] = mapped_column(sa.String(18))
    persons: Mapped[int] = mapped_column(sa.Integer)
    labour_type: Mapped[str | None] = mapped_column(sa.String(40))
    guarantee_type: Mapped[str] = mapped_column(sa.String(16), default="none")
    poverty_causes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    cause_mask: Mapped[int] = mapped_column(sa.Integer, default=0)
    assisting_cadre: Mapped[str | None] = mapped_column(sa.String(60))
    assisting_cadre_phone: Mapped[str | None] = mapped_column(sa.String(20))
    assisting_unit: Mapped[str | None] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    one_card_account: Mapped[str | None] = mapped_column(sa.String(40))
    address: Mapped[str | None] = mapped_column(sa.String(200))
    registered_year: Mapped[int | None] = mapped_column(sa.Integer)
    identified_year: Mapped[int | None] = mapped_column(sa.Integer)
    exit_year: Mapped[int | None] = mapped_column(sa.Integer)
    exit_path: Mapped[str | None] = mapped_column(sa.String(32))
    return_year: Mapped[int | None] = mapped_column(sa.Integer)
    return_cause: Mapped[str | None] = mapped_column(sa.String(32))
    removal_year: Mapped[int | None] = mapped_column(sa.Integer)
    removal_reason: Mapped[str | None] = mapped_column(sa.String(32))
    notice_kind: Mapped[str | None] = mapped_column(sa.String(16))
    notice_started_on: Mapped[date | None] = mapped_column(sa.Date)
    notice_ends_on: Mapped[date | None] = mapped_column(sa.Date)
    last_step_on: Mapped[date | None] = mapped_column(sa.Date)
    import_hash: Mapped[str | None] = mapped_column(sa.String(32))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}


class Member(Base):
    """A person in a household. ``active`` is true while the person counts as a member of a household
    that is not removed: an ID number is active in at most one household (unique partial index)."""

    __tablename__ = "member"
    __table_args__ = (
        sa.Index("ix_member_household_id", "household_id"),
        sa.Index("uq_member_active_id_number", "id_number", unique=True,
                 postgresql_where=sa.text("active"), sqlite_where=sa.text("active = 1")),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    household_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("household.id"))
    id_number: Mapped[str] = mapped_column(sa.String(18))
    name: Mapped[str] = mapped_column(sa.String(60))
    sex: Mapped[str] = mapped_column(sa.String(8))
    birth_date: Mapped[date] = mapped_column(sa.Date)
    relation: Mapped[str] = mapped_column(sa.String(24))
    in_school: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    education: Mapped[str | None] = mapped_column(sa.String(16))
    health: Mapped[str] = mapped_column(sa.String(24), default="healthy")
    disability_grade: Mapped[int | None] = mapped_column(sa.SmallInteger)
    medical_insurance: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    pension_insurance: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    labour_skill: Mapped[str | None] = mapped_column(sa.String(16))
    employment: Mapped[str | None] = mapped_column(sa.String(16))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    left_on: Mapped[date | None] = mapped_column(sa.Date)
    left_reason: Mapped[str | None] = mapped_column(sa.String(24))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}
