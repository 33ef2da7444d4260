"""Signal use cases: receive (validate, match by ID number, record events), re-match the unmatched ones when
the person is registered later, report, read."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from fupin_registry.db import RegistryUow
from fupin_registry.households import idnumber
from fupin_registry.signals import domain
from fupin_registry.signals.models import Signal
from fupin_registry.signals.repository import SignalRepository
from fupin_registry.signals.schemas import SignalIn
from fupin_shared.auth.principal import Principal, in_division
from fupin_shared.contracts.registry import SignalMatched, SignalReceived
from fupin_shared.db import utc_now, uuid7
from fupin_shared.http.problems import InvalidInput, NotFound

log = logging.getLogger("fupin.registry.signals")
REMATCHER = "fupin-registry:signal-rematch"


class SignalNotFound(NotFound):
    slug, title = "signal-not-found", "No such signal"


async def receive_signal(uow: RegistryUow, request: SignalIn, *, actor: Principal) -> Signal:
    """Keep the signal, match it to the active member with that ID number (inside the poster's division)
    and record ``SignalReceived`` (+ ``SignalMatched``). Unmatched signals are kept and listed, never dropped."""
    errors = []
    if (problem := idnumber.problem(request.id_number)) is not None:
        errors.append({"pointer": "#/id_number", "detail": problem})
    errors += domain.detail_errors(request.kind, request.detail)
    if errors:
        raise InvalidInput(errors)
    number = idnumber.normalise(request.id_number)
    async with uow:
        found = [row for row in await uow.members.active_elsewhere([number])
                 if in_division(row["village_code"], actor.division)]
        repo = SignalRepository(uow.session)
        signal = Signal(id=uuid7(), kind=str(request.kind), source=request.source or actor.unit or actor.client_id,
                        external_id=request.external_id, id_number=number, occurred_on=request.occurred_on,
                        detail=request.detail, matched=bool(found), received_by=actor.sub, received_at=utc_now(),
                        poster_division=actor.division)
        if found:
            household_id = uuid.UUID(found[0]["household_id"])
            signal.household_id = household_id
            signal.member_id = await repo.member_id(household_id, number)
            signal.division_code = found[0]["village_code"]
            signal.matched_at = signal.received_at
        else:
            signal.division_code = domain.unmatched_division(number, actor.division)
        repo.add(signal)
        uow.record(SignalReceived(signal_id=signal.id, kind=signal.kind, source=signal.source,
                                  occurred_on=signal.occurred_on, matched=signal.matched,
                                  division_code=signal.division_code),
                   subject=signal.id, division=signal.division_code, actor=actor.sub)
        if found:
            _record_matched(uow, signal, actor=actor.sub)
        await uow.commit()
    log.info("signal %s (%s from %s) %s", signal.id, signal.kind, signal.source,
             "matched" if signal.matched else "unmatched: kept for review")
    return signal


def _record_matched(uow: RegistryUow, signal: Signal, *, actor: str) -> None:
    uow.record(SignalMatched(signal_id=signal.id, kind=signal.kind, source=signal.source,
                             occurred_on=signal.occurred_on, household_id=signal.household_id,
                             member_id=signal.member_id, village_code=signal.division_code, detail=signal.detail),
               subject=signal.id, division=signal.division_code, actor=actor)


async def rematch_signals(uows: Callable[[], RegistryUow], *, batch: int = 500) -> int:
    """Match kept (unmatched) signals whose person is now an active member inside the poster's division,
    and record ``SignalMatched`` for each (monitoring raises its early warning from that day). Driven by
    the registry's own member events and by the periodic sweep (``signals/consumer.py``); state-based
    and compare-and-set, so running it twice, or twice at once, matches nothing twice."""
    matched, after = 0, None
    while True:
        async with uows() as uow:
            repo = SignalRepository(uow.session)
            candidates = await repo.rematch_candidates(after=after, limit=batch)
            now = utc_now()
            for signal, member_id, household_id, village_code in candidates:
                if not in_division(village_code, signal.poster_division) or not await repo.claim_match(
                        signal.id, member_id=member_id, household_id=household_id, village_code=village_code, at=now):
                    continue
                _record_matched(uow, signal, actor=REMATCHER)
                matched += 1
                log.info("signal %s (%s from %s) matched late to member %s", signal.id, signal.kind,
                         signal.source, member_id)
            await uow.commit()
        if len(candidates) < batch:
            return matched
        after = candidates[-1][0].id


async def report(uow: RegistryUow, *, within: str) -> dict[str, Any]:
    """Counts of the division's signals: matched and unmatched by kind, how many matched late, the oldest
    unmatched one still waiting."""
    async with uow:
        rows = await SignalRepository(uow.session).counts(within=within)
    by_kind = {str(kind): {"matched": 0, "unmatched": 0, "rematched": 0} for kind in domain.SignalKind}
    oldest = None
    for kind, matched, late, count, first in rows:
        entry = by_kind.setdefault(kind, {"matched": 0, "unmatched": 0, "rematched": 0})
        entry["matched" if matched else "unmatched"] += count
        if late:
            entry["rematched"] += count
        if not matched and first is not None and (oldest is None or first < oldest):
            oldest = first
    return {"division": within, "matched": sum(e["matched"] for e in by_kind.values()),
            "unmatched": sum(e["unmatched"] for e in by_kind.values()),
            "rematched": sum(e["rematched"] for e in by_kind.values()),
            "oldest_unmatched_received_at": oldest, "by_kind": by_kind}


async def get_signal(uow: RegistryUow, signal_id: uuid.UUID, *, actor: Principal) -> Signal:
    async with uow:
        signal = await uow.session.get(Signal, signal_id)
        if signal is None or not in_division(signal.division_code, actor.division):
            raise SignalNotFound(f"No signal {signal_id} in your division.")
        return signal
