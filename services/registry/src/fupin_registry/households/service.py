"""Household use cases: load -> decide -> change -> record event -> commit."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from types import SimpleNamespace
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from fupin_registry.db import RegistryUow
from fupin_registry.households import domain
from fupin_registry.households.domain import FieldError, MemberDraft, Status, Step
from fupin_registry.households.errors import (ExitConditionsUnmet, HouseholdNotFound, HouseholdNumberTaken,
                                              IllegalTransition, LastMemberCannotLeave, MemberAlreadyLeft,
                                              NoticePeriodRunning, PersonInActiveHousehold)
from fupin_registry.households.models import Household, Member
from fupin_registry.households.schemas import HouseholdCreate, HouseholdUpdate, MemberIn, MemberLeave, MemberUpdate
from fupin_registry.records.service import evaluate_exit
from fupin_shared.auth import mask_id_number
from fupin_shared.auth.deps import check_division
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.registry import (HouseholdExited, HouseholdIdentified, HouseholdRegistered,
                                             HouseholdRemoved, HouseholdReturned, HouseholdStatusChanged,
                                             HouseholdUpdated, MemberAdded, MemberLeft, MemberUpdated)
from fupin_shared.db import utc_now, uuid7
from fupin_shared.http.etag import require_version
from fupin_shared.http.problems import Conflict, InvalidInput

PERSONAL_FIELDS = frozenset({"phone", "one_card_account", "address", "assisting_cadre_phone", "name"})
"""Changed fields whose values never go into events (their names do, in ``changed``)."""
MEMBER_EVENT_FIELDS = ("birth_date", "sex", "in_school", "health", "disability_grade", "medical_insurance",
                       "relation", "education", "pension_insurance", "labour_skill", "employment", "active")


class HouseholdRemovedConflict(Conflict):
    slug, title = "household-removed", "The household was removed"


def today() -> date:
    return utc_now().date()


def household_base(h: Any) -> dict[str, Any]:
    """The fields every household event carries."""
    return {"household_id": h.id, "village_code": h.village_code, "status": h.status, "persons": h.persons}


def member_event_fields(m: Any) -> dict[str, Any]:
    return {"member_id": m.id, **{name: getattr(m, name) for name in MEMBER_EVENT_FIELDS}}


def _invalid(errors: list[FieldError]) -> InvalidInput:
    return InvalidInput([e.as_dict() for e in errors])


HOUSEHOLD_NULLS = {name: None for name in (
    "identified_year", "exit_year", "exit_path", "return_year", "return_cause", "removal_year", "removal_reason",
    "notice_kind", "notice_started_on", "notice_ends_on", "last_step_on", "import_hash")}
"""Household columns a new registration leaves empty (every column is given: the insert is one statement)."""


def _member_values(draft: MemberDraft, household_id: uuid.UUID, now: datetime) -> dict[str, Any]:
    return {"id": uuid7(), "household_id": household_id, "id_number": draft.id_number, "name": draft.name,
            "sex": draft.sex, "birth_date": draft.birth_date, "relation": draft.relation,
            "in_school": draft.in_school, "education": draft.education, "health": draft.health,
            "disability_grade": draft.disability_grade, "medical_insurance": draft.medical_insurance,
            "pension_insurance": draft.pension_insurance, "labour_skill": draft.labour_skill,
            "employment": draft.employment, "active": True, "left_on": None, "left_reason": None, "version": 1,
            "created_at": now, "updated_at": now}


def _member_row(draft: MemberDraft, household_id: uuid.UUID) -> Member:
    return Member(**_member_values(draft, household_id, utc_now()))


async def _refuse_active_elsewhere(uow: RegistryUow, members: list[tuple[str, str]], *, actor: Principal,
                                   excluding: uuid.UUID | None = None) -> None:
    """409 naming the other household when an ID number is already an active member elsewhere."""
    pointers = dict((number, pointer) for pointer, number in members)
    found = await uow.members.active_elsewhere(list(pointers), excluding=excluding)
    if found:
        conflicts = []
        for row in found:
            number = row["id_number"]
            conflicts.append({"pointer": f"{pointers[number]}/id_number",
                              "id_number": number if actor.may_read_pii else mask_id_number(number),
                              "household_id": row["household_id"], "household_no": row["household_no"]})
        raise PersonInActiveHousehold(conflicts)


async def _commit(uow: RegistryUow, members: list[tuple[str, str]], *, actor: Principal,
                  excluding: uuid.UUID | None = None) -> None:
    """Commit; a concurrent registration of the same person loses on the unique index and gets the 409."""
    try:
        await uow.commit()
    except IntegrityError:
        await _refuse_conflict(uow, members, actor=actor, excluding=excluding)
        raise


async def _refuse_conflict(uow: RegistryUow, members: list[tuple[str, str]], *, actor: Principal,
                           excluding: uuid.UUID | None = None, household_no: str | None = None) -> None:
    """After a unique index refused the write (one active household per ID number, one household per
    number): roll back and raise the 409 naming the other household."""
    await uow.session.rollback()
    if household_no and (other := await uow.households.find_by_number(household_no)):
        raise HouseholdNumberTaken(household_no, other.id) from None
    await _refuse_active_elsewhere(uow, members, actor=actor, excluding=excluding)


async def register_household(uow: RegistryUow, request: HouseholdCreate, *,
                             actor: Principal) -> tuple[Any, list[Any]]:
    """Enter a household in the registry (建档立卡 application, status ``applied``) with its members.

    Refused with per-field errors (nothing written) when an ID number fails GB 11643, a birth date or
    sex contradicts it, the village is unknown, or the head is not unique; 409 when a member is already
    in another active household or the household number is taken."""
    check_division(actor, request.village_code, field="village_code")
    drafts = [request.head.draft(), *(m.draft() for m in request.members)]
    pointers = ["#/head", *(f"#/members/{i}" for i in range(len(request.members)))]
    errors = [FieldError(f"#/members/{i}/relation", "the head is given in 'head'; choose another relation")
              for i, m in enumerate(request.members) if m.relation == "head"]
    if not errors:
        errors = domain.validate_household(members=drafts, labour_type=request.labour_type,
                                           poverty_causes=list(request.poverty_causes), today=today(),
                                           pointers=pointers)
    if request.persons is not None and request.persons != len(drafts):
        errors.append(FieldError("#/persons", f"must equal the number of members ({len(drafts)}) or be omitted"))
    async with uow:
        if not await uow.divisions.is_village(request.village_code):
            errors.append(FieldError("#/village_code", "is not a known village code"))
        if errors:
            raise _invalid(errors)
        numbered = list(zip(pointers, [d.id_number for d in drafts], strict=True))
        head, now = drafts[0], utc_now()
        household = SimpleNamespace(**HOUSEHOLD_NULLS, **{
            "id": uuid7(), "household_no": request.household_no, "village_code": request.village_code,
            "status": Status.APPLIED.value, "head_name": head.name, "head_id_number": head.id_number,
            "persons": len(drafts), "labour_type": request.labour_type, "guarantee_type": request.guarantee_type,
            "poverty_causes": list(request.poverty_causes),
            "cause_mask": domain.cause_mask(list(request.poverty_causes)),
            "assisting_cadre": request.assisting_cadre, "assisting_cadre_phone": request.assisting_cadre_phone,
            "assisting_unit": request.assisting_unit, "phone": request.phone,
            "one_card_account": request.one_card_account, "address": request.address,
            "registered_year": request.year or now.year, "version": 1, "created_at": now, "updated_at": now})
        members = [SimpleNamespace(**_member_values(d, household.id, now)) for d in drafts]
        base = household_base(household)
        events = [uow.outbox_row(HouseholdRegistered(**base, labour_type=household.labour_type,
                                                     poverty_causes=household.poverty_causes,
                                                     guarantee_type=household.guarantee_type,
                                                     year=household.registered_year),
                                 subject=household.id, division=household.village_code, actor=actor.sub)]
        events += [uow.outbox_row(MemberAdded(**base, **member_event_fields(m)), subject=household.id,
                                  division=household.village_code, actor=actor.sub) for m in members]
        try:
            await uow.households.insert_new(vars(household), [vars(m) for m in members], events)
        except IntegrityError:
            await _refuse_conflict(uow, numbered, actor=actor, household_no=request.household_no)
            raise
        await uow.commit()
    return household, members


async def amend_household(uow: RegistryUow, household_id: uuid.UUID, request: HouseholdUpdate, *,
                          actor: Principal, expected_version: int) -> tuple[Household, list[Member]]:
    """Change a household's attributes; refused (412) if it changed since the caller read it."""
    changed = request.model_dump(exclude_unset=True)
    errors = [FieldError(f"#/{name}", "may not be null") for name in ("village_code", "labour_type",
                                                                      "guarantee_type", "poverty_causes")
              if name in changed and changed[name] is None]
    if changed.get("poverty_causes") and len(set(changed["poverty_causes"])) != len(changed["poverty_causes"]):
        errors.append(FieldError("#/poverty_causes", "each cause may be listed once"))
    if changed.get("village_code"):
        check_division(actor, changed["village_code"], field="village_code")  # the new village: 403 outside
    if errors:
        raise _invalid(errors)
    async with uow:
        household = await uow.households.get(household_id, within=actor.division)  # the old village: 404 outside
        require_version(household.version, expected_version)
        previous_village = household.village_code
        if changed.get("village_code") == previous_village:
            del changed["village_code"]
        if "village_code" in changed:
            if not await uow.divisions.is_village(changed["village_code"]):
                raise _invalid([FieldError("#/village_code", "is not a known village code")])
            if household.status == Status.REMOVED:
                raise HouseholdRemovedConflict(f"Household {household_id} was removed; it does not move.")
        if changed.get("household_no") and changed["household_no"] != household.household_no \
                and (other := await uow.households.find_by_number(changed["household_no"])):
            raise HouseholdNumberTaken(changed["household_no"], other.id)
        for name, value in changed.items():
            setattr(household, name, value)
        if "poverty_causes" in changed:
            household.cause_mask = domain.cause_mask(household.poverty_causes)
        household.updated_at = utc_now()
        uow.record(HouseholdUpdated(**household_base(household), changed=sorted(changed),
                                    labour_type=household.labour_type, poverty_causes=household.poverty_causes,
                                    guarantee_type=household.guarantee_type,
                                    values={k: v for k, v in changed.items() if k not in PERSONAL_FIELDS},
                                    previous_village_code=previous_village if "village_code" in changed else None),
                   subject=household.id, division=household.village_code, actor=actor.sub)
        await uow.commit()
        members = await _members_after(uow, household.id)
    return household, members


