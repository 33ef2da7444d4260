"""Ledger use cases: load → decide (domain) → guarded change → record event → commit.

Each public use case opens the unit of work and commits once; the ``_``-prefixed steps run inside an
open unit of work, so bulk paths (the demo) can put many entries in one transaction with their events.
"""
from __future__ import annotations

import uuid
from datetime import date

from fupin_funds.db import FundsUow
from fupin_funds.common import today
from fupin_funds.disclosure import domain as disclosure_domain
from fupin_funds.disclosure.errors import ProjectNotDisclosed
from fupin_funds.divisions import COUNTY_NAMES, level_of, within
from fupin_funds.ledger import domain
from fupin_funds.ledger.errors import (AllocationExceedsParent, AllocationExceedsProjectBudget,
                                       AllocationPlacementInvalid, AlreadyReversed, DisbursementExceedsAllocation,
                                       InstalmentRefused, NotAnOriginalEntry, PaidOnInvalid, PayeeMismatch,
                                       ProjectNotFundable, ProjectPaymentRefused, ReversalExceedsUncommitted,
                                       ReversalNotAllowedHere, SourceAdjustmentRefused)
from fupin_funds.ledger.models import Disbursement, FundAllocation, FundSource, SourceAdjustment
from fupin_funds.ledger.schemas import (AllocationCreate, AllocationReversalCreate, DisbursementCreate,
                                        DisbursementReversalCreate, SourceAdjustmentCreate, SourceCreate)
from fupin_shared.auth.deps import check_division
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.funds import (AllocationMade, DisbursementMade, FundSourceAdjusted,
                                          FundSourceRegistered)
from fupin_shared.db import uuid7

FUNDABLE_PROJECT_STATUSES = frozenset({"approved", "implementing", "completed", "accepted"})


# --- sources -------------------------------------------------------------------------------------

async def register_source(uow: FundsUow, request: SourceCreate, *, actor: Principal) -> FundSource:
    """Register a fund source (central / provincial / city / county) with its document and amount."""
    async with uow:
        source = await _register_source(uow, request, actor=actor)
        await uow.commit()
    return source


async def _register_source(uow: FundsUow, request: SourceCreate, *, actor: Principal) -> FundSource:
    check_division(actor, request.division_code, field="division_code")
    await uow.serialise_writes()
    source = FundSource(id=uuid7(), level=request.level, category=request.category, year=request.year,
                        division_code=request.division_code, document_no=request.document_no, title=request.title,
                        registered_fen=request.amount_fen, amount_fen=request.amount_fen, allocated_fen=0,
                        received_on=request.received_on, created_by=actor.sub)
    uow.ledger.add(source)
    uow.record(FundSourceRegistered(source_id=source.id, level=source.level, category=source.category,
                                    year=source.year, amount_fen=source.amount_fen, division_code=source.division_code,
                                    document_no=source.document_no, title=source.title,
                                    received_on=source.received_on),
               subject=source.id, division=source.division_code, actor=actor.sub)
    return source


async def adjust_source(uow: FundsUow, source_id: uuid.UUID, request: SourceAdjustmentCreate, *,
                        actor: Principal) -> FundSource:
    """Correct a source's amount with a signed adjustment entry; it never drops below what it allocated."""
    async with uow:
        await uow.serialise_writes()
        source = await uow.ledger.source(source_id, within=actor.division)
        if not await uow.ledger.adjust_source(source_id, request.amount_fen):
            source = await uow.ledger.source(source_id, within=None)
            raise SourceAdjustmentRefused(source_id=source_id, allocated_fen=source.allocated_fen,
                                          new_total_fen=source.amount_fen + request.amount_fen)
        adjustment = SourceAdjustment(id=uuid7(), source_id=source_id, amount_fen=request.amount_fen,
                                      reason=request.reason, document_no=request.document_no, created_by=actor.sub)
        uow.ledger.add(adjustment)
        source = await uow.ledger.source(source_id, within=None)
        uow.record(FundSourceAdjusted(source_id=source_id, adjustment_id=adjustment.id, level=source.level,
                                      year=source.year, division_code=source.division_code,
                                      amount_fen=request.amount_fen, new_total_fen=source.amount_fen,
                                      reason=request.reason, document_no=request.document_no),
                   subject=source_id, division=source.division_code, actor=actor.sub)
        await uow.commit()
    return source


# --- allocations ---------------------------------------------------------------------------------

