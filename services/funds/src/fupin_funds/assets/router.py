"""HTTP of asset income (资产收益)."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from fupin_funds.assets import service
from fupin_funds.assets.schemas import (AssetCreate, AssetPage, AssetRead, DistributionCreate, DistributionRead,
                                        SharesUpdate)
from fupin_funds.common import after_id
from fupin_funds.deps import FundsReader, FundsWriter, Uows
from fupin_funds.history import HistoryEntry
from fupin_shared.auth.deps import check_division
from fupin_shared.http.deps import Cursor, IdempotencyDep, IfMatchVersion
from fupin_shared.http.etag import etag_for
from fupin_shared.http.pagination import page_of
from fupin_shared.http.problems import problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["asset income"])


async def _one(uows: Uows, asset_id: uuid.UUID, *, within: str, status_code: int = 200) -> Response:
    async with uows() as uow:
        asset = await uow.assets.get(asset_id, within=within)
        read = AssetRead.of(asset, await uow.assets.shares(asset.id))
    return json_response(read, status_code=status_code, headers={"ETag": etag_for(asset.version)})


@router.post("/assets", status_code=201, response_model=AssetRead, responses=problem_responses(404, 409))
async def record_asset(body: AssetCreate, uows: Uows, actor: FundsWriter, idempotency: IdempotencyDep) -> Response:
    """Record an asset formed by a completed project."""

    async def action(uow) -> Response:  # noqa: ANN001
        asset = await service.record_asset(uow, body, actor=actor)
        return await _one(uows, asset.id, within=actor.division, status_code=201)

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/assets", response_model=AssetPage, responses=problem_responses(400))
async def list_assets(uows: Uows, actor: FundsReader,
                      division: Annotated[str | None, Query(description="12-digit division code")] = None,
                      project_id: uuid.UUID | None = None, cursor: Cursor = None,
                      limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    within = check_division(actor, division)
    filters = {"division": within, "project": project_id}
    async with uows() as uow:
        rows = await uow.assets.page(within=within, project_id=project_id, after=after_id(cursor, filters), limit=limit)
        rows, next_cursor = page_of(rows, limit, lambda a: [str(a.id)], filters)
        items = [AssetRead.of(a, await uow.assets.shares(a.id)) for a in rows]
    return json_response(AssetPage(items=items, next_cursor=next_cursor))


@router.get("/assets/{asset_id}", response_model=AssetRead, responses=problem_responses(404))
async def get_asset(asset_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    return await _one(uows, asset_id, within=actor.division)


@router.put("/assets/{asset_id}/shares", response_model=AssetRead, responses=problem_responses(404, 412, 428))
async def quantify_shares(asset_id: uuid.UUID, body: SharesUpdate, uows: Uows, actor: FundsWriter,
                          version: IfMatchVersion) -> Response:
    """折股量化 to village collectives (If-Match required); shares add up to at most 10000 basis points."""
    await service.quantify_shares(uows(), asset_id, body, actor=actor, expected_version=version)
    return await _one(uows, asset_id, within=actor.division)


@router.post("/assets/{asset_id}/distributions", status_code=201, response_model=DistributionRead,
             responses=problem_responses(404, 409))
async def distribute_income(asset_id: uuid.UUID, body: DistributionCreate, uows: Uows, actor: FundsWriter,
                            idempotency: IdempotencyDep) -> Response:
    """Distribute a period's income to a village's households: 保底收益 + 按股分红 (exact to the fen)."""

    async def action(uow) -> Response:  # noqa: ANN001
        distribution = await service.distribute_income(uow, asset_id, body, actor=actor)
        async with uow as fresh:  # the same transaction: under an Idempotency-Key it commits with the response
            payouts = await fresh.assets.payouts([distribution.id])
        return json_response(DistributionRead.of(distribution, payouts[distribution.id]), status_code=201)

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json") | {
        "asset_id": str(asset_id)}, action=action)


@router.get("/assets/{asset_id}/distributions", response_model=list[DistributionRead],
            responses=problem_responses(404))
async def list_distributions(asset_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    async with uows() as uow:
        asset = await uow.assets.get(asset_id, within=actor.division)
        rows = await uow.assets.distributions(asset.id)
        payouts = await uow.assets.payouts([d.id for d in rows])
    return json_response([DistributionRead.of(d, payouts[d.id]) for d in rows])


@router.get("/assets/{asset_id}/history", response_model=list[HistoryEntry], responses=problem_responses(404))
async def asset_history(asset_id: uuid.UUID, uows: Uows, actor: FundsReader) -> Response:
    async with uows() as uow:
        await uow.assets.get(asset_id, within=actor.division)
        return json_response(await uow.history.of(asset_id))
