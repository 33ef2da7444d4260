"""Signals from other departments, matched by the registry to a member, become early warnings.

The live view hands each ``fupin.registry.signal.matched.v1`` to :func:`signal_matched`; the intents
go through the alert use cases (``alerts.service.apply_intents``) with the rest of the batch, so a
signal's alert has its working-day deadline from the alert rules, and one already open for the same
subject (e.g. raised from the registry's own member data) is not raised twice."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fupin_monitoring.alerts import domain as alert_rules
from fupin_monitoring.alerts.domain import AlertKind, Intent, Raise
from fupin_monitoring.workdays import china_date
from fupin_shared.events import Envelope

MEMBER_KINDS = {"medical_bill": AlertKind.SERIOUS_ILLNESS, "disability_certificate": AlertKind.NEW_DISABILITY,
                "school_dropout": AlertKind.CHILD_OUT_OF_SCHOOL}


def signal_intents(data: Mapping[str, Any], *, on: date) -> list[Intent]:
    """The alert intents of a matched signal (pure), raised ``on`` the day it arrived (the deadline
    runs from then); the day the fact occurred stays in the detail."""
    occurred = date.fromisoformat(str(data["occurred_on"]))
    household = {"household_id": str(data["household_id"]), "village_code": data["village_code"]}
    facts = data.get("detail") or {}
    detail = {**facts, "occurred_on": occurred.isoformat(), "signal_id": str(data["signal_id"]),
              "source": data["source"]}
    kind = data["kind"]
    if kind in MEMBER_KINDS:
        alert = MEMBER_KINDS[kind]
        member_id = str(data["member_id"])
        return [Raise(alert, f"{alert}:{member_id}", data["village_code"], on, occurred.year,
                      household["household_id"], member_id, None, detail)]
    if kind == "housing_safety":
        return alert_rules.housing_intents(household, year=occurred.year, grade=facts.get("rating"), on=on)
    if kind == "disaster":
        return alert_rules.disaster_intents(household, year=occurred.year, on=on,
                                            cause=str(facts.get("disaster_type", "disaster")))
    return []


async def signal_matched(batch: Any, event: Envelope) -> None:
    """Projector handler: queue the signal's alert intents (the live view only; a rebuild raises none)."""
    if batch.live:
        batch.intents += signal_intents(event.data, on=china_date(event.time))