async def _members_after(uow: RegistryUow, household_id: uuid.UUID) -> list[Member]:
    return await uow.members.of_household(household_id)


# -- members ---------------------------------------------------------------------------------------

async def add_member(uow: RegistryUow, household_id: uuid.UUID, request: MemberIn, *,
                     actor: Principal) -> tuple[Household, Member]:
    """A person joins the household (birth, marriage, return); refused while they are active elsewhere."""
    draft = request.draft()
    errors = domain.complete_member(draft, "#", today=today())
    if request.relation == "head":
        errors.append(FieldError("#/relation", "a household has one head; the head changes when the head leaves"))
    if errors:
        raise _invalid(errors)
    async with uow:
        household = await uow.households.get(household_id, within=actor.division)
        if household.status == Status.REMOVED:
            raise HouseholdRemovedConflict(f"Household {household_id} was removed; it takes no new members.")
        numbered = [("#", draft.id_number)]
        await _refuse_active_elsewhere(uow, numbered, actor=actor)
        existing = [m for m in await uow.members.of_household(household_id) if m.active]
        if any(m.id_number == draft.id_number for m in existing):
            raise _invalid([FieldError("#/id_number", "is already a member of this household")])
        member = _member_row(draft, household.id)
        uow.members.add(member)
        household.persons = len(existing) + 1
        household.updated_at = utc_now()
        uow.record(MemberAdded(**household_base(household), **member_event_fields(member)),
                   subject=household.id, division=household.village_code, actor=actor.sub)
        await _commit(uow, numbered, actor=actor)
    return household, member


