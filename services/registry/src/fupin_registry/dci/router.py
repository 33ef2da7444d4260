"""HTTP of the DCI-shaped registry search (synchronous search → on-search in the response)."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from fupin_registry.dci import service
from fupin_registry.dci.schemas import DciSearchRequest, DciSearchResponse
from fupin_registry.deps import RegistryReader, Uows
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1/dci", tags=["dci"])


@router.post("/registry/search", response_model=DciSearchResponse, responses=problem_responses())
async def dci_search(body: DciSearchRequest, uows: Uows, actor: RegistryReader) -> Response:
    """DCI social-registry search: ``message.search_request[]`` each with ``search_criteria`` of
    ``query_type`` ``idtype-value`` (``{"type": "ID_NUMBER"|"HOUSEHOLD_ID"|"HOUSEHOLD_NO", "value": …}``)
    or ``predicate`` (``[{"expression1": {"attribute_name", "operator": "eq"|"in", "attribute_value"}, …}]``
    on admin_area_code, status, poverty_cause, labour_type, guarantee_type, household_no, village_code)
    and ``pagination`` (page_size ≤ 100, page_number). Answered synchronously in the ``on-search`` shape:
    one ``search_response`` per request, ``succ`` with ``reg_records`` (households with their members)
    or ``rjct`` with ``status_reason_code``. Only the caller's division; names and ID numbers masked
    unless pii:read (each unmasked household logged)."""
    return json_response(await service.search(uows, body, actor=actor))
