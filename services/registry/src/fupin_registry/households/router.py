"""HTTP for households, members and the lifecycle: parse, call the use case, shape the response."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from fupin_registry.deps import RegistryReader, RegistryWriter, Uows
from fupin_registry.households import domain, service
from fupin_registry.households.domain import Step
from fupin_registry.households.repository import read_household
from fupin_registry.households.schemas import (CancelExitIn, ExitIn, ExitNoticeIn, FollowUpIn, HistoryEntry,
                                              HouseholdAsOf, HouseholdCreate, HouseholdPage, HouseholdRead,
                                              HouseholdUpdate, IdentificationStepIn, MemberIn, MemberLeave, MemberPage,
                                              MemberRead, MemberUpdate, NewPovertyIn, PreExitIn, RemovalIn, ReturnIn,
                                              household_document)
from fupin_registry.schemas import HouseholdStatus, LabourType, GuaranteeType, PovertyCause
from fupin_shared.auth.deps import check_division
from fupin_shared.auth.principal import Principal
from fupin_shared.db import driver_connection
from fupin_shared.http.deps import Cursor, IdempotencyDep, IfMatchVersion
from fupin_shared.http.etag import etag_for
from fupin_shared.http.handlers import request_id_var
from fupin_shared.http.pagination import decode_cursor, page_of
from fupin_shared.http.problems import InvalidInput, problem_responses
from fupin_shared.http.responses import json_response

router = APIRouter(prefix="/v1", tags=["households"])
HouseholdId = Annotated[uuid.UUID, Path(description="Household id")]


def _log_unmasked(uow: Any, actor: Principal, household_ids: list[Any], villages: list[str], action: str) -> None:
    for household_id, village in zip(household_ids, villages, strict=True):
        uow.log_access(actor=actor.sub, division=village, action=action, resource=f"household/{household_id}",
                       request_id=request_id_var.get())


def _household(household: Any, members: list[Any], viewer: Principal, *, status_code: int = 200,
               location: bool = False) -> Response:
    """The household document (``HouseholdRead``, built as a plain dict: a unit test keeps the two equal)."""
    headers = {"ETag": etag_for(household.version)}
    if location:
        headers["Location"] = f"households/{household.id}"
    return Response(orjson.dumps(household_document(household, members, viewer), option=orjson.OPT_UTC_Z,
                                 default=str), status_code=status_code, media_type="application/json",
                    headers=headers)


@router.post("/households", status_code=201, response_model=HouseholdRead,
             responses=problem_responses(403, 409, 422))
async def register_household(body: HouseholdCreate, uows: Uows, actor: RegistryWriter,
                             idempotency: IdempotencyDep) -> Response:
    """Register a household (建档立卡 application) with its head and members; status ``applied``.
    GB 11643 ID numbers, birth date and sex consistent with them, one active household per person (409
    naming the other household). Honours Idempotency-Key: a retry returns the first response."""

    async def action(uow: Any) -> Response:
        household, members = await service.register_household(uow, body, actor=actor)
        return _household(household, members, actor, status_code=201, location=True)

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/households", response_model=HouseholdPage, responses=problem_responses(400))
async def list_households(uows: Uows, actor: RegistryReader,
                          division: Annotated[str | None, Query(description="12-digit division code")] = None,
                          status: Annotated[HouseholdStatus | None, Query()] = None,
                          cause: Annotated[PovertyCause | None, Query(description="households with this cause")] = None,
                          labour_type: Annotated[LabourType | None, Query()] = None,
                          guarantee_type: Annotated[GuaranteeType | None, Query()] = None,
                          cursor: Cursor = None,
                          limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """Households in a division (default: the caller's), in a stable order, cursor-paginated."""
    within = check_division(actor, division)
    filters = {"division": within, "status": status, "cause": cause, "labour_type": labour_type,
               "guarantee_type": guarantee_type}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        rows = await uow.households.page(within=within, status=status, cause=cause, labour_type=labour_type,
                                         guarantee_type=guarantee_type,
                                         after=uuid.UUID(last[0]) if last else None, limit=limit)
        rows, next_cursor = page_of(rows, limit, lambda h: [str(h.id)], filters)
        members = await uow.households.members_of_many([h.id for h in rows])
        if actor.may_read_pii and rows:
            _log_unmasked(uow, actor, [h.id for h in rows], [h.village_code for h in rows], "household.list")
            await uow.commit()
    return json_response(HouseholdPage(items=[HouseholdRead.for_viewer(h, members[h.id], actor) for h in rows],
                                       next_cursor=next_cursor))


@router.get("/households/{household_id}", response_model=HouseholdRead | HouseholdAsOf,
            responses=problem_responses(404))
async def get_household(household_id: HouseholdId, request: Request, actor: RegistryReader,
                        as_of: Annotated[datetime | None, Query(
                            description="Rebuild the state at this time from the household's events")] = None
                        ) -> Response:
    """One household with its members; personal data masked unless the caller holds pii:read (each
    unmasked read is logged). With ``as_of`` the state at that time, rebuilt from the event history."""
    runtime = request.app.state.runtime
    if as_of is not None:
        if as_of.tzinfo is None:
            raise InvalidInput([{"pointer": "query:as_of", "detail": "must carry a time zone (e.g. Z)"}])
        snapshot = await service.household_as_of(runtime.uow(), household_id, as_of, actor=actor)
        return json_response(HouseholdAsOf(
            id=household_id, as_of=as_of, village_code=snapshot.village_code, status=snapshot.status,
            persons=snapshot.persons, labour_type=snapshot.labour_type, guarantee_type=snapshot.guarantee_type,
            poverty_causes=snapshot.poverty_causes, registered_year=snapshot.registered_year,
            identified_year=snapshot.identified_year, exit_year=snapshot.exit_year, exit_path=snapshot.exit_path,
            return_year=snapshot.return_year, return_cause=snapshot.return_cause,
            removal_year=snapshot.removal_year, removal_reason=snapshot.removal_reason,
            members=list(snapshot.members.values()), incomes=snapshot.incomes, guarantees=snapshot.guarantees,
            measures=snapshot.measures, events=snapshot.events, last_event_at=snapshot.last_event_at))
    if actor.may_read_pii or runtime.engine.dialect.name != "postgresql":
        async with runtime.uow() as uow:
            household, members = await uow.households.read(household_id, within=actor.division)
            if actor.may_read_pii:
                _log_unmasked(uow, actor, [household_id], [household.village_code], "household.read")
                await uow.commit()
    else:  # masked: one statement on a pooled connection, nothing to log
        async with driver_connection(runtime.engine) as conn:
            household, members = await read_household(conn, household_id, within=actor.division)
    return _household(household, members, actor)


@router.patch("/households/{household_id}", response_model=HouseholdRead,
              responses=problem_responses(404, 409, 412, 428))
async def amend_household(household_id: HouseholdId, body: HouseholdUpdate, uows: Uows, actor: RegistryWriter,
                          version: IfMatchVersion) -> Response:
    """Change a household; requires If-Match with the ETag last read (412 if stale, 428 if missing)."""
    household, members = await service.amend_household(uows(), household_id, body, actor=actor,
                                                        expected_version=version)
    return _household(household, members, actor)


@router.get("/households/{household_id}/history", response_model=list[HistoryEntry],
            responses=problem_responses(404))
async def household_history(household_id: HouseholdId, uows: Uows, actor: RegistryReader) -> Response:
    """Every event of the household, oldest first (read from the outbox; events carry no names or ID numbers)."""
    async with uows() as uow:
        await uow.households.get(household_id, within=actor.division)
        rows = await uow.households.history(household_id)
    return json_response([HistoryEntry(id=r.event_id, type=r.type, time=r.occurred_at, sequence=r.sequence,
                                       actor=r.actor, data=r.data) for r in rows])


# -- members ---------------------------------------------------------------------------------------

@router.post("/households/{household_id}/members", status_code=201, response_model=MemberRead,
             responses=problem_responses(404, 409, 422), tags=["members"])
async def add_member(household_id: HouseholdId, body: MemberIn, uows: Uows, actor: RegistryWriter,
                     idempotency: IdempotencyDep) -> Response:
    """A person joins the household; refused (409, naming it) while active in another household.
    Honours Idempotency-Key."""

    async def action(uow: Any) -> Response:
        household, member = await service.add_member(uow, household_id, body, actor=actor)
        return json_response(MemberRead.for_viewer(member, actor.may_read_pii), status_code=201, headers={
            "ETag": etag_for(member.version), "Location": f"households/{household.id}/members/{member.id}"})

    return await idempotency.run(uows, client_id=actor.client_id, body=body.model_dump(mode="json"), action=action)


@router.get("/households/{household_id}/members", response_model=MemberPage, responses=problem_responses(404),
            tags=["members"])
async def list_members(household_id: HouseholdId, uows: Uows, actor: RegistryReader, cursor: Cursor = None,
                       limit: Annotated[int, Query(ge=1, le=100)] = 50) -> Response:
    """The household's members, those who left included (``active`` false, with the reason)."""
    filters = {"household": str(household_id)}
    last = decode_cursor(cursor, filters)
    async with uows() as uow:
        household = await uow.households.get(household_id, within=actor.division)
        rows = await uow.members.page(household_id, after=uuid.UUID(last[0]) if last else None, limit=limit)
        rows, next_cursor = page_of(rows, limit, lambda m: [str(m.id)], filters)
        if actor.may_read_pii:
            _log_unmasked(uow, actor, [household_id], [household.village_code], "member.list")
            await uow.commit()
    return json_response(MemberPage(items=[MemberRead.for_viewer(m, actor.may_read_pii) for m in rows],
                                    next_cursor=next_cursor))


@router.get("/households/{household_id}/members/{member_id}", response_model=MemberRead,
            responses=problem_responses(404), tags=["members"])
async def get_member(household_id: HouseholdId, member_id: uuid.UUID, uows: Uows, actor: RegistryReader) -> Response:
    async with uows() as uow:
        household = await uow.households.get(household_id, within=actor.division)
        member = await uow.members.get(household_id, member_id)
        if actor.may_read_pii:
            _log_unmasked(uow, actor, [household_id], [household.village_code], "member.read")
            await uow.commit()
    return json_response(MemberRead.for_viewer(member, actor.may_read_pii), headers={"ETag": etag_for(member.version)})


@router.patch("/households/{household_id}/members/{member_id}", response_model=MemberRead,
              responses=problem_responses(404, 409, 412, 428), tags=["members"])
async def amend_member(household_id: HouseholdId, member_id: uuid.UUID, body: MemberUpdate, uows: Uows,
                       actor: RegistryWriter, version: IfMatchVersion) -> Response:
    """Change a member's attributes; If-Match with the member's ETag. ID numbers never change."""
    member = await service.amend_member(uows(), household_id, member_id, body, actor=actor, expected_version=version)
    return json_response(MemberRead.for_viewer(member, actor.may_read_pii), headers={"ETag": etag_for(member.version)})


@router.post("/households/{household_id}/members/{member_id}/leave", response_model=MemberRead,
             responses=problem_responses(404, 409, 412, 428), tags=["members"])
async def member_leaves(household_id: HouseholdId, member_id: uuid.UUID, body: MemberLeave, uows: Uows,
                        actor: RegistryWriter, version: IfMatchVersion) -> Response:
    """A member leaves with a reason (there is no DELETE); If-Match with the member's ETag."""
    _, member = await service.member_leaves(uows(), household_id, member_id, body, actor=actor,
                                            expected_version=version)
    return json_response(MemberRead.for_viewer(member, actor.may_read_pii), headers={"ETag": etag_for(member.version)})


# -- lifecycle -------------------------------------------------------------------------------------

LIFECYCLE = problem_responses(404, 409, 412, 428)
IDENTIFICATION_STEPS = {"appraise": Step.APPRAISE, "notice": Step.START_NOTICE, "town-review": Step.TOWN_REVIEW,
                        "approve": Step.APPROVE, "reject": Step.REJECT, "reapply": Step.REAPPLY}


async def _step(uows: Uows, household_id: uuid.UUID, actor: Principal, version: int,
                request: service.StepRequest) -> Response:
    household, members = await service.take_step(uows(), household_id, request, actor=actor,
                                                 expected_version=version)
    return _household(household, members, actor)


@router.post("/households/{household_id}/identification/{step}", response_model=HouseholdRead,
             responses=LIFECYCLE, tags=["lifecycle"])
async def identification_step(household_id: HouseholdId,
                              step: Literal["appraise", "notice", "town-review", "approve", "reject", "reapply"],
                              body: IdentificationStepIn, uows: Uows, actor: RegistryWriter,
                              version: IfMatchVersion) -> Response:
    """Identification (精准识别): application → ``appraise`` (village democratic appraisal) → ``notice``
    (public notice, ``days`` ≥ 7) → ``town-review`` (after the notice) → ``approve`` (county approval:
    identified). ``reject`` ends an application; ``reapply`` reopens it. If-Match required."""
    return await _step(uows, household_id, actor, version, service.StepRequest(
        step=IDENTIFICATION_STEPS[step], on=body.on, note=body.note, year=body.year, days=body.days))


@router.post("/households/{household_id}/new-poverty", response_model=HouseholdRead, responses=LIFECYCLE,
             tags=["lifecycle"])
async def new_poverty(household_id: HouseholdId, body: NewPovertyIn, uows: Uows, actor: RegistryWriter,
                      version: IfMatchVersion) -> Response:
    """New poverty from illness or disaster (因病因灾新致贫): brought in at once, without the full procedure."""
    return await _step(uows, household_id, actor, version, service.StepRequest(
        step=Step.NEW_POVERTY, on=body.on, note=body.note, year=body.year, cause=body.cause))


@router.post("/households/{household_id}/pre-exit", response_model=HouseholdRead, responses=LIFECYCLE,
             tags=["lifecycle"])
async def pre_exit(household_id: HouseholdId, body: PreExitIn, uows: Uows, actor: RegistryWriter,
                   version: IfMatchVersion) -> Response:
    """Mark the household for exit this year (预退出)."""
    return await _step(uows, household_id, actor, version, service.StepRequest(
        step=Step.PRE_EXIT, on=body.on, note=body.note, year=body.year, exit_path=body.exit_path))


@router.post("/households/{household_id}/exit-notice", response_model=HouseholdRead, responses=LIFECYCLE,
             tags=["lifecycle"])
async def exit_notice(household_id: HouseholdId, body: ExitNoticeIn, uows: Uows, actor: RegistryWriter,
                      version: IfMatchVersion) -> Response:
    """Publish the exit for public notice (``days`` ≥ 7); the year's exit check must pass."""
    return await _step(uows, household_id, actor, version, service.StepRequest(
        step=Step.START_EXIT_NOTICE, on=body.on, note=body.note, year=body.year, days=body.days))


@router.post("/households/{household_id}/exit", response_model=HouseholdRead, responses=LIFECYCLE,
             tags=["lifecycle"])
async def exit_household(household_id: HouseholdId, body: ExitIn, uows: Uows, actor: RegistryWriter,
                         version: IfMatchVersion) -> Response:
    """Record the exit (脱贫) with its exit path once the public notice has ended and the year's exit
    check passes (409 ``household-exit-conditions-unmet`` names each failed criterion). Households
    without labour capacity exit through ``social_security``."""
    return await _step(uows, household_id, actor, version, service.StepRequest(
        step=Step.EXIT, on=body.on, note=body.note, year=body.year, exit_path=body.exit_path))


@router.post("/households/{household_id}/exit-cancel", response_model=HouseholdRead, responses=LIFECYCLE,
             tags=["lifecycle"])
async def cancel_exit(household_id: HouseholdId, body: CancelExitIn, uows: Uows, actor: RegistryWriter,
                      version: IfMatchVersion) -> Response:
    """Cancel a pre-exit or exit notice (objections, failed verification): back to identified."""
    return await _step(uows, household_id, actor, version,
                       service.StepRequest(step=Step.CANCEL_EXIT, on=body.on, note=body.note))


@router.post("/households/{household_id}/follow-ups", response_model=HouseholdRead, responses=LIFECYCLE,
             tags=["lifecycle"])
async def follow_up(household_id: HouseholdId, body: FollowUpIn, uows: Uows, actor: RegistryWriter,
                    version: IfMatchVersion) -> Response:
    """A post-exit follow-up visit (脱贫不脱政策 monitoring) of an exited household."""
    return await _step(uows, household_id, actor, version,
                       service.StepRequest(step=Step.FOLLOW_UP, on=body.on, note=body.note))


@router.post("/households/{household_id}/return", response_model=HouseholdRead, responses=LIFECYCLE,
             tags=["lifecycle"])
async def return_to_poverty(household_id: HouseholdId, body: ReturnIn, uows: Uows, actor: RegistryWriter,
                            version: IfMatchVersion) -> Response:
    """Return to poverty (返贫) of an exited household, with its cause."""
    return await _step(uows, household_id, actor, version, service.StepRequest(
        step=Step.RETURN, on=body.on, note=body.note, year=body.year, cause=body.cause))


@router.post("/households/{household_id}/removal", response_model=HouseholdRead, responses=LIFECYCLE,
             tags=["lifecycle"])
async def remove_household(household_id: HouseholdId, body: RemovalIn, uows: Uows, actor: RegistryWriter,
                           version: IfMatchVersion) -> Response:
    """Remove an ineligible household (清退) with a reason; nothing is deleted, members' ID numbers are freed."""
    return await _step(uows, household_id, actor, version, service.StepRequest(
        step=Step.REMOVE, on=body.on, note=body.note, year=body.year, reason=body.reason))


@router.get("/lifecycle", tags=["lifecycle"], responses=problem_responses())
async def lifecycle(actor: RegistryReader) -> Response:
    """The transition table: which step leads from which status to which, and the notice rule."""
    return json_response({
        "notice_min_days": domain.NOTICE_MIN_DAYS,
        "transitions": [{"from": s.value, "step": step.value, "to": to.value}
                        for (s, step), to in sorted(domain.TRANSITIONS.items())],
        "steps_after_notice": {k.value: v for k, v in domain.STEPS_AFTER_NOTICE.items()}})
