"""Mobile sync use cases: the household delta since a cursor, and the batched upload of offline changes.

The delta is keyed on the outbox ``sequence``: the relay numbers events in publish order, so every
event at or below the highest published sequence (the watermark) is committed. A cursor stores the
watermark it was made at; the next call returns households with events in (cursor, new watermark].
The batch applies each item through the registry's own use cases, each in its own transaction and
under its own Idempotency-Key, so one refused item loses nothing else."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm.exc import StaleDataError

from fupin_registry.db import RegistryUow
from fupin_registry.households import service as households
from fupin_registry.households.schemas import (HouseholdCreate, HouseholdRead, HouseholdUpdate, MemberIn, MemberLeave,
                                              MemberRead, MemberUpdate)
from fupin_registry.records import service as records
from fupin_registry.records.schemas import MeasureIn, MeasureRead
from fupin_registry.sync.repository import SyncRepository
from fupin_registry.sync.schemas import BatchItem, BatchResult, HouseholdDelta, SyncHousehold
from fupin_shared.auth.principal import Principal
from fupin_shared.http.etag import etag_for, parse_if_match
from fupin_shared.http.handlers import request_id_var
from fupin_shared.http.idempotency import Idempotency
from fupin_shared.http.pagination import decode_cursor, encode_cursor
from fupin_shared.http.problems import DomainError, InvalidInput, StaleVersion
from fupin_shared.http.responses import json_response

log = logging.getLogger("fupin.registry.sync")
REMOVED = "removed"


async def household_delta(uows: Callable[[], RegistryUow], *, actor: Principal, within: str, since: str | None,
                          limit: int) -> HouseholdDelta:
    filters = {"sync": "households", "division": within}
    last = decode_cursor(since, filters)
    after, upto = (int(last[0]), int(last[1])) if last else (0, 0)
    async with uows() as uow:
        repo = SyncRepository(uow.session)
        if after >= upto:
            # the previous batch was drained: move the watermark forward
            upto = await repo.watermark()
        changed = await repo.changed_subjects(within=within, after=after, upto=upto, limit=limit + 1)
        has_more = len(changed) > limit
        changed = changed[:limit]
        ids = []
        for subject, _ in changed:
            try:
                ids.append(uuid.UUID(subject))
            except ValueError:
                continue
        rows = await repo.households(ids, within=within) if ids else []
        members = await repo.members([h.id for h in rows]) if rows else {}
        measures = await repo.measures([h.id for h in rows]) if rows else {}
        items: list[SyncHousehold] = []
        visible = {h.id for h in rows}
        removed = [i for i in ids if i not in visible]  # moved to a village outside the division
        for h in rows:
            if h.status == REMOVED:
                removed.append(h.id)
                continue
            base = HouseholdRead.for_viewer(h, members[h.id], actor)
            items.append(SyncHousehold(**base.__dict__, measures=[MeasureRead.of(m) for m in measures[h.id]]))
        if actor.may_read_pii and items:
            for h in items:
                uow.log_access(actor=actor.sub, division=h.village_code, action="household.sync",
                               resource=f"household/{h.id}", request_id=request_id_var.get())
            await uow.commit()
    new_after = changed[-1][1] if has_more else upto
    return HouseholdDelta(items=items, removed=removed, has_more=has_more,
                          next_cursor=encode_cursor([new_after, upto], filters))


# -- batched upload --------------------------------------------------------------------------------

Operation = Callable[[RegistryUow, BatchItem, Principal, int | None], Awaitable[tuple[dict[str, Any], int]]]


def _parse(model: type[BaseModel], body: dict[str, Any]) -> Any:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise InvalidInput([{"pointer": "#/" + "/".join(str(p) for p in e["loc"]), "detail": e["msg"]}
                            for e in exc.errors()]) from None


def _need(value: uuid.UUID | None, pointer: str) -> uuid.UUID:
    if value is None:
        raise InvalidInput([{"pointer": pointer, "detail": "is required for this operation"}])
    return value


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


async def _register(uow: RegistryUow, item: BatchItem, actor: Principal, _: int | None) -> tuple[dict, int]:
    household, members = await households.register_household(uow, _parse(HouseholdCreate, item.body), actor=actor)
    return _dump(HouseholdRead.for_viewer(household, members, actor)), household.version


async def _amend(uow: RegistryUow, item: BatchItem, actor: Principal, version: int | None) -> tuple[dict, int]:
    household, members = await households.amend_household(
        uow, _need(item.target, "#/target"), _parse(HouseholdUpdate, item.body), actor=actor,
        expected_version=_versioned(version))
    return _dump(HouseholdRead.for_viewer(household, members, actor)), household.version


async def _add_member(uow: RegistryUow, item: BatchItem, actor: Principal, _: int | None) -> tuple[dict, int]:
    __, member = await households.add_member(uow, _need(item.target, "#/target"), _parse(MemberIn, item.body),
                                             actor=actor)
    return _dump(MemberRead.for_viewer(member, actor.may_read_pii)), member.version


async def _amend_member(uow: RegistryUow, item: BatchItem, actor: Principal, version: int | None) -> tuple[dict, int]:
    member = await households.amend_member(uow, _need(item.target, "#/target"), _need(item.member_id, "#/member_id"),
                                           _parse(MemberUpdate, item.body), actor=actor,
                                           expected_version=_versioned(version))
    return _dump(MemberRead.for_viewer(member, actor.may_read_pii)), member.version


async def _member_leaves(uow: RegistryUow, item: BatchItem, actor: Principal, version: int | None) -> tuple[dict, int]:
    __, member = await households.member_leaves(uow, _need(item.target, "#/target"),
                                                _need(item.member_id, "#/member_id"),
                                                _parse(MemberLeave, item.body), actor=actor,
                                                expected_version=_versioned(version))
    return _dump(MemberRead.for_viewer(member, actor.may_read_pii)), member.version


async def _measure(uow: RegistryUow, item: BatchItem, actor: Principal, _: int | None) -> tuple[dict, int]:
    measure = await records.record_measure(uow, _need(item.target, "#/target"), _parse(MeasureIn, item.body),
                                           actor=actor)
    return _dump(MeasureRead.of(measure)), 1


def _versioned(version: int | None) -> int:
    if version is None:
        parse_if_match(None)  # raises the 428 problem
    return version  # type: ignore[return-value]


PERSONAL = {"register_household", "amend_household", "add_member", "amend_member", "member_leaves"}
"""Operations whose applied result carries names and ID numbers (masked unless pii:read)."""

OPERATIONS: dict[str, Operation] = {
    "register_household": _register, "amend_household": _amend, "add_member": _add_member,
    "amend_member": _amend_member, "member_leaves": _member_leaves, "record_measure": _measure}


async def _current_version(uows: Callable[[], RegistryUow], item: BatchItem, actor: Principal) -> int | None:
    """The version the device must re-read after a conflict."""
    if item.target is None:
        return None
    async with uows() as uow:
        try:
            if item.member_id is not None:
                await uow.households.get(item.target, within=actor.division)
                return (await uow.members.get(item.target, item.member_id)).version
            return (await uow.households.get(item.target, within=actor.division)).version
        except DomainError:
            return None


async def apply_batch(uows: Callable[[], RegistryUow], request: Request, items: list[BatchItem], *,
                      actor: Principal) -> list[BatchResult]:
    results: list[BatchResult] = []
    for index, item in enumerate(items):
        results.append(await _apply_one(uows, request, index, item, actor))
    if actor.may_read_pii:
        await _log_unmasked(uows, items, results, actor)
    log.info("batch by %s: %d items, %d applied", actor.sub, len(items),
             sum(r.result == "applied" for r in results))
    return results


async def _log_unmasked(uows: Callable[[], RegistryUow], items: list[BatchItem], results: list[BatchResult],
                        actor: Principal) -> None:
    """One access-log row per applied result with personal data shown unmasked (replayed ones too: they
    are shown again), committed before the answer goes out."""
    read = [(item, result) for item, result in zip(items, results, strict=True)
            if result.result == "applied" and item.operation in PERSONAL and result.resource is not None]
    if not read:
        return
    household_ids = [item.target or uuid.UUID(result.resource["id"]) for item, result in read]  # type: ignore[index]
    async with uows() as uow:
        villages = await SyncRepository(uow.session).villages(set(household_ids))
        for (item, _), household_id in zip(read, household_ids, strict=True):
            uow.log_access(actor=actor.sub, division=villages.get(household_id), action=f"batch.{item.operation}",
                           resource=f"household/{household_id}", request_id=request_id_var.get())
        await uow.commit()


async def _apply_one(uows: Callable[[], RegistryUow], request: Request, index: int, item: BatchItem,
                     actor: Principal) -> BatchResult:
    try:
        version = parse_if_match(item.if_match) if item.if_match else None
        operation = OPERATIONS[item.operation]

        async def action(uow: RegistryUow) -> Response:
            resource, new_version = await operation(uow, item, actor, version)
            return json_response(resource, headers={"ETag": etag_for(new_version)})

        response = await Idempotency(request, item.idempotency_key).run(
            uows, client_id=actor.client_id, body=item.model_dump(mode="json"), action=action)
        return BatchResult(index=index, idempotency_key=item.idempotency_key, result="applied", status=200,
                           etag=response.headers.get("etag"), resource=orjson.loads(bytes(response.body)))
    except (StaleVersion, StaleDataError) as exc:
        problem = exc.body() if isinstance(exc, StaleVersion) else StaleVersion(
            "The resource was changed by a concurrent request; read it again.").body()
        current = await _current_version(uows, item, actor)
        return BatchResult(index=index, idempotency_key=item.idempotency_key, result="conflict", status=412,
                           current_version=current, etag=etag_for(current) if current else None, problem=problem)
    except DomainError as exc:
        return BatchResult(index=index, idempotency_key=item.idempotency_key, result="refused", status=exc.status,
                           problem=exc.body())

