"""Supervision use cases: record a finding, submit evidence, reject it, close the finding."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from fupin_shared.auth.deps import check_division
from fupin_shared.auth.principal import CITY, Principal
from fupin_shared.contracts.tasks import SupervisionFindingChanged, SupervisionFindingClosed, SupervisionFindingRecorded
from fupin_shared.db import utc_now, uuid7
from fupin_shared.http.etag import require_version
from fupin_shared.http.problems import InvalidInput

from fupin_tasks.config import TasksConfig
from fupin_tasks.db import TasksUow
from fupin_tasks.plan.errors import TaskNotFound, UnitNotFound
from fupin_tasks.supervision.domain import FindingAction, FindingState, check_dates, check_on_or_after, next_state
from fupin_tasks.supervision.errors import NotResponsibleForFinding
from fupin_tasks.supervision.models import Finding
from fupin_tasks.supervision.schemas import EvidenceReject, EvidenceSubmit, FindingClose, FindingCreate


def _changed(f: Finding, step: FindingAction) -> SupervisionFindingChanged:
    return SupervisionFindingChanged(finding_id=f.id, state=f.state, step=step.value, rectify_by=f.rectify_by,
                                     unit=f.unit, division_code=f.division_code, task_number=f.task_number)


async def record_finding(uow: TasksUow, request: FindingCreate, *, actor: Principal, config: TasksConfig,
                         now: datetime | None = None) -> Finding:
    """The leading-group office records a finding of supervision, inspection (督查巡查), an
    interview (约谈) or a complaint, with its rectification deadline (plan task 27)."""
    config.policy.require_reviewer(actor)
    year = request.year or request.found_on.year
    check_dates(found_on=request.found_on, rectify_by=request.rectify_by, year=year)
    now = now or utc_now()
    async with uow:
        plan = await uow.plans.plan()
        division = request.division_code
        if request.unit is not None:
            try:
                unit = await uow.plans.unit(request.unit)
            except UnitNotFound:
                raise InvalidInput([{"pointer": "#/unit", "detail": "not a unit of the responsibility matrix"}]) from None
            division = division or unit.division_code
        if request.task_number is not None:
            try:
                await uow.plans.task(plan.id, request.task_number)
            except TaskNotFound:
                raise InvalidInput([{"pointer": "#/task_number", "detail": f"plan {plan.id} has no such task"}]) from None
        division = check_division(actor, division or CITY, field="division_code")
        finding = Finding(id=uuid7(), kind=request.kind.value, year=year, severity=request.severity.value,
                          title=request.title, description=request.description,
                          plan_id=plan.id if request.task_number is not None else None,
                          task_number=request.task_number, unit=request.unit, division_code=division,
                          found_on=request.found_on, rectify_by=request.rectify_by, state=FindingState.OPEN.value,
                          evidence=[], recorded_by=actor.sub, created_at=now, updated_at=now)
        uow.findings.add(finding)
        uow.record(SupervisionFindingRecorded(
            finding_id=finding.id, kind=finding.kind, year=year, severity=finding.severity,
            rectify_by=finding.rectify_by, task_number=finding.task_number, unit=finding.unit,
            division_code=division, title=finding.title, found_on=finding.found_on, state=finding.state),
            subject=finding.id, division=division, actor=actor.sub)
        await uow.commit()
    return finding


def _require_responsible(actor: Principal, finding: Finding, config: TasksConfig) -> None:
    if config.policy.is_reviewer(actor):
        return
    if actor.unit is not None and actor.unit == finding.unit:
        return
    if actor.unit is None and actor.sees(finding.division_code):
        return
    raise NotResponsibleForFinding(f"Evidence for this finding comes from {finding.unit or finding.division_code}.")


async def submit_evidence(uow: TasksUow, finding_id: uuid.UUID, request: EvidenceSubmit, *, actor: Principal,
                          config: TasksConfig, expected_version: int, now: datetime | None = None) -> Finding:
    """The responsible unit (or the division's administrator) submits evidence of rectification."""
    now = now or utc_now()
    today = config.schedule.cadence.local_date(now)
    async with uow:
        finding = await uow.findings.get(finding_id, within=actor.division)
        _require_responsible(actor, finding, config)
        require_version(finding.version, expected_version)
        check_on_or_after(request.rectified_on, finding.found_on, "#/rectified_on")
        finding.state = next_state(finding.state, FindingAction.SUBMIT_EVIDENCE).value
        finding.evidence = [*finding.evidence, {
            "submitted_on": today.isoformat(), "rectified_on": request.rectified_on.isoformat(),
            "description": request.description, "documents": [d.model_dump() for d in request.documents],
            "submitted_by": actor.sub, "rejected_on": None, "rejection_comment": None}]
        await uow.session.flush()
        uow.record(_changed(finding, FindingAction.SUBMIT_EVIDENCE), subject=finding.id,
                   division=finding.division_code, actor=actor.sub)
        await uow.commit()
    return finding


async def reject_evidence(uow: TasksUow, finding_id: uuid.UUID, request: EvidenceReject, *, actor: Principal,
                          config: TasksConfig, expected_version: int, now: datetime | None = None) -> Finding:
    """The office rejects the submitted evidence; the finding is open again, its deadline unchanged."""
    config.policy.require_reviewer(actor)
    today = config.schedule.cadence.local_date(now or utc_now())
    async with uow:
        finding = await uow.findings.get(finding_id, within=actor.division)
        require_version(finding.version, expected_version)
        finding.state = next_state(finding.state, FindingAction.REJECT_EVIDENCE).value
        finding.evidence = [{**e, "rejected_on": today.isoformat(), "rejection_comment": request.comment}
                            if e.get("rejected_on") is None else e for e in finding.evidence]
        await uow.session.flush()
        uow.record(_changed(finding, FindingAction.REJECT_EVIDENCE), subject=finding.id,
                   division=finding.division_code, actor=actor.sub)
        await uow.commit()
    return finding


async def close_finding(uow: TasksUow, finding_id: uuid.UUID, request: FindingClose, *, actor: Principal,
                        config: TasksConfig, expected_version: int, now: datetime | None = None) -> Finding:
    """The office accepts the evidence and closes the finding (销号). On time when the accepted
    evidence was submitted by the rectification deadline."""
    config.policy.require_reviewer(actor)
    today = config.schedule.cadence.local_date(now or utc_now())
    closed_on = request.closed_on or today
    async with uow:
        finding = await uow.findings.get(finding_id, within=actor.division)
        require_version(finding.version, expected_version)
        finding.state = next_state(finding.state, FindingAction.CLOSE).value
        check_on_or_after(closed_on, finding.found_on, "#/closed_on")
        standing = [e for e in finding.evidence if e.get("rejected_on") is None]
        submitted = max(date.fromisoformat(e["submitted_on"]) for e in standing)
        finding.closed_on, finding.closure_comment = closed_on, request.comment
        await uow.session.flush()
        uow.record(SupervisionFindingClosed(
            finding_id=finding.id, closed_on=closed_on, unit=finding.unit, division_code=finding.division_code,
            kind=finding.kind, task_number=finding.task_number, rectify_by=finding.rectify_by,
            on_time=submitted <= finding.rectify_by), subject=finding.id, division=finding.division_code,
            actor=actor.sub)
        await uow.commit()
    return finding