async def allocate_funds(uow: FundsUow, request: AllocationCreate, *, actor: Principal) -> FundAllocation:
    """Allocate money from a source or a parent allocation to a division or a project. Refused with 409
    (nothing written) when it does not fit what the parent has left — also under concurrent requests."""
    async with uow:
        allocation = await _allocate(uow, request, actor=actor)
        await uow.commit()
    return allocation


async def _allocate(uow: FundsUow, request: AllocationCreate, *, actor: Principal) -> FundAllocation:
    check_division(actor, request.division_code, field="division_code")
    await uow.serialise_writes()
    if request.parent_allocation_id is not None:
        parent = await uow.ledger.allocation(request.parent_allocation_id, within=actor.division)
        if parent.is_reversal:
            raise NotAnOriginalEntry(parent.id)
        source_id = parent.source_id
        parent_division, parent_year, path_prefix = parent.division_code, parent.year, parent.path
        balance = domain.Balance(parent.net_amount_fen, parent.allocated_fen, parent.disbursed_fen)
    else:
        assert request.source_id is not None
        source = await uow.ledger.source(request.source_id, within=actor.division)
        source_id = source.id
        parent = None
        parent_division, parent_year, path_prefix = source.division_code, source.year, ""
        balance = domain.Balance(source.amount_fen, source.allocated_fen)
    project = None
    if request.project_id is not None:
        project = await uow.projects.get(request.project_id, within=actor.division)
    errors = domain.placement_errors(
        parent_division=parent_division, parent_year=parent_year, parent_is_source=parent is None,
        division_code=request.division_code, year=request.year,
        project_village=project.village_code if project else None, project_year=project.year if project else None)
    if errors:
        raise AllocationPlacementInvalid([str(e) for e in errors])
    if project is not None:
        if project.status not in FUNDABLE_PROJECT_STATUSES:
            raise ProjectNotFundable(project.id, project.status)
        if project.funded_fen + request.amount_fen > project.budget_fen:
            raise AllocationExceedsProjectBudget(project_id=project.id,
                                                 unfunded_fen=project.budget_fen - project.funded_fen,
                                                 requested_fen=request.amount_fen)
    parent_id = parent.id if parent is not None else source_id
    if not balance.fits(request.amount_fen):
        raise AllocationExceedsParent(parent_id=parent_id, available_fen=balance.available_fen,
                                      requested_fen=request.amount_fen)
    allocation_id = uuid7()
    allocation = FundAllocation(
        id=allocation_id, source_id=source_id, parent_allocation_id=parent.id if parent is not None else None,
        reversal_of=None, path=f"{path_prefix}{allocation_id.hex}/", division_code=request.division_code,
        parent_division_code=parent_division, project_id=request.project_id,
        recipient=request.recipient or (project.responsible_unit if project is not None else None)
        or default_recipient(request.division_code), year=request.year,
        document_no=request.document_no, note=request.note, amount_fen=request.amount_fen,
        net_amount_fen=request.amount_fen, allocated_fen=0, disbursed_fen=0, created_by=actor.sub)
    uow.ledger.add(allocation)
    uow.record(_allocation_made(allocation, *await uow.ledger.source_facts(source_id)), subject=allocation.id,
               division=allocation.division_code, actor=actor.sub)
    # the guarded UPDATE comes last (the parent's row lock is held only until the commit) and decides under
    # concurrency; the check above only gives the usual refusal its numbers
    if parent is not None:
        taken = await uow.ledger.take_from_allocation(parent.id, request.amount_fen, column="allocated_fen")
    else:
        taken = await uow.ledger.take_from_source(source_id, request.amount_fen)
    if not taken:
        if parent is not None:
            fresh = await uow.ledger.allocation(parent.id, within=None)
            available = fresh.net_amount_fen - fresh.allocated_fen - fresh.disbursed_fen
        else:
            fresh_source = await uow.ledger.source(source_id, within=None)
            available = fresh_source.amount_fen - fresh_source.allocated_fen
        raise AllocationExceedsParent(parent_id=parent_id, available_fen=available, requested_fen=request.amount_fen)
    if project is not None and not await uow.projects.fund(project.id, request.amount_fen):
        fresh_project = await uow.projects.get(project.id, within=None)
        raise AllocationExceedsProjectBudget(project_id=project.id,
                                             unfunded_fen=fresh_project.budget_fen - fresh_project.funded_fen,
                                             requested_fen=request.amount_fen)
    return allocation