async def amend_member(uow: RegistryUow, household_id: uuid.UUID, member_id: uuid.UUID, request: MemberUpdate, *,
                       actor: Principal, expected_version: int) -> Member:
    """Change a member's attributes (health, disability, schooling, insurance, work…); If-Match on the member."""
    changed = request.model_dump(exclude_unset=True)
    errors = [FieldError(f"#/{k}", "may not be null") for k, v in changed.items()
              if v is None and k not in {"education", "disability_grade", "labour_skill", "employment"}]
    if changed.get("relation") == "head":
        errors.append(FieldError("#/relation", "the head changes when the head leaves (new_head_member_id)"))
    if errors:
        raise _invalid(errors)
    async with uow:
        household = await uow.households.get(household_id, within=actor.division)
        member = await uow.members.get(household_id, member_id)
        require_version(member.version, expected_version)
        if not member.active:
            raise MemberAlreadyLeft(f"Member {member_id} is no longer active in this household.")
        if member.relation == "head" and "relation" in changed:
            raise _invalid([FieldError("#/relation", "the head's relation changes only when the head leaves")])
        for name, value in changed.items():
            setattr(member, name, value)
        member.updated_at = utc_now()
        if member.relation == "head" and "name" in changed:
            household.head_name = member.name
            household.updated_at = utc_now()
        uow.record(MemberUpdated(**household_base(household), **member_event_fields(member), changed=sorted(changed)),
                   subject=household.id, division=household.village_code, actor=actor.sub)
        await uow.commit()
    return member


