"""HTTP of the ledger: sources, allocations, disbursements, balances. Parse, call the use case, shape."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from fupin_funds.common import after_id
from fupin_funds.deps import FundsReader, FundsWriter, Uows
from fupin_funds.divisions import COUNTY_NAMES, PREFIX_LENGTH, child_level
from fupin_funds.history import HistoryEntry
from fupin_funds.ledger import service
from fupin_funds.ledger.domain import spending_rate
from fupin_funds.ledger.schemas import (AllocationCreate, AllocationPage, AllocationRead, AllocationReversalCreate,
                                        DisbursementCreate, DisbursementPage, DisbursementRead,
                                        DisbursementReversalCreate, DivisionBalance, DivisionFigures, LedgerCheck,
                                        SourceAdjustmentCreate, SourceCreate, SourcePage, SourceRead)
from fupin_shared.auth.deps import check_division
from fupin_shared.http.deps import Cursor, IdempotencyDep
from fupin_shared.http.handlers import request_id_var
from fupin_shared.http.pagination import page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["ledger"])
Division = Annotated[str | None, Query(description="12-digit division code (default: the caller's)")]
YearQ = Annotated[int | None, Query(ge=2014, le=2035)]
LimitQ = Annotated[int, Query(ge=1, le=500)]


# --- sources -------------------------------------------------------------------------------------

@router.post("/sources", status_code=201, response_model=SourceRead, responses=problem_responses(409))
async def register_source(body: SourceCreate, uows: Uows, actor: FundsWriter, idempotency: IdempotencyDep) -> Response:
    """Register a fund source: level (central / provincial / city / county), category (财政专项扶贫资金,
    统筹整合涉农资金, 东西部协作资金, 社会帮扶资金, …), year, document number, amount in fen."""

    async def action(uow) -> Response:  # noqa: ANN001
        source = await service.register_source(uow, body, actor=actor)
        return json_response(SourceRead.of(source), status_code=201, headers={"Location": f"sources/{source.id}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/sources", response_model=SourcePage, responses=problem_responses(400))
async def list_sources(uows: Uows, actor: FundsReader, division: Division = None, year: YearQ = None,
                       level: Annotated[str | None, Query(max_length=20)] = None,
                       category: Annotated[str | None, Query(max_length=40)] = None,
                       cursor: Cursor = None, limit: LimitQ = 50) -> Response:
    """Fund sources registered in a division's subtree, oldest first."""
    within = check_division(actor, division)
    filters = {"division": within, "year": year, "level": level, "category": category}
    async with uows() as uow:
        rows = await uow.ledger.sources_page(within=within, year=year, level=level, category=category,
                                             after=after_id(cursor, filters), limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda s: [str(s.id)], filters)
    return json_response(SourcePage(items=[SourceRead.of(s) for s in rows], next_cursor=next_cursor))


@router.get("/sources/{source_id}", response_model=SourceRead, responses=problem_responses(404))
async def get_source(source_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    async with uows() as uow:
        source = await uow.ledger.source(source_id, within=actor.division)
    return json_response(SourceRead.of(source))


@router.post("/sources/{source_id}/adjustments", status_code=201, response_model=SourceRead,
             responses=problem_responses(404, 409))
async def adjust_source(source_id: uuid.UUID, body: SourceAdjustmentCreate, uows: Uows, actor: FundsWriter,
                        idempotency: IdempotencyDep) -> Response:
    """Correct a source's amount with a signed adjustment entry (never below what it has allocated)."""

    async def action(uow) -> Response:  # noqa: ANN001
        source = await service.adjust_source(uow, source_id, body, actor=actor)
        return json_response(SourceRead.of(source), status_code=201)

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json") | {
        "source_id": str(source_id)}, action=action)