def default_recipient(division_code: str) -> str | None:
    name = COUNTY_NAMES.get(division_code)
    return f"{name}人民政府" if name else None


def _allocation_made(entry: FundAllocation, level: str, category: str) -> AllocationMade:
    return AllocationMade(
        allocation_id=entry.id, source_id=entry.source_id, parent_allocation_id=entry.parent_allocation_id,
        division_code=entry.division_code, project_id=entry.project_id, amount_fen=entry.amount_fen, year=entry.year,
        source_level=level, reversal_of=entry.reversal_of, parent_division_code=entry.parent_division_code,
        division_level=str(level_of(entry.division_code)), document_no=entry.document_no, source_category=category)


async def reverse_allocation(uow: FundsUow, allocation_id: uuid.UUID, request: AllocationReversalCreate, *,
                             actor: Principal) -> FundAllocation:
    """Return money to the parent with a reversal entry (negative amount). Only money the allocation has
    neither passed on nor paid out can go back; the level that allocated does it."""
    async with uow:
        await uow.serialise_writes()
        node = await uow.ledger.allocation(allocation_id, within=actor.division)
        if node.is_reversal:
            raise NotAnOriginalEntry(node.id)
        if not actor.sees(node.parent_division_code):
            raise ReversalNotAllowedHere(node.parent_division_code)
        balance = domain.Balance(node.net_amount_fen, node.allocated_fen, node.disbursed_fen)
        amount = request.amount_fen if request.amount_fen is not None else balance.available_fen
        if amount <= 0 or not balance.fits(amount):
            raise ReversalExceedsUncommitted(allocation_id=node.id, available_fen=balance.available_fen,
                                             requested_fen=amount)
        if not await uow.ledger.shrink_allocation(node.id, amount):
            fresh = await uow.ledger.allocation(node.id, within=None)
            raise ReversalExceedsUncommitted(
                allocation_id=node.id, available_fen=fresh.net_amount_fen - fresh.allocated_fen - fresh.disbursed_fen,
                requested_fen=amount)
        if node.parent_allocation_id is not None:
            await uow.ledger.give_back_to_allocation(node.parent_allocation_id, amount, column="allocated_fen")
        else:
            await uow.ledger.return_to_source(node.source_id, amount)
        if node.project_id is not None:
            await uow.projects.unfund(node.project_id, amount)
        entry = FundAllocation(
            id=uuid7(), source_id=node.source_id, parent_allocation_id=node.parent_allocation_id, reversal_of=node.id,
            path=node.path, division_code=node.division_code, parent_division_code=node.parent_division_code,
            project_id=node.project_id, recipient=node.recipient, year=node.year,
            document_no=request.document_no or node.document_no,
            note=request.reason, amount_fen=-amount, net_amount_fen=0, allocated_fen=0, disbursed_fen=0,
            created_by=actor.sub)
        uow.ledger.add(entry)
        uow.record(_allocation_made(entry, *await uow.ledger.source_facts(node.source_id)), subject=node.id,
                   division=node.division_code, actor=actor.sub)
        await uow.commit()
    return entry


# --- disbursements -------------------------------------------------------------------------------

async def disburse(uow: FundsUow, request: DisbursementCreate, *, actor: Principal) -> Disbursement:
    """Pay out of an allocation: a project stage tied to its progress, or a household instalment into its
    one-card account. Refused with 409 (nothing written) when the allocation has not enough left — also
    when 50 requests race for the last 100 yuan — or when a village project's arrangement has not been
    posted with its notice period over."""
    async with uow:
        disbursement = await _disburse(uow, request, actor=actor)
        await uow.commit()
    return disbursement