async def member_leaves(uow: RegistryUow, household_id: uuid.UUID, member_id: uuid.UUID, request: MemberLeave, *,
                        actor: Principal, expected_version: int) -> tuple[Household, Member]:
    """A member leaves with a reason (death, marriage, moving…); members are never deleted. When the
    head leaves, ``new_head_member_id`` names the new head."""
    on = request.on or today()
    if on > today():
        raise _invalid([FieldError("#/on", "may not be in the future")])
    async with uow:
        household = await uow.households.get(household_id, within=actor.division)
        if household.status == Status.REMOVED:
            raise HouseholdRemovedConflict(f"Household {household_id} was removed.")
        member = await uow.members.get(household_id, member_id)
        require_version(member.version, expected_version)
        if not member.active:
            raise MemberAlreadyLeft(f"Member {member_id} already left ({member.left_reason}).")
        others = [m for m in await uow.members.of_household(household_id) if m.active and m.id != member.id]
        if not others:
            raise LastMemberCannotLeave()
        new_head = None
        if member.relation == "head":
            new_head = next((m for m in others if m.id == request.new_head_member_id), None)
            if new_head is None:
                raise _invalid([FieldError("#/new_head_member_id",
                                           "the head is leaving: name another active member as the new head")])
        member.active, member.left_on, member.left_reason = False, on, request.reason
        member.updated_at = utc_now()
        household.persons = len(others)
        household.updated_at = utc_now()
        if new_head is not None:
            new_head.relation = "head"
            new_head.updated_at = utc_now()
            household.head_name, household.head_id_number = new_head.name, new_head.id_number
        uow.record(MemberLeft(**household_base(household), **member_event_fields(member), reason=request.reason),
                   subject=household.id, division=household.village_code, actor=actor.sub)
        if new_head is not None:
            uow.record(MemberUpdated(**household_base(household), **member_event_fields(new_head),
                                     changed=["relation"]),
                       subject=household.id, division=household.village_code, actor=actor.sub)
        await uow.commit()
    return household, member


# -- lifecycle -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StepRequest:
    step: Step
    on: date | None = None
    note: str | None = None
    year: int | None = None
    days: int = domain.NOTICE_MIN_DAYS
    exit_path: str | None = None
    cause: str | None = None
    reason: str | None = None


async def take_step(uow: RegistryUow, household_id: uuid.UUID, request: StepRequest, *, actor: Principal,
                    expected_version: int) -> tuple[Household, list[Member]]:
    """Move a household through its lifecycle. The transition table (``domain.TRANSITIONS``) decides
    which step is allowed from which status (409 otherwise); notices last at least 7 days; an exit
    needs the year's exit check to pass (409 naming each failed criterion)."""
    on = request.on or today()
    if on > today():
        raise _invalid([FieldError("#/on", "may not be in the future")])
    async with uow:
        household = await uow.households.get(household_id, within=actor.division)
        require_version(household.version, expected_version)
        target = domain.next_status(household.status, request.step)
        if target is None:
            raise IllegalTransition(household.status, request.step, domain.allowed_steps(household.status))
        if household.last_step_on is not None and on < household.last_step_on:
            raise _invalid([FieldError("#/on", f"is before the previous step ({household.last_step_on.isoformat()})")])
        if (needed := domain.STEPS_AFTER_NOTICE.get(request.step)) is not None:
            problem = domain.notice_problem(needed, notice_kind=household.notice_kind,
                                            ends_on=household.notice_ends_on, on=on)
            if problem:
                raise NoticePeriodRunning(problem, household.notice_ends_on.isoformat()
                                          if household.notice_ends_on else None)
        event = await _decide(uow, household, request, target, on)
        from_status = household.status
        household.status = target.value
        household.last_step_on = on
        household.updated_at = utc_now()
        if request.step in domain.NOTICE_STEPS:
            household.notice_kind = domain.NOTICE_STEPS[request.step]
            household.notice_started_on = on
            household.notice_ends_on = domain.notice_ends_on(on, request.days)
        elif request.step in domain.STEPS_AFTER_NOTICE or request.step == Step.CANCEL_EXIT:
            household.notice_kind = household.notice_started_on = household.notice_ends_on = None
        if event is None:
            event = HouseholdStatusChanged(**household_base(household), from_status=from_status,
                                           step=request.step.value, year=request.year, on=on,
                                           notice_ends_on=household.notice_ends_on
                                           if request.step in domain.NOTICE_STEPS else None, note=request.note)
        else:
            event = event.model_copy(update={"status": household.status})
        uow.record(event, subject=household.id, division=household.village_code, actor=actor.sub)
        await uow.commit()
        members = await uow.members.of_household(household.id)
    return household, members


