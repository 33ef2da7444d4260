"""Signal use cases: receive (validate, match by ID number, record events), list, read."""
from __future__ import annotations

import logging
import uuid

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
                        detail=request.detail, matched=bool(found), received_by=actor.sub, received_at=utc_now())
        if found:
            household_id = uuid.UUID(found[0]["household_id"])
            signal.household_id = household_id
            signal.member_id = await repo.member_id(household_id, number)
            signal.division_code = found[0]["village_code"]
        else:
            signal.division_code = domain.unmatched_division(number, actor.division)
        repo.add(signal)
        uow.record(SignalReceived(signal_id=signal.id, kind=signal.kind, source=signal.source,
                                  occurred_on=signal.occurred_on, matched=signal.matched,
                                  division_code=signal.division_code),
                   subject=signal.id, division=signal.division_code, actor=actor.sub)
        if found:
            uow.record(SignalMatched(signal_id=signal.id, kind=signal.kind, source=signal.source,
                                     occurred_on=signal.occurred_on, household_id=signal.household_id,
                                     member_id=signal.member_id, village_code=signal.division_code,
                                     detail=signal.detail),
                       subject=signal.id, division=signal.division_code, actor=actor.sub)
        await uow.commit()
    log.info("signal %s (%s from %s) %s", signal.id, signal.kind, signal.source,
             "matched" if signal.matched else "unmatched: kept for review")
    return signal


async def get_signal(uow: RegistryUow, signal_id: uuid.UUID, *, actor: Principal) -> Signal:
    async with uow:
        signal = await uow.session.get(Signal, signal_id)
        if signal is None or not in_division(signal.division_code, actor.division):
            raise SignalNotFound(f"No signal {signal_id} in your division.")
        return signal
