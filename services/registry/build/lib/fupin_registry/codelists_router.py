"""HTTP for the code lists (``GET /v1/codelists``): every coded field with Chinese and English labels."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

from fupin_registry import codelists
from fupin_registry.deps import RegistryReader
from fupin_shared.http.problems import NotFound, problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["code lists"])


class CodeRead(BaseModel):
    code: str
    label_zh: str
    label_en: str
    plan_task: int | None = None
    """Measures and exit paths: the plan task (1–32) it serves by default."""


class CodeListRead(BaseModel):
    name: str
    label_zh: str
    label_en: str
    codes: list[CodeRead]


class CodeListPage(BaseModel):
    items: list[CodeListRead]
    next_cursor: str | None = None


class CodeListNotFound(NotFound):
    slug, title = "codelist-not-found", "No such code list"


def _read(cl: codelists.CodeList) -> CodeListRead:
    codes = []
    for c in cl.codes:
        extra: dict[str, Any] = {"plan_task": c.extra["plan_task"]} if "plan_task" in c.extra else {}
        codes.append(CodeRead(code=c.code, label_zh=c.label_zh, label_en=c.label_en, **extra))
    return CodeListRead(name=cl.name, label_zh=cl.label_zh, label_en=cl.label_en, codes=codes)


@router.get("/codelists", response_model=CodeListPage, responses=problem_responses())
async def list_codelists(actor: RegistryReader) -> Response:
    """Every code list of the registry (one page: there are about twenty)."""
    return json_response(CodeListPage(items=[_read(cl) for cl in codelists.ALL.values()]))


@router.get("/codelists/{name}", response_model=CodeListRead, responses=problem_responses(404))
async def get_codelist(name: str, actor: RegistryReader) -> Response:
    """One code list: poverty_cause, household_status, exit_path, measure_type, …"""
    code_list = codelists.ALL.get(name)
    if code_list is None:
        raise CodeListNotFound(f"No code list {name!r}; one of {', '.join(codelists.ALL)}.")
    return json_response(_read(code_list))