async def _disburse(uow: FundsUow, request: DisbursementCreate, *, actor: Principal,
                    on: date | None = None) -> Disbursement:
    await uow.serialise_writes()
    allocation = await uow.ledger.allocation(request.allocation_id, within=actor.division)
    if allocation.is_reversal:
        raise NotAnOriginalEntry(allocation.id)
    if error := domain.paid_on_error(request.paid_on, today=on or today()):
        raise PaidOnInvalid(error)
    project_id = request.project_id
    if project_id is None and request.household_id is None:
        project_id = allocation.project_id
        if project_id is None:
            raise PayeeMismatch("Allocation has no project: give project_id or household_id.")
    if allocation.project_id is not None and request.household_id is not None:
        raise PayeeMismatch(f"Allocation {allocation.id} is earmarked for project {allocation.project_id}; "
                            "household subsidies are paid from allocations to a division.")
    if allocation.project_id is not None and project_id is not None and project_id != allocation.project_id:
        raise PayeeMismatch(f"Allocation {allocation.id} is for project {allocation.project_id}, not {project_id}.")
    project = None
    stage: str | None
    cap_fen = 0
    if project_id is not None:
        project = await uow.projects.get(project_id, within=actor.division)
        if not within(project.village_code, allocation.division_code):
            raise PayeeMismatch(f"Project {project.id} lies outside the allocation's division "
                                f"{allocation.division_code}.")
        progress = request.progress_pct if request.progress_pct is not None else project.progress_pct
        errors = domain.project_payment_errors(
            status=project.status, budget_fen=project.budget_fen, disbursed_fen=project.disbursed_fen,
            recorded_progress_pct=project.progress_pct, progress_pct=progress, amount_fen=request.amount_fen)
        cap_fen = domain.project_cap_fen(project.budget_fen, project.status, progress)
        if errors:
            raise ProjectPaymentRefused(project.id, [str(e) for e in errors], cap_fen=cap_fen,
                                        disbursed_fen=project.disbursed_fen)
        await _require_disclosed(uow, project.id, project.village_code, request.paid_on)
        purpose, stage = domain.Purpose.PROJECT, domain.project_stage(project.status, progress)
    else:
        assert request.household_id is not None and request.purpose is not None
        await uow.beneficiaries.require_eligible([request.household_id], division=allocation.division_code, lock=True)
        purpose, stage, progress = request.purpose, request.stage, None
        if purpose in domain.HOUSEHOLD_STAGES:
            paid = await uow.ledger.paid_stages(request.household_id, purpose)
            if reason := domain.instalment_error(purpose, paid, stage):
                raise InstalmentRefused(str(reason), paid_stages=paid, stage=stage)
    balance = domain.Balance(allocation.net_amount_fen, allocation.allocated_fen, allocation.disbursed_fen)
    if not balance.fits(request.amount_fen):
        raise DisbursementExceedsAllocation(allocation_id=allocation.id, available_fen=balance.available_fen,
                                            requested_fen=request.amount_fen)
    level, _ = await uow.ledger.source_facts(allocation.source_id)
    disbursement = Disbursement(
        id=uuid7(), allocation_id=allocation.id, source_id=allocation.source_id, reversal_of=None,
        division_code=allocation.division_code, project_id=project.id if project is not None else None,
        household_id=request.household_id, purpose=purpose, stage=stage, progress_pct=progress,
        amount_fen=request.amount_fen, paid_on=request.paid_on, year=allocation.year, account_no=request.account_no,
        payee=request.payee or (project.responsible_unit if project is not None else None),
        voucher_no=request.voucher_no, note=request.note, created_by=actor.sub)
    uow.ledger.add(disbursement)
    uow.record(_disbursement_made(disbursement, level), subject=allocation.id, division=allocation.division_code,
               actor=actor.sub)
    # The entry and its event are written first; the guarded UPDATE comes last, so the allocation's row lock is
    # held only from here to the commit. It decides under concurrency: exactly what fits passes; a refusal
    # rolls the entry back with everything else.
    if not await uow.ledger.take_from_allocation(allocation.id, request.amount_fen, column="disbursed_fen"):
        fresh = await uow.ledger.allocation(allocation.id, within=None)
        raise DisbursementExceedsAllocation(
            allocation_id=allocation.id, available_fen=fresh.net_amount_fen - fresh.allocated_fen - fresh.disbursed_fen,
            requested_fen=request.amount_fen)
    if project is not None and not await uow.projects.pay(project.id, request.amount_fen, cap_fen=cap_fen,
                                                            progress_pct=progress):
        fresh_project = await uow.projects.get(project.id, within=None)
        raise ProjectPaymentRefused(project.id, [str(domain.ProjectPaymentError.OVER_CAP)], cap_fen=cap_fen,
                                    disbursed_fen=fresh_project.disbursed_fen)
    return disbursement


