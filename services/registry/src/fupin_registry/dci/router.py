"""HTTP of the DCI-shaped registry search: synchronous (on-search in the response) or asynchronous
(ACK now; on-search POSTed to ``sender_uri`` and pollable with ``txn/status``)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response

from fupin_registry.dci import service
from fupin_registry.dci.schemas import DciSearchRequest, DciSearchResponse, DciTxnStatusRequest
from fupin_registry.dci.worker import WAKE
from fupin_registry.deps import RegistryReader, Uows
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1/dci", tags=["dci"])


@router.post("/registry/search", response_model=DciSearchResponse,
             responses={202: {"model": DciSearchResponse, "description": "asynchronous: the ACK"},
                        **problem_responses(422)})
async def dci_search(body: DciSearchRequest, request: Request, uows: Uows, actor: RegistryReader,
                     prefer: Annotated[str | None, Header(description="respond-async: answer later (poll)")] = None,
                     ) -> Response:
    """DCI social-registry search: ``message.search_request[]`` each with ``search_criteria`` of
    ``query_type`` ``idtype-value`` (``{"type": "ID_NUMBER"|"HOUSEHOLD_ID"|"HOUSEHOLD_NO", "value": …}``)
    or ``predicate`` (``[{"expression1": {"attribute_name", "operator": "eq"|"in", "attribute_value"}, …}]``
    on admin_area_code, status, poverty_cause, labour_type, guarantee_type, household_no, village_code)
    and ``pagination`` (page_size ≤ 100, page_number; the answer carries ``total_count``). One
    ``search_response`` per request, ``succ`` with ``reg_records`` (households with their members) or
    ``rjct`` with ``status_reason_code``. Only the caller's division; names and ID numbers masked unless
    pii:read (each unmasked household logged).

    Synchronous by default (200, the ``on-search`` envelope). Asynchronous when ``header.sender_uri`` is
    given or with ``Prefer: respond-async``: 202 with the DCI ``ACK`` (``correlation_id`` = the
    ``transaction_id``); the search runs with the caller's scope, its ``on-search`` envelope is POSTed to
    ``sender_uri`` (retried with backoff), signed ``Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret,
    "<t>.<body>")>`` with the client's registered secret, and can be polled with
    ``POST /v1/dci/registry/txn/status``. ``sender_uri`` must lie under a callback URL prefix registered for
    the client (422 ``callback-not-registered`` otherwise, nothing queued). The same ``transaction_id``
    sent again is the same transaction."""
    if body.header.sender_uri is None and "respond-async" not in (prefer or ""):
        return json_response(await service.search(uows, body, actor=actor))
    runtime = request.app.state.runtime
    txn = await service.submit(uows(), body, actor=actor, partners=runtime.settings.dci_partners)
    wake = runtime.extras.get(WAKE)
    if wake is not None:
        wake.set()
    return json_response(service.acknowledgement(body, txn), status_code=202)


@router.post("/registry/txn/status", response_model=DciSearchResponse, responses=problem_responses())
async def dci_txn_status(body: DciTxnStatusRequest, uows: Uows, actor: RegistryReader) -> Response:
    """DCI transaction status (a read): ``txnstatus_request`` names one of the caller's own search
    transactions (``attribute_type`` transaction_id); the ``on-txn-status`` answer carries ``txn_status``
    (``pdng`` while queued, else ``succ``/``rjct``), the callback's state and, once answered, the
    ``on-search`` message (``txn_message``)."""
    return json_response(await service.transaction_status(uows(), body, actor=actor))
