"""Demo signals for ``make run``: a few matched to registry members (monitoring shows their early
warnings), a few about people not in the registry (kept, listed and counted as unmatched)."""
from __future__ import annotations

import logging
from datetime import date
from typing import Any

from fupin_registry.households import idnumber
from fupin_registry.signals import service
from fupin_registry.signals.repository import SignalRepository
from fupin_registry.signals.schemas import SignalIn
from fupin_shared.auth.principal import CITY, Principal

log = logging.getLogger(__name__)
POSTERS = {"medical_bill": "市医疗保障局", "disability_certificate": "市残疾人联合会", "school_dropout": "市教育局",
           "housing_safety": "市住房和城乡建设局", "disaster": "市应急管理局"}
MATCHED = [("medical_bill", {"amount_fen": 3_850_000}), ("disability_certificate", {"disability_grade": 2}),
           ("housing_safety", {"rating": "D"}), ("school_dropout", {"school": "广宁县第二中学"})]
# people not (yet) in the registry: born in 广宁县 and 怀集县, numbers made for the demo
UNMATCHED = [("medical_bill", "441223", date(1961, 3, 14), {"amount_fen": 1_260_000}),
             ("disaster", "441224", date(1972, 8, 2), {"disaster_type": "flood"})]


def _poster(kind: str) -> Principal:
    return Principal(sub=f"demo:{kind}", client_id="demo-departments", scopes=frozenset({"signals:write"}),
                     division=CITY, unit=POSTERS[kind])


async def load_demo_signals(runtime: Any) -> None:
    """Post the demo signals once (skipped when any signal exists or the registry has no members)."""
    async with runtime.uow() as uow:
        repo = SignalRepository(uow.session)
        if await repo.counts(within=CITY):
            log.info("registry demo signals: already there, skipped")
            return
        numbers = await repo.sample_member_numbers(len(MATCHED))
    if len(numbers) < len(MATCHED):
        log.info("registry demo signals: too few members in the registry, skipped")
        return
    occurred = date(2026, 11, 20)
    for (kind, detail), number in zip(MATCHED, numbers, strict=True):
        await service.receive_signal(runtime.uow(), SignalIn(kind=kind, id_number=number, occurred_on=occurred,
                                                             detail=detail), actor=_poster(kind))
    for sequence, (kind, area, born, detail) in enumerate(UNMATCHED, start=901):
        number = idnumber.make(area, born, sequence)
        await service.receive_signal(runtime.uow(), SignalIn(kind=kind, id_number=number, occurred_on=occurred,
                                                             detail=detail), actor=_poster(kind))
    log.info("registry demo signals: %d matched, %d unmatched posted", len(MATCHED), len(UNMATCHED))