async def _require_disclosed(uow: FundsUow, project_id: uuid.UUID, village_code: str, paid_on: date) -> None:
    """Rules as data: where a rule gates disbursement at the project's level, the project's arrangement
    must be posted in a published notice whose notice period ended before the payment."""
    rules = [disclosure_domain.RuleView(kind=r.kind, division_levels=list(r.division_levels), public=r.public,
                                        min_notice_days=r.min_notice_days, gates_disbursement=r.gates_disbursement)
             for r in await uow.disclosures.rules()]
    gating = disclosure_domain.gating_kinds(rules, level_of(village_code))
    if not gating:
        return
    postings = await uow.disclosures.postings_of(project_id, kinds=gating)
    if reason := disclosure_domain.gate_error(postings, paid_on):
        raise ProjectNotDisclosed(project_id, reason, kinds=sorted(gating),
                                  notice_ends_on=max((p.notice_ends_on for p in postings), default=None))


def _disbursement_made(d: Disbursement, source_level: str) -> DisbursementMade:
    return DisbursementMade(disbursement_id=d.id, allocation_id=d.allocation_id, division_code=d.division_code,
                            amount_fen=d.amount_fen, year=d.year, paid_on=d.paid_on, project_id=d.project_id,
                            household_id=d.household_id, reversal_of=d.reversal_of, purpose=d.purpose, stage=d.stage,
                            source_id=d.source_id, source_level=source_level)


async def reverse_disbursement(uow: FundsUow, disbursement_id: uuid.UUID, request: DisbursementReversalCreate, *,
                               actor: Principal) -> Disbursement:
    """Correct a payment with a reversal entry (the whole amount, once): the money returns to the allocation."""
    async with uow:
        await uow.serialise_writes()
        original = await uow.ledger.disbursement(disbursement_id, within=actor.division)
        if original.reversal_of is not None:
            raise NotAnOriginalEntry(original.id)
        if await uow.ledger.reversal_of_disbursement(original.id) is not None:
            raise AlreadyReversed(original.id)
        on = request.on or today()
        if on < original.paid_on or on > today():
            raise PaidOnInvalid("the reversal date lies between the payment date and today")
        await uow.ledger.give_back_to_allocation(original.allocation_id, original.amount_fen, column="disbursed_fen")
        if original.project_id is not None:
            await uow.projects.unpay(original.project_id, original.amount_fen)
        entry = Disbursement(
            id=uuid7(), allocation_id=original.allocation_id, source_id=original.source_id, reversal_of=original.id,
            division_code=original.division_code, project_id=original.project_id, household_id=original.household_id,
            purpose=original.purpose, stage=original.stage, progress_pct=original.progress_pct,
            amount_fen=-original.amount_fen, paid_on=on, year=original.year, account_no=original.account_no,
            payee=original.payee, voucher_no=original.voucher_no, note=request.reason, created_by=actor.sub)
        uow.ledger.add(entry)
        level, _ = await uow.ledger.source_facts(original.source_id)
        uow.record(_disbursement_made(entry, level), subject=original.allocation_id,
                   division=original.division_code, actor=actor.sub)
        await uow.commit()
    return entry


# --- balances and the ledger audit ---------------------------------------------------------------

async def check_ledger(uow: FundsUow, *, within: str) -> tuple[int, list[dict[str, object]]]:
    """Recompute every node's counters from its entries: the ledger balances when nothing differs
    and no node is over-committed."""
    async with uow:
        nodes: list[domain.NodeTotals] = []
        for source, allocated, adjusted in await uow.ledger.recomputed_sources(within):
            nodes.append(domain.NodeTotals(
                str(source.id), "source", domain.Balance(source.amount_fen, source.allocated_fen),
                domain.Balance(source.registered_fen + adjusted, allocated)))
        for node, reversed_sum, children_sum, paid_sum in await uow.ledger.recomputed_allocations(within):
            nodes.append(domain.NodeTotals(
                str(node.id), "allocation", domain.Balance(node.net_amount_fen, node.allocated_fen, node.disbursed_fen),
                domain.Balance(node.amount_fen + reversed_sum, children_sum, paid_sum)))
        for project, allocated, paid in await uow.projects.recomputed(within):
            nodes.append(domain.NodeTotals(
                str(project.id), "project", domain.Balance(project.budget_fen, project.funded_fen, 0),
                domain.Balance(project.budget_fen, allocated, 0)))
            if project.disbursed_fen != paid:
                nodes.append(domain.NodeTotals(
                    str(project.id), "project_payments", domain.Balance(project.budget_fen, 0, project.disbursed_fen),
                    domain.Balance(project.budget_fen, 0, paid)))
    return len(nodes), domain.discrepancies(nodes)
