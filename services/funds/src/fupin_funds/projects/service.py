"""Project library use cases (task 20: 县级脱贫攻坚项目库; performance targets and results)."""
from __future__ import annotations

import uuid

from fupin_funds.common import today
from fupin_funds.db import FundsUow
from fupin_funds.projects import domain
from fupin_funds.projects.errors import (BudgetBelowFunded, IllegalTransition, ProjectNotAmendable,
                                         ResultsNotYet)
from fupin_funds.projects.models import PerformanceTarget, Project
from fupin_funds.projects.schemas import (BeneficiariesUpdate, ProjectCreate, ProjectUpdate, ResultRecord,
                                          TargetCreate, TransitionRequest)
from fupin_shared.auth.deps import check_division
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.funds import ProjectChanged
from fupin_shared.db import utc_now, uuid7
from fupin_shared.http.etag import require_version

RESULT_STATUSES = frozenset({"implementing", "completed", "accepted"})


async def register_project(uow: FundsUow, request: ProjectCreate, *, actor: Principal) -> Project:
    """Enter a project in the library (储备) with its beneficiaries — households the registry reported,
    living in the project's division and not removed — and its performance targets."""
    async with uow:
        project = await _register_project(uow, request, actor=actor)
        await uow.commit()
    return project


async def _register_project(uow: FundsUow, request: ProjectCreate, *, actor: Principal) -> Project:
    check_division(actor, request.village_code, field="village_code")
    await uow.serialise_writes()
    await uow.beneficiaries.require_eligible(request.beneficiary_household_ids, division=request.village_code)
    project = Project(id=uuid7(), name=request.name, village_code=request.village_code, category=request.category,
                      content=request.content, location=request.location, responsible_unit=request.responsible_unit,
                      plan_task=request.plan_task, year=request.year, budget_fen=request.budget_fen, funded_fen=0,
                      disbursed_fen=0, progress_pct=0, status=domain.ProjectStatus.RESERVE,
                      status_changed_on=today(), created_by=actor.sub)
    uow.projects.add(project)
    await uow.session.flush()  # the project row first: its beneficiaries and targets refer to it
    uow.projects.add_beneficiaries(project.id, request.beneficiary_household_ids)
    targets = [_target(project.id, target) for target in request.targets]
    for target in targets:
        uow.projects.add(target)
    await _record(uow, project, "created", actor=actor, targets=targets,
                  beneficiaries=len(request.beneficiary_household_ids))
    return project


def _target(project_id: uuid.UUID, request: TargetCreate) -> PerformanceTarget:
    return PerformanceTarget(id=uuid7(), project_id=project_id, kind=request.kind, indicator=request.indicator,
                             unit=request.unit, direction=request.direction, target_value=request.target_value)


async def _record(uow: FundsUow, project: Project, change: str, *, actor: Principal,
                  previous_status: str | None = None, targets: list[PerformanceTarget] | None = None,
                  beneficiaries: int | None = None) -> None:
    """Record ProjectChanged with the project's current counts (``targets``/``beneficiaries`` when the caller
    already holds them)."""
    project.updated_at = utc_now()  # every change of the project (targets, beneficiaries too) bumps its version
    if beneficiaries is None:
        beneficiaries = await uow.projects.beneficiary_count(project.id)
    if targets is None:
        targets = (await uow.projects.targets([project.id]))[project.id]
    summary = domain.summarise([(t.direction, t.target_value, t.actual_value) for t in targets])
    village = await uow.beneficiaries.village(project.village_code)
    uow.record(ProjectChanged(
        project_id=project.id, village_code=project.village_code, status=project.status, budget_fen=project.budget_fen,
        year=project.year, plan_task=project.plan_task, beneficiary_households=beneficiaries, change=change,
        previous_status=previous_status, name=project.name, category=project.category, funded_fen=project.funded_fen,
        disbursed_fen=project.disbursed_fen, targets_total=summary.targets, targets_met=summary.met,
        provincial_poor_village=village.provincial_poor_village if village is not None else None),
        subject=project.id, division=project.village_code, actor=actor.sub)