async def _decide(uow: RegistryUow, household: Household, request: StepRequest, target: Status,
                  on: date) -> Any:
    """Step-specific checks and state; returns the step's own event (None: a status change event)."""
    step, base = request.step, household_base(household)
    if step == Step.APPROVE:
        year = request.year or on.year
        household.identified_year = year
        return HouseholdIdentified(**base, year=year, poverty_causes=household.poverty_causes,
                                   labour_type=household.labour_type)
    if step == Step.NEW_POVERTY:
        if request.cause not in domain.NEW_POVERTY_CAUSES:
            raise _invalid([FieldError("#/cause", "new poverty is brought in for illness or disaster only")])
        household.identified_year = request.year
        household.return_cause = request.cause
        return HouseholdReturned(**base, year=request.year, cause=request.cause, new_poverty=True)
    if step == Step.PRE_EXIT:
        _check_exit_path(household, request.exit_path)
        return None
    if step in (Step.START_EXIT_NOTICE, Step.EXIT):
        if step == Step.EXIT:
            _check_exit_path(household, request.exit_path)
        if household.identified_year is not None and request.year < household.identified_year:
            raise _invalid([FieldError("#/year", f"is before the year of identification ({household.identified_year})")])
        evaluation = await evaluate_exit(uow, household, request.year)
        if not evaluation.check.eligible:
            raise ExitConditionsUnmet(household.id, request.year,
                                      [{"criterion": f.criterion, "detail": f.detail} for f in evaluation.check.failed])
        if step == Step.EXIT:
            household.exit_year, household.exit_path = request.year, request.exit_path
            return HouseholdExited(**base, year=request.year, exit_path=request.exit_path,
                                   per_capita_income_fen=evaluation.income_fen,
                                   line_fen=evaluation.line_fen if evaluation.check.track == "income" else None)
        return None
    if step == Step.RETURN:
        household.return_year, household.return_cause = request.year, request.cause
        return HouseholdReturned(**base, year=request.year, cause=request.cause, new_poverty=False)
    if step == Step.REMOVE:
        household.removal_year, household.removal_reason = request.year, request.reason
        for member in await uow.members.of_household(household.id):
            if member.active:
                member.active = False  # frees the ID numbers; the members stay on record
        return HouseholdRemoved(**base, year=request.year, reason=request.reason)
    return None


def _check_exit_path(household: Household, exit_path: str | None) -> None:
    """Households without labour capacity exit through the social-security guarantee track (兜底)."""
    if household.labour_type == "no_labour" and exit_path not in (None, "social_security"):
        raise _invalid([FieldError("#/exit_path", "a household without labour capacity exits through "
                                                  "social_security (社会保障兜底)")])


# -- reads -----------------------------------------------------------------------------------------

async def household_as_of(uow: RegistryUow, household_id: uuid.UUID, as_of: datetime, *,
                          actor: Principal) -> domain.Snapshot:
    """The household's state at ``as_of``, rebuilt from its events in the outbox."""
    async with uow:
        await uow.households.get(household_id, within=actor.division)
        rows = await uow.households.history(household_id, until=as_of)
    snapshot = domain.Snapshot(household_id=str(household_id))
    for row in rows:
        snapshot = domain.fold(snapshot, row.type, row.data, row.occurred_at)
    if snapshot.events == 0:
        raise HouseholdNotFound(household_id)
    return snapshot
