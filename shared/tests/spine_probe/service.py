"""A tiny service built only from the spine, used to test the spine's guarantees without depending
on any domain service: notes with a division, version and events, and a projection counting them."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, ClassVar

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from fupin_shared.app import ConsumerSpec, ServiceDefinition, create_service_app
from fupin_shared.auth.deps import check_division, requires
from fupin_shared.auth.principal import Principal, division_range
from fupin_shared.consuming import HandlerRegistry
from fupin_shared.contracts import Contract
from fupin_shared.db import UnitOfWork, UtcDateTime, make_base, utc_now, uuid7
from fupin_shared.events import Envelope
from fupin_shared.http.deps import Cursor, IdempotencyDep, IfMatchVersion
from fupin_shared.http.etag import etag_for, require_version
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import NotFound, problem_responses
from fupin_shared.http.responses import json_response
from fupin_shared.outbox import define_infrastructure_tables
from fupin_shared.settings import ServiceSettings

Base = make_base()
INFRA = define_infrastructure_tables(Base)
MIGRATIONS = Path(__file__).parent / "migrations"


class ProbeSettings(ServiceSettings):
    service_name = "probe"


class Note(Base):
    __tablename__ = "note"
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    division: Mapped[str] = mapped_column(sa.String(12))
    text: Mapped[str] = mapped_column(sa.String(200))
    version: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __mapper_args__ = {"version_id_col": version}


class NoteSeen(Base):
    """Projection: every (note, event sequence) applied, to detect loss, duplicates and order."""

    __tablename__ = "note_seen"
    event_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    note_id: Mapped[str] = mapped_column(sa.String(40))
    text: Mapped[str] = mapped_column(sa.String(200))
    applied_order: Mapped[int] = mapped_column(sa.Integer, autoincrement=True)


class NoteWritten(Contract):
    service: ClassVar[str] = "probe"
    aggregate: ClassVar[str] = "note"
    verb: ClassVar[str] = "written"
    note_id: uuid.UUID
    text: str


class NoteNotFound(NotFound):
    slug, title = "note-not-found", "No such note"


class ProbeUow(UnitOfWork):
    infra = INFRA
    source = "/fupin/probe"


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    division: Annotated[str, Field(pattern=r"^\d{12}$")]
    text: Annotated[str, Field(min_length=1, max_length=200)]


class NotePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Field(min_length=1, max_length=200)]


class NoteOut(BaseModel):
    id: uuid.UUID
    division: str
    text: str
    version: int


def _uows(request: Request) -> Callable[[], ProbeUow]:
    return request.app.state.runtime.uow


Uows = Annotated[Callable[[], ProbeUow], Depends(_uows)]
Writer = Annotated[Principal, Depends(requires("probe:write"))]
Reader = Annotated[Principal, Depends(requires("probe:read"))]
router = APIRouter(prefix="/v1")


async def write_note(uow: ProbeUow, body: NoteIn, actor: Principal, *, fail_after_record: bool = False) -> Note:
    check_division(actor, body.division)
    async with uow:
        note = Note(id=uuid7(), division=body.division, text=body.text, created_at=utc_now())
        uow.session.add(note)
        uow.record(NoteWritten(note_id=note.id, text=note.text), subject=note.id, division=note.division,
                   actor=actor.sub)
        if fail_after_record:
            raise RuntimeError("use case failed after recording its event")
        await uow.commit()
    return note


@router.post("/notes", status_code=201, responses=problem_responses(409))
async def post_note(body: NoteIn, uows: Uows, actor: Writer, idem: IdempotencyDep) -> Response:
    async def action(uow: ProbeUow) -> Response:
        note = await write_note(uow, body, actor)
        return json_response(NoteOut(id=note.id, division=note.division, text=note.text, version=note.version),
                             status_code=201, headers={"ETag": etag_for(note.version)})
    return await idem.run(uows, client_id=actor.client_id, body=body.model_dump(), action=action)


async def _get(uow: ProbeUow, note_id: uuid.UUID, actor: Principal) -> Note:
    low, high = division_range(actor.division)
    note = await uow.session.scalar(select(Note).where(Note.id == note_id, Note.division.between(low, high)))
    if note is None:
        raise NoteNotFound(f"Note {note_id} not found.")
    return note


@router.get("/notes/{note_id}", responses=problem_responses(404))
async def get_note(note_id: uuid.UUID, uows: Uows, actor: Reader) -> Response:
    async with uows() as uow:
        note = await _get(uow, note_id, actor)
    return json_response(NoteOut(id=note.id, division=note.division, text=note.text, version=note.version),
                         headers={"ETag": etag_for(note.version)})


@router.patch("/notes/{note_id}", responses=problem_responses(404, 412, 428))
async def patch_note(note_id: uuid.UUID, body: NotePatch, uows: Uows, actor: Writer,
                     version: IfMatchVersion) -> Response:
    async with uows() as uow:
        note = await _get(uow, note_id, actor)
        require_version(note.version, version)
        note.text = body.text
        uow.record(NoteWritten(note_id=note.id, text=note.text), subject=note.id, division=note.division)
        await uow.commit()
    return json_response(NoteOut(id=note.id, division=note.division, text=note.text, version=note.version),
                         headers={"ETag": etag_for(note.version)})


@router.get("/notes")
async def list_notes(uows: Uows, actor: Reader, division: Annotated[str | None, Query()] = None,
                     cursor: Cursor = None, limit: Annotated[int, Query(ge=1, le=100)] = 10) -> Response:
    within = check_division(actor, division)
    filters = {"division": within}
    last = decode_cursor(cursor, filters)
    low, high = division_range(within)
    query = select(Note).where(Note.division.between(low, high)).order_by(Note.id).limit(limit + 1)
    if last:
        query = query.where(Note.id > uuid.UUID(last[0]))
    async with uows() as uow:
        rows = list((await uow.session.scalars(query)).all())
    rows, next_cursor = page_of(rows, limit, lambda n: [str(n.id)], filters)
    return json_response({"items": [NoteOut(id=n.id, division=n.division, text=n.text, version=n.version)
                                    for n in rows], "next_cursor": next_cursor})


handlers = HandlerRegistry()


@handlers.on(NoteWritten.event_type())
async def note_seen(session: AsyncSession, event: Envelope) -> None:
    count = (await session.execute(select(sa.func.count()).select_from(NoteSeen))).scalar_one()
    session.add(NoteSeen(event_id=event.id, note_id=event.data["note_id"], text=event.data["text"],
                         applied_order=count + 1))


def definition(settings: ProbeSettings) -> ServiceDefinition:
    return ServiceDefinition(settings=settings, title="probe", description="spine test service", infra=INFRA,
                             uow_class=ProbeUow, migrations_dir=MIGRATIONS, routers=[router],
                             consumers=[ConsumerSpec(name="seen", sources=["probe"], handlers=handlers)])


def create_app(settings: ProbeSettings, *, transport=None):  # noqa: ANN001, ANN201
    return create_service_app(definition(settings), transport=transport)
