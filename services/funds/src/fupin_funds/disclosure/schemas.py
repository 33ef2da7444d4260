"""Request and response models of disclosure (internal API and the public feed)."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, Field, StringConstraints

from fupin_funds.common import DivisionCode, LongText, Schema, ShortText, Year
from fupin_funds.disclosure.domain import Kind
from fupin_funds.disclosure.models import Disclosure, DisclosureRule

Phone = Annotated[str, StringConstraints(pattern=r"^[0-9\-]{5,20}$")]


class DisclosureCreate(Schema):
    """Generate a notice from the ledger. Without ``allocation_ids``/``project_ids`` it posts everything of
    its kind: the allocations the division made that year (allocation results), the division's projects of
    the year (project arrangements) or their payments (use of funds)."""

    kind: Kind
    division_code: DivisionCode
    year: Year
    division_name: ShortText | None = None
    principles: LongText | None = None
    notice_starts_on: date | None = None
    notice_ends_on: date | None = None
    allocation_ids: Annotated[list[uuid.UUID] | None, Field(max_length=2000)] = None
    project_ids: Annotated[list[uuid.UUID] | None, Field(max_length=2000)] = None
    publisher: ShortText | None = None
    local_phone: Phone | None = None


class RuleUpdate(Schema):
    division_levels: Annotated[list[Annotated[str, Field(pattern=r"^(city|county|town|village)$")]],
                               Field(min_length=1, max_length=4)]
    public: bool
    min_notice_days: Annotated[int, Field(ge=0, le=90)]
    gates_disbursement: bool
    basis: ShortText | None = None


class RuleRead(BaseModel):
    kind: str
    division_levels: list[str]
    public: bool
    min_notice_days: int
    gates_disbursement: bool
    label_zh: str
    label_en: str
    basis: str
    version: int

    @classmethod
    def of(cls, r: DisclosureRule) -> Self:
        return cls(kind=r.kind, division_levels=list(r.division_levels), public=r.public,
                   min_notice_days=r.min_notice_days, gates_disbursement=r.gates_disbursement, label_zh=r.label_zh,
                   label_en=r.label_en, basis=r.basis, version=r.version)


class NoticeRow(BaseModel):
    no: int
    project: str
    location: str
    content: str
    amount_fen: int
    responsible_unit: str
    project_id: uuid.UUID | None = None
    allocation_id: uuid.UUID | None = None


class DisclosureRead(BaseModel):
    id: uuid.UUID
    kind: str
    division_code: str
    division_name: str | None
    year: int
    title: str
    principles: str
    sources_by_level: dict[str, int]
    rows: list[NoticeRow]
    total_amount_fen: int
    publisher: str
    supervision_phone: str
    local_phone: str | None
    notice_starts_on: date
    notice_ends_on: date
    status: str
    public_seq: int | None
    published_at: datetime | None
    version: int
    created_at: datetime

    @classmethod
    def of(cls, d: Disclosure) -> Self:
        return cls(id=d.id, kind=d.kind, division_code=d.division_code, division_name=d.division_name, year=d.year,
                   title=d.title, principles=d.principles, sources_by_level=dict(d.sources_by_level),
                   rows=[NoticeRow(**row) for row in d.rows], total_amount_fen=d.total_amount_fen,
                   publisher=d.publisher, supervision_phone=d.supervision_phone, local_phone=d.local_phone,
                   notice_starts_on=d.notice_starts_on, notice_ends_on=d.notice_ends_on, status=d.status,
                   public_seq=d.public_seq, published_at=d.published_at, version=d.version, created_at=d.created_at)


class DisclosurePage(BaseModel):
    items: list[DisclosureRead]
    next_cursor: str | None = None


class PublicNotice(BaseModel):
    """A published notice as the public sees it: no internal ids of people, no personal data."""

    id: uuid.UUID
    kind: str
    kind_label: str
    division_code: str
    division_name: str | None
    year: int
    title: str
    principles: str
    sources_by_level: dict[str, int]
    rows: list[dict[str, Any]]
    total_amount_fen: int
    publisher: str
    supervision_phone: str
    local_phone: str | None
    notice_starts_on: date
    notice_ends_on: date
    published_at: datetime | None
    public_seq: int


class PublicFeed(BaseModel):
    items: list[PublicNotice]
    next_since: str
    """Pass back as ``since`` to receive only notices published after these (resumable, never misses one)."""