@router.get("/sources/{source_id}/history", response_model=list[HistoryEntry], responses=problem_responses(404))
async def source_history(source_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    """Every event of the source (registration, adjustments), oldest first."""
    async with uows() as uow:
        await uow.ledger.source(source_id, within=actor.division)
        return json_response(await uow.history.of(source_id))


# --- allocations ---------------------------------------------------------------------------------

@router.post("/allocations", status_code=201, response_model=AllocationRead, responses=problem_responses(404, 409))
async def allocate_funds(body: AllocationCreate, uows: Uows, actor: FundsWriter,
                         idempotency: IdempotencyDep) -> Response:
    """Allocate from a source or a parent allocation to a division or a project. Children never exceed their
    parent: 409 ``allocation-exceeds-parent`` (nothing written), also under concurrent requests."""

    async def action(uow) -> Response:  # noqa: ANN001
        allocation = await service.allocate_funds(uow, body, actor=actor)
        return json_response(AllocationRead.of(allocation), status_code=201,
                             headers={"Location": f"allocations/{allocation.id}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/allocations", response_model=AllocationPage, responses=problem_responses(400))
async def list_allocations(uows: Uows, actor: FundsReader, division: Division = None, year: YearQ = None,
                           source_id: uuid.UUID | None = None, parent_allocation_id: uuid.UUID | None = None,
                           project_id: uuid.UUID | None = None, top_level: bool | None = None,
                           include_reversals: bool = True, cursor: Cursor = None, limit: LimitQ = 50) -> Response:
    """Allocation entries in a division's subtree (reversal entries included unless asked otherwise)."""
    within = check_division(actor, division)
    filters = {"division": within, "year": year, "source": source_id, "parent": parent_allocation_id,
               "project": project_id, "top": top_level, "rev": include_reversals}
    async with uows() as uow:
        rows = await uow.ledger.allocations_page(
            within=within, year=year, source_id=source_id, parent_id=parent_allocation_id, project_id=project_id,
            top_level=top_level, include_reversals=include_reversals, after=after_id(cursor, filters), limit=limit)
        rows, next_cursor = page_of(rows, limit, lambda a: [str(a.id)], filters)
        subtree = await uow.ledger.subtree_disbursed([a.path for a in rows if not a.is_reversal])
    return json_response(AllocationPage(items=[AllocationRead.of(a, subtree.get(a.path)) for a in rows],
                                        next_cursor=next_cursor))


@router.get("/allocations/{allocation_id}", response_model=AllocationRead, responses=problem_responses(404))
async def get_allocation(allocation_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    """One allocation entry with its balance: net amount, passed on, paid out, available, and the spending
    rate of everything under it."""
    async with uows() as uow:
        allocation = await uow.ledger.allocation(allocation_id, within=actor.division)
        subtree = await uow.ledger.subtree_disbursed([allocation.path]) if not allocation.is_reversal else {}
    return json_response(AllocationRead.of(allocation, subtree.get(allocation.path)))


@router.post("/allocations/{allocation_id}/reversals", status_code=201, response_model=AllocationRead,
             responses=problem_responses(404, 409))
async def reverse_allocation(allocation_id: uuid.UUID, body: AllocationReversalCreate, uows: Uows,
                             actor: FundsWriter, idempotency: IdempotencyDep) -> Response:
    """Append a reversal entry returning money to the parent (never an edit of the original entry)."""

    async def action(uow) -> Response:  # noqa: ANN001
        entry = await service.reverse_allocation(uow, allocation_id, body, actor=actor)
        return json_response(AllocationRead.of(entry), status_code=201, headers={"Location": f"allocations/{entry.id}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json") | {
        "allocation_id": str(allocation_id)}, action=action)


@router.get("/allocations/{allocation_id}/history", response_model=list[HistoryEntry],
            responses=problem_responses(404))
async def allocation_history(allocation_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    """Every ledger event of the allocation (its entry, reversals, disbursements), oldest first."""
    async with uows() as uow:
        await uow.ledger.allocation(allocation_id, within=actor.division)
        return json_response(await uow.history.of(allocation_id))


# --- disbursements -------------------------------------------------------------------------------

@router.post("/disbursements", status_code=201, response_model=DisbursementRead,
             responses=problem_responses(404, 409))
async def disburse(body: DisbursementCreate, uows: Uows, actor: FundsWriter, idempotency: IdempotencyDep) -> Response:
    """Pay out of an allocation, to a project stage tied to its progress or to a household's one-card account
    in instalments. 409 ``disbursement-exceeds-allocation`` when it does not fit (also under concurrency);
    409 ``project-not-disclosed`` before a village project's notice period is over."""

    async def action(uow) -> Response:  # noqa: ANN001
        disbursement = await service.disburse(uow, body, actor=actor)
        return json_response(DisbursementRead.for_viewer(disbursement, actor), status_code=201,
                             headers={"Location": f"disbursements/{disbursement.id}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/disbursements", response_model=DisbursementPage, responses=problem_responses(400))
async def list_disbursements(uows: Uows, actor: FundsReader, division: Division = None, year: YearQ = None,
                             allocation_id: uuid.UUID | None = None, project_id: uuid.UUID | None = None,
                             household_id: uuid.UUID | None = None,
                             purpose: Annotated[str | None, Query(max_length=40)] = None,
                             cursor: Cursor = None, limit: LimitQ = 50) -> Response:
    """Disbursement entries (payments and reversals) in a division's subtree; accounts masked without pii:read."""
    within = check_division(actor, division)
    filters = {"division": within, "year": year, "allocation": allocation_id, "project": project_id,
               "household": household_id, "purpose": purpose}
    async with uows() as uow:
        rows = await uow.ledger.disbursements_page(
            within=within, year=year, allocation_id=allocation_id, project_id=project_id, household_id=household_id,
            purpose=purpose, after=after_id(cursor, filters), limit=limit)
        rows, next_cursor = page_of(rows, limit, lambda d: [str(d.id)], filters)
        reversed_ids = await uow.ledger.reversed_ids([d.id for d in rows])
        if actor.may_read_pii and any(d.account_no for d in rows):
            uow.log_access(actor=actor.sub, division=within, action="disbursement.list",
                           resource=f"disbursements?division={within}", request_id=request_id_var.get())
            await uow.commit()
    return json_response(DisbursementPage(items=[DisbursementRead.for_viewer(d, actor, reversed_=d.id in reversed_ids)
                                                 for d in rows], next_cursor=next_cursor))


@router.get("/disbursements/{disbursement_id}", response_model=DisbursementRead, responses=problem_responses(404))
async def get_disbursement(disbursement_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    """One disbursement entry; the one-card account is masked unless the caller holds pii:read (logged)."""
    async with uows() as uow:
        disbursement = await uow.ledger.disbursement(disbursement_id, within=actor.division)
        reversed_ = bool(await uow.ledger.reversed_ids([disbursement.id]))
        if actor.may_read_pii and disbursement.account_no:
            uow.log_access(actor=actor.sub, division=disbursement.division_code, action="disbursement.read",
                           resource=f"disbursement/{disbursement_id}", request_id=request_id_var.get())
            await uow.commit()
    return json_response(DisbursementRead.for_viewer(disbursement, actor, reversed_=reversed_))


@router.post("/disbursements/{disbursement_id}/reversals", status_code=201, response_model=DisbursementRead,
             responses=problem_responses(404, 409))
async def reverse_disbursement(disbursement_id: uuid.UUID, body: DisbursementReversalCreate, uows: Uows,
                               actor: FundsWriter, idempotency: IdempotencyDep) -> Response:
    """Append a reversal entry for a payment (the whole amount, once); the money returns to the allocation."""

    async def action(uow) -> Response:  # noqa: ANN001
        entry = await service.reverse_disbursement(uow, disbursement_id, body, actor=actor)
        return json_response(DisbursementRead.for_viewer(entry, actor), status_code=201,
                             headers={"Location": f"disbursements/{entry.id}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json") | {
        "disbursement_id": str(disbursement_id)}, action=action)


# --- balances ------------------------------------------------------------------------------------

def _figures(code: str, figures: dict[str, int]) -> DivisionFigures:
    inflow = figures["sources_fen"] + figures["received_fen"]
    return DivisionFigures(division_code=code, division_name=COUNTY_NAMES.get(code), sources_fen=figures["sources_fen"],
                           received_fen=figures["received_fen"], disbursed_fen=figures["disbursed_fen"],
                           balance_fen=inflow - figures["disbursed_fen"],
                           spending_rate=spending_rate(figures["disbursed_fen"], inflow))


@router.get("/balances", response_model=DivisionBalance, responses=problem_responses(400))
async def division_balance(uows: Uows, actor: FundsReader, division: Division = None, year: YearQ = None) -> Response:
    """Balance and spending rate of a division and of each division directly below it that received money:
    money that came in (its sources plus allocations from above), money paid out, and the share paid out."""
    within = check_division(actor, division)
    below = child_level(within)
    async with uows() as uow:
        total = await uow.ledger.division_figures(within, year, group_length=None)
        children = await uow.ledger.division_figures(within, year, group_length=PREFIX_LENGTH[below]) if below else {}
    empty = {"sources_fen": 0, "received_fen": 0, "disbursed_fen": 0}
    head = _figures(within, next(iter(total.values()), empty))
    # the group with the division's own code is money held at the division itself: the head row covers it
    lines = [_figures(prefix + "0" * (12 - len(prefix)), figures) for prefix, figures in sorted(children.items())
             if prefix + "0" * (12 - len(prefix)) != within]
    return json_response(DivisionBalance(**head.model_dump(), year=year, children=lines))


@router.get("/ledger/check", response_model=LedgerCheck, responses=problem_responses())
async def ledger_check(uows: Uows, actor: FundsReader, division: Division = None) -> Response:
    """Recompute every node's counters from its entries: ``balanced`` is true when none differs and no node
    has passed on or paid out more than it holds."""
    within = check_division(actor, division)
    checked, problems = await service.check_ledger(uows(), within=within)
    return json_response(LedgerCheck(balanced=not problems, nodes_checked=checked, discrepancies=problems))
