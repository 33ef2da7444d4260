"""Asset income use cases (task 3): record an asset, quantify shares, distribute income."""
from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError

from fupin_funds.assets import domain
from fupin_funds.assets.errors import AssetNotFormed, DistributionRefused, SharesInvalid
from fupin_funds.assets.models import Asset, AssetDistribution, AssetPayout
from fupin_funds.assets.schemas import AssetCreate, DistributionCreate, SharesUpdate
from fupin_funds.db import FundsUow
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.funds import AssetIncomeDistributed, AssetRecorded, AssetShare, AssetSharesQuantified
from fupin_shared.db import utc_now, uuid7
from fupin_shared.http.etag import require_version


async def record_asset(uow: FundsUow, request: AssetCreate, *, actor: Principal) -> Asset:
    """Record an asset formed by a completed project (e.g. a photovoltaic station, equity in a cooperative)."""
    async with uow:
        asset = await _record_asset(uow, request, actor=actor)
        await uow.commit()
    return asset


async def _record_asset(uow: FundsUow, request: AssetCreate, *, actor: Principal) -> Asset:
    await uow.serialise_writes()
    project = await uow.projects.get(request.project_id, within=actor.division)
    if project.status not in domain.FORMING_STATUSES:
        raise AssetNotFormed(project.id, project.status)
    asset = Asset(id=uuid7(), project_id=project.id, name=request.name, kind=request.kind, operator=request.operator,
                  division_code=project.village_code, value_fen=request.value_fen, formed_on=request.formed_on,
                  year=request.formed_on.year, created_by=actor.sub)
    uow.assets.add(asset)
    uow.record(AssetRecorded(asset_id=asset.id, project_id=project.id, division_code=asset.division_code,
                             kind=asset.kind, value_fen=asset.value_fen, year=asset.year),
               subject=asset.id, division=asset.division_code, actor=actor.sub)
    return asset


async def quantify_shares(uow: FundsUow, asset_id: uuid.UUID, request: SharesUpdate, *, actor: Principal,
                          expected_version: int | None) -> Asset:
    """折股量化: set the shares of village collectives in the asset (together at most the whole asset)."""
    async with uow:
        asset = await _quantify(uow, asset_id, request, actor=actor, expected_version=expected_version)
        await uow.commit()
    return asset


async def _quantify(uow: FundsUow, asset_id: uuid.UUID, request: SharesUpdate, *, actor: Principal,
                    expected_version: int | None) -> Asset:
    await uow.serialise_writes()
    asset = await uow.assets.get(asset_id, within=actor.division)
    if expected_version is not None:
        require_version(asset.version, expected_version)
    shares = [(s.village_code, s.share_bp) for s in request.shares]
    if errors := domain.share_errors(shares, asset_division=asset.division_code):
        raise SharesInvalid([str(e) for e in errors])
    await uow.assets.replace_shares(asset.id, shares)
    asset.updated_at = utc_now()
    uow.record(AssetSharesQuantified(asset_id=asset.id, division_code=asset.division_code,
                                     shares=[AssetShare(village_code=c, share_bp=bp) for c, bp in shares]),
               subject=asset.id, division=asset.division_code, actor=actor.sub)
    return asset


async def distribute_income(uow: FundsUow, asset_id: uuid.UUID, request: DistributionCreate, *,
                            actor: Principal) -> AssetDistribution:
    """Pay a period's income to a village's households: guaranteed amount plus dividend by shares, once per
    village and period; recipients are registry households of that village, not removed."""
    async with uow:
        distribution = await _distribute(uow, asset_id, request, actor=actor)
        await uow.commit()
    return distribution


async def _distribute(uow: FundsUow, asset_id: uuid.UUID, request: DistributionCreate, *,
                      actor: Principal) -> AssetDistribution:
    await uow.serialise_writes()
    asset = await uow.assets.get(asset_id, within=actor.division)
    shares = await uow.assets.shares(asset.id)
    share = next((s.share_bp for s in shares if s.village_code == request.village_code), None)
    if request.recipients is not None:
        recipients = [(r.household_id, r.shares) for r in request.recipients]
    else:
        beneficiaries = (await uow.projects.beneficiaries([asset.project_id]))[asset.project_id]
        copies = await uow.beneficiaries.get_many(beneficiaries)
        recipients = [(h, 1) for h in beneficiaries if h in copies and copies[h].village_code == request.village_code]
    if len({h for h, _ in recipients}) != len(recipients):
        raise DistributionRefused(["duplicate_recipient"])
    if errors := domain.distribution_errors(village_share_bp=share, recipients=len(recipients), period=request.period,
                                            year=request.year):
        raise DistributionRefused([str(e) for e in errors])
    await uow.beneficiaries.require_eligible([h for h, _ in recipients], division=request.village_code)
    if await uow.assets.distribution_taken(asset.id, request.village_code, request.year, request.period):
        raise DistributionRefused(["period_already_distributed"])
    lines = domain.payouts(guaranteed_per_household_fen=request.guaranteed_per_household_fen,
                           dividend_fen=request.dividend_fen, recipients=[(str(h), n) for h, n in recipients])
    distribution = AssetDistribution(
        id=uuid7(), asset_id=asset.id, village_code=request.village_code, year=request.year, period=request.period,
        guaranteed_fen=request.guaranteed_per_household_fen * len(recipients), dividend_fen=request.dividend_fen,
        paid_on=request.paid_on, created_by=actor.sub)
    uow.assets.add(distribution)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise DistributionRefused(["period_already_distributed"]) from None
    for (household, shares), (_, guaranteed, dividend) in zip(recipients, lines, strict=True):
        uow.assets.add(AssetPayout(distribution_id=distribution.id, household_id=household, shares=shares,
                                   guaranteed_fen=guaranteed, dividend_fen=dividend))
    uow.record(AssetIncomeDistributed(asset_id=asset.id, distribution_id=distribution.id,
                                      village_code=request.village_code, year=request.year, period=request.period,
                                      guaranteed_fen=distribution.guaranteed_fen, dividend_fen=request.dividend_fen,
                                      households=len(recipients)),
               subject=asset.id, division=request.village_code, actor=actor.sub)
    return distribution
