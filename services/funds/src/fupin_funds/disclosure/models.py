"""Disclosure (公告公示) tables: the rules as data, the notices, and which projects a notice posts."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fupin_funds.db import Base
from fupin_shared.db import JSONType, UtcDateTime, utc_now, uuid7

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class DisclosureRule(Base):
    __tablename__ = "disclosure_rule"

    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    division_levels: Mapped[list[str]] = mapped_column(JSONType)
    """Levels whose notices this rule governs (city, county, town, village)."""
    public: Mapped[bool] = mapped_column(sa.Boolean)
    min_notice_days: Mapped[int] = mapped_column(sa.Integer)
    gates_disbursement: Mapped[bool] = mapped_column(sa.Boolean)
    label_zh: Mapped[str] = mapped_column(sa.String(60))
    label_en: Mapped[str] = mapped_column(sa.String(80))
    basis: Mapped[str] = mapped_column(sa.String(300))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}


class Disclosure(Base):
    __tablename__ = "disclosure"
    __table_args__ = (
        sa.CheckConstraint("notice_ends_on >= notice_starts_on", name="notice_period"),
        sa.Index("ix_disclosure_division_id", "division_code", "id"),
        sa.Index("ix_disclosure_public_seq", "public_seq", unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid7)
    kind: Mapped[str] = mapped_column(sa.String(40))
    division_code: Mapped[str] = mapped_column(sa.String(12))
    division_name: Mapped[str | None] = mapped_column(sa.String(200))
    year: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(300))
    principles: Mapped[str] = mapped_column(sa.Text)
    sources_by_level: Mapped[dict[str, int]] = mapped_column(JSONType)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    total_amount_fen: Mapped[int] = mapped_column(BIG)
    publisher: Mapped[str] = mapped_column(sa.String(200))
    supervision_phone: Mapped[str] = mapped_column(sa.String(40))
    local_phone: Mapped[str | None] = mapped_column(sa.String(40))
    notice_starts_on: Mapped[date] = mapped_column(sa.Date)
    notice_ends_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20))
    public_seq: Mapped[int | None] = mapped_column(BIG)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    created_by: Mapped[str] = mapped_column(sa.String(120))

    __mapper_args__ = {"version_id_col": version}


class DisclosureItem(Base):
    """A project or allocation posted by a notice (the disbursement gate looks projects up here)."""

    __tablename__ = "disclosure_item"
    __table_args__ = (sa.Index("ix_disclosure_item_project", "project_id"),
                      sa.Index("ix_disclosure_item_allocation", "allocation_id"))

    id: Mapped[int] = mapped_column(BIG, primary_key=True, autoincrement=True)
    disclosure_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("disclosure.id"), index=True)
    project_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    allocation_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
