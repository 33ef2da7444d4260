"""Code lists with Chinese and English labels."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from fupin_funds.codes import LABELS, labels
from fupin_funds.common import CodeLabel
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["code lists"])


@router.get("/code-lists", response_model=dict[str, list[CodeLabel]])
async def code_lists() -> Response:
    """Every code list of the funds service (source levels and categories, project categories and statuses,
    disbursement purposes, target kinds, notice kinds, loan statuses, asset kinds, finding kinds…)."""
    return json_response({name: labels(name) for name in LABELS})
