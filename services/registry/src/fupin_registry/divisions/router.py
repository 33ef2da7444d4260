"""HTTP for the division tree: ``GET /v1/divisions`` and ``GET /v1/divisions/{code}``."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from fupin_registry.deps import RegistryReader, Uows
from fupin_registry.divisions.domain import ancestors
from fupin_registry.divisions.schemas import DivisionDetail, DivisionPage, DivisionRead, DivisionRef
from fupin_shared.auth.principal import division_prefix
from fupin_shared.http.deps import Cursor
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import Forbidden, InvalidInput, problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["divisions"])
Code12 = Annotated[str, Path(pattern=r"^\d{12}$", description="12-digit statistical division code")]


@router.get("/divisions", response_model=DivisionPage, responses=problem_responses(400))
async def list_divisions(
        uows: Uows, actor: RegistryReader,
        parent: Annotated[str | None, Query(description="only the children of this division")] = None,
        level: Annotated[Literal["city", "county", "town", "village"] | None, Query()] = None,
        provincial_poor_village: Annotated[bool | None, Query(description="villages: only the 111 (or the others)")] = None,
        cursor: Cursor = None, limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Response:
    """Divisions of the city tree in code order: the caller's subtree and the divisions above it.
    ``parent`` lists one level; villages carry ``provincial_poor_village``."""
    if parent is not None:
        try:
            division_prefix(parent)
        except ValueError:
            raise InvalidInput([{"pointer": "query:parent", "detail": "must be a 12-digit division code"}]) from None
        if not actor.sees(parent) and parent not in ancestors(actor.division):
            raise Forbidden(f"Division {parent} is outside your division {actor.division}.")
    filters = {"within": actor.division, "parent": parent, "level": level, "poor": provincial_poor_village}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        rows = await uow.divisions.page(within=actor.division, parent=parent, level=level,
                                        poor=provincial_poor_village, after=last[0] if last else None, limit=limit)
        rows, next_cursor = page_of(rows, limit, lambda d: [d.code], filters)
        villages = [d.code for d in rows if d.level == "village"]
        counts = await uow.divisions.natural_village_counts(villages) if villages else {}
    return json_response(DivisionPage(items=[DivisionRead.of(d, counts.get(d.code, (0, 0)) if d.level == "village"
                                                             else None) for d in rows], next_cursor=next_cursor))


@router.get("/divisions/{code}", response_model=DivisionDetail, responses=problem_responses(404))
async def get_division(code: Code12, uows: Uows, actor: RegistryReader) -> Response:
    """One division with the path above it and its children counted by level."""
    async with uows() as uow:
        division = await uow.divisions.get(code, within=actor.division)
        path_codes = ancestors(code)
        names = await uow.divisions.names(path_codes)
        children = await uow.divisions.children_counts(code)
        counts = (await uow.divisions.natural_village_counts([code])).get(code, (0, 0)) \
            if division.level == "village" else None
    base = DivisionRead.of(division, counts)
    return json_response(DivisionDetail(**base.model_dump(), path=[
        DivisionRef(code=c, name=names[c]) for c in path_codes if c in names], children=children))
