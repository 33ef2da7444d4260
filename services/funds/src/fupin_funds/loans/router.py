"""HTTP of micro-credit (扶贫小额信贷)."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from fupin_funds.common import after_id
from fupin_funds.deps import FundsReader, FundsWriter, Uows
from fupin_funds.history import HistoryEntry
from fupin_funds.loans import service
from fupin_funds.loans.schemas import (ExtensionCreate, LoanCreate, LoanPage, LoanRead, RenewalCreate,
                                       RepaymentCreate)
from fupin_shared.auth.deps import check_division
from fupin_shared.http.deps import Cursor, IdempotencyDep, IfMatchVersion
from fupin_shared.http.etag import etag_for
from fupin_shared.http.pagination import page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["micro-credit"])


async def _one(uows: Uows, loan_id: uuid.UUID, *, within: str, status_code: int = 200) -> Response:
    async with uows() as uow:
        loan = await uow.loans.get(loan_id, within=within)
        read = LoanRead.of(loan, await uow.loans.repayments(loan.id), await uow.loans.term_changes(loan.id))
    headers = {"ETag": etag_for(loan.version)}
    if status_code == 201:
        headers["Location"] = f"loans/{loan.id}"
    return json_response(read, status_code=status_code, headers=headers)


@router.post("/loans", status_code=201, response_model=LoanRead, responses=problem_responses(409))
async def issue_loan(body: LoanCreate, uows: Uows, actor: FundsWriter, idempotency: IdempotencyDep) -> Response:
    """Record a poverty micro-loan: bank, amount (≤ 50,000 yuan), term (≤ 36 months), interest subsidy."""

    async def action(uow) -> Response:  # noqa: ANN001
        loan = await service.issue_loan(uow, body, actor=actor)
        return await _one(uows, loan.id, within=actor.division, status_code=201)

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/loans", response_model=LoanPage, responses=problem_responses(400))
async def list_loans(uows: Uows, actor: FundsReader,
                     division: Annotated[str | None, Query(description="12-digit division code")] = None,
                     status: Annotated[str | None, Query(max_length=20)] = None,
                     household_id: uuid.UUID | None = None,
                     year: Annotated[int | None, Query(ge=2014, le=2035)] = None,
                     cursor: Cursor = None, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """Loans of households in a division's subtree (one ledger per household: 一户一档)."""
    within = check_division(actor, division)
    filters = {"division": within, "status": status, "household": household_id, "year": year}
    async with uows() as uow:
        rows = await uow.loans.page(within=within, status=status, household_id=household_id, year=year,
                                    after=after_id(cursor, filters), limit=limit)
    rows, next_cursor = page_of(rows, limit, lambda loan: [str(loan.id)], filters)
    return json_response(LoanPage(items=[LoanRead.of(loan) for loan in rows], next_cursor=next_cursor))


@router.get("/loans/{loan_id}", response_model=LoanRead, responses=problem_responses(404))
async def get_loan(loan_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    return await _one(uows, loan_id, within=actor.division)


@router.post("/loans/{loan_id}/repayments", status_code=201, response_model=LoanRead,
             responses=problem_responses(404, 409))
async def repay_loan(loan_id: uuid.UUID, body: RepaymentCreate, uows: Uows, actor: FundsWriter,
                     idempotency: IdempotencyDep) -> Response:
    """Record a repayment; the loan closes (repaid) when nothing is outstanding."""

    async def action(uow) -> Response:  # noqa: ANN001
        await service.repay_loan(uow, loan_id, body, actor=actor)
        return await _one(uows, loan_id, within=actor.division, status_code=201)

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json") | {
        "loan_id": str(loan_id)}, action=action)


@router.post("/loans/{loan_id}/extensions", response_model=LoanRead, responses=problem_responses(404, 409, 412, 428))
async def extend_loan(loan_id: uuid.UUID, body: ExtensionCreate, uows: Uows, actor: FundsWriter,
                      version: IfMatchVersion) -> Response:
    """展期 (If-Match required): once, at most twelve months past the current due date."""
    await service.extend_loan(uows(), loan_id, body, actor=actor, expected_version=version)
    return await _one(uows, loan_id, within=actor.division)


@router.post("/loans/{loan_id}/renewals", response_model=LoanRead, responses=problem_responses(404, 409, 412, 428))
async def renew_loan(loan_id: uuid.UUID, body: RenewalCreate, uows: Uows, actor: FundsWriter,
                     version: IfMatchVersion) -> Response:
    """无还本续贷 (If-Match required): a current loan in its last month runs another term."""
    await service.renew_loan(uows(), loan_id, body, actor=actor, expected_version=version)
    return await _one(uows, loan_id, within=actor.division)


@router.get("/loans/{loan_id}/history", response_model=list[HistoryEntry], responses=problem_responses(404))
async def loan_history(loan_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    async with uows() as uow:
        await uow.loans.get(loan_id, within=actor.division)
        return json_response(await uow.history.of(loan_id))