async def amend_project(uow: FundsUow, project_id: uuid.UUID, request: ProjectUpdate, *, actor: Principal,
                        expected_version: int) -> Project:
    """Change a project's plan while it is in reserve or approved (If-Match required)."""
    async with uow:
        await uow.serialise_writes()
        project = await uow.projects.get(project_id, within=actor.division)
        require_version(project.version, expected_version)
        if project.status not in domain.AMENDABLE:
            raise ProjectNotAmendable(project.id, project.status)
        changes = request.model_dump(exclude_unset=True)
        if "budget_fen" in changes and changes["budget_fen"] < project.funded_fen:
            raise BudgetBelowFunded(project.id, project.funded_fen)
        for name, value in changes.items():
            setattr(project, name, value)
        await _record(uow, project, "amended", actor=actor)
        await uow.commit()
    return project


async def transition_project(uow: FundsUow, project_id: uuid.UUID, request: TransitionRequest, *,
                             actor: Principal, expected_version: int | None) -> Project:
    """Move a project one step: 储备 → 审批 → 实施 → 完工 → 验收. An illegal move is refused with 409."""
    async with uow:
        project = await _transition(uow, project_id, request, actor=actor, expected_version=expected_version)
        await uow.commit()
    return project


async def _transition(uow: FundsUow, project_id: uuid.UUID, request: TransitionRequest, *, actor: Principal,
                      expected_version: int | None) -> Project:
    await uow.serialise_writes()
    project = await uow.projects.get(project_id, within=actor.division)
    if expected_version is not None:
        require_version(project.version, expected_version)
    targets = (await uow.projects.targets([project.id]))[project.id]
    facts = domain.ProjectFacts(
        status=project.status, targets=len(targets), funded_fen=project.funded_fen,
        output_targets_without_result=sum(1 for t in targets if t.kind == "output" and t.actual_value is None))
    if errors := domain.transition_errors(facts, request.to):
        raise IllegalTransition(project.id, project.status, request.to, [str(e) for e in errors])
    previous = project.status
    project.status = request.to
    project.status_changed_on = request.on or today()
    if request.to == domain.ProjectStatus.COMPLETED:
        project.progress_pct = 100
    await _record(uow, project, "transitioned", actor=actor, previous_status=previous, targets=targets)
    return project


async def set_beneficiaries(uow: FundsUow, project_id: uuid.UUID, request: BeneficiariesUpdate, *,
                            actor: Principal, expected_version: int) -> Project:
    """Replace the project's beneficiary households (validated against the registry read copy)."""
    async with uow:
        await uow.serialise_writes()
        project = await uow.projects.get(project_id, within=actor.division)
        require_version(project.version, expected_version)
        await uow.beneficiaries.require_eligible(request.household_ids, division=project.village_code)
        await uow.projects.replace_beneficiaries(project.id, request.household_ids)
        await _record(uow, project, "beneficiaries", actor=actor, beneficiaries=len(request.household_ids))
        await uow.commit()
    return project


async def add_target(uow: FundsUow, project_id: uuid.UUID, request: TargetCreate, *, actor: Principal) -> Project:
    """Add a performance target (output, benefit, satisfaction, cost or timeliness indicator)."""
    async with uow:
        await uow.serialise_writes()
        project = await uow.projects.get(project_id, within=actor.division)
        if project.status not in domain.AMENDABLE:
            raise ProjectNotAmendable(project.id, project.status)
        uow.projects.add(_target(project.id, request))
        await _record(uow, project, "target_set", actor=actor)
        await uow.commit()
    return project


async def record_result(uow: FundsUow, project_id: uuid.UUID, target_id: uuid.UUID, request: ResultRecord, *,
                        actor: Principal, expected_version: int | None = None) -> Project:
    """Record the measured value of a performance target (once the project is being implemented)."""
    async with uow:
        project = await _record_result(uow, project_id, target_id, request, actor=actor,
                                       expected_version=expected_version)
        await uow.commit()
    return project


async def _record_result(uow: FundsUow, project_id: uuid.UUID, target_id: uuid.UUID, request: ResultRecord, *,
                         actor: Principal, expected_version: int | None) -> Project:
    await uow.serialise_writes()
    project = await uow.projects.get(project_id, within=actor.division)
    if expected_version is not None:
        require_version(project.version, expected_version)
    if project.status not in RESULT_STATUSES:
        raise ResultsNotYet(project.id, project.status)
    target = await uow.projects.target(project.id, target_id)
    target.actual_value = request.actual_value
    target.measured_on = request.measured_on
    target.note = request.note
    await _record(uow, project, "result_recorded", actor=actor)
    return project
