"""Audit finding use cases: record (linked to an allocation or project) and close after rectification."""
from __future__ import annotations

import uuid

from fupin_funds.audit import domain
from fupin_funds.audit.errors import ClosureRefused, FindingInvalid
from fupin_funds.audit.models import AuditFinding
from fupin_funds.audit.schemas import ClosureCreate, FindingCreate
from fupin_funds.common import today
from fupin_funds.db import FundsUow
from fupin_funds.divisions import within
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.funds import AuditFindingClosed, AuditFindingRecorded
from fupin_shared.db import uuid7
from fupin_shared.http.etag import require_version


async def record_finding(uow: FundsUow, request: FindingCreate, *, actor: Principal) -> AuditFinding:
    """Record an audit, spot-check, inspection or complaint finding with its rectification deadline."""
    async with uow:
        finding = await _record_finding(uow, request, actor=actor)
        await uow.commit()
    return finding


async def _record_finding(uow: FundsUow, request: FindingCreate, *, actor: Principal) -> AuditFinding:
    errors = domain.finding_errors(found_on=request.found_on, rectify_by=request.rectify_by, today=today())
    await uow.serialise_writes()
    allocation = await uow.ledger.allocation(request.allocation_id, within=actor.division) \
        if request.allocation_id is not None else None
    project = await uow.projects.get(request.project_id, within=actor.division) \
        if request.project_id is not None else None
    if allocation is not None and project is not None and not within(project.village_code, allocation.division_code):
        errors.append(domain.FindingError.PROJECT_OUTSIDE_ALLOCATION)
    if errors:
        raise FindingInvalid([str(e) for e in errors])
    division = project.village_code if project is not None else allocation.division_code  # type: ignore[union-attr]
    finding = AuditFinding(
        id=uuid7(), kind=request.kind, severity=request.severity, category=request.category, summary=request.summary,
        detail=request.detail, auditor=request.auditor, division_code=division, year=request.found_on.year,
        found_on=request.found_on, rectify_by=request.rectify_by, amount_involved_fen=request.amount_involved_fen,
        allocation_id=request.allocation_id, project_id=request.project_id, status=domain.FindingStatus.OPEN,
        created_by=actor.sub)
    uow.findings.add(finding)
    uow.record(AuditFindingRecorded(
        finding_id=finding.id, division_code=division, year=finding.year, severity=finding.severity,
        summary=finding.summary, rectify_by=finding.rectify_by, allocation_id=finding.allocation_id,
        project_id=finding.project_id, kind=finding.kind, category=finding.category,
        amount_involved_fen=finding.amount_involved_fen),
        subject=finding.id, division=division, actor=actor.sub)
    return finding


async def close_finding(uow: FundsUow, finding_id: uuid.UUID, request: ClosureCreate, *, actor: Principal,
                        expected_version: int | None) -> AuditFinding:
    """Close a finding once its rectification is accepted (If-Match required); closing twice → 409."""
    async with uow:
        finding = await _close(uow, finding_id, request, actor=actor, expected_version=expected_version)
        await uow.commit()
    return finding


async def _close(uow: FundsUow, finding_id: uuid.UUID, request: ClosureCreate, *, actor: Principal,
                 expected_version: int | None) -> AuditFinding:
    await uow.serialise_writes()
    finding = await uow.findings.get(finding_id, within=actor.division)
    if expected_version is not None:
        require_version(finding.version, expected_version)
    closed_on = request.closed_on or today()
    if errors := domain.closure_errors(status=finding.status, found_on=finding.found_on, closed_on=closed_on,
                                       today=today()):
        raise ClosureRefused(finding.id, [str(e) for e in errors])
    finding.status = domain.FindingStatus.CLOSED
    finding.rectification = request.rectification
    finding.closed_on = closed_on
    uow.record(AuditFindingClosed(finding_id=finding.id, division_code=finding.division_code, year=finding.year,
                                  closed_on=closed_on, rectification=request.rectification,
                                  overdue=domain.closed_late(rectify_by=finding.rectify_by, closed_on=closed_on)),
               subject=finding.id, division=finding.division_code, actor=actor.sub)
    return finding
