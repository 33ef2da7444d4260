"""Early-warning (预警) rules and the alert lifecycle. Pure: rules look at the view's state before
and after an event and return intents (raise or clear); the projector applies them.

Rules fire on *transitions* (a member becomes uninsured, a child leaves school), so restating an
unchanged fact does not raise the same alert again; when the condition ends (insurance restored,
report submitted, allocation disclosed) the open alert is resolved as cleared. One alert per
subject is open at a time (the subject key).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from fupin_monitoring.view import domain as view
from fupin_monitoring.workdays import WorkCalendar

RULES_FILE = Path(__file__).resolve().parents[1] / "data" / "alert_rules.json"


class AlertKind(StrEnum):
    INCOME_BELOW_THRESHOLD = "income_below_threshold"
    SERIOUS_ILLNESS = "serious_illness"
    NEW_DISABILITY = "new_disability"
    CHILD_OUT_OF_SCHOOL = "child_out_of_school"
    MEMBER_UNINSURED = "member_uninsured"
    HOUSING_UNSAFE = "housing_unsafe"
    DISASTER = "disaster"
    FUNDS_IDLE = "funds_idle"
    ALLOCATION_UNDISCLOSED = "allocation_undisclosed"
    REPORT_OVERDUE = "report_overdue"


class AlertState(StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"


ACTIVE_STATES = frozenset({AlertState.OPEN, AlertState.ASSIGNED})


@dataclass(frozen=True, slots=True)
class KindRule:
    kind: str
    label_zh: str
    label_en: str
    due_working_days: int


@dataclass(frozen=True, slots=True)
class AlertRules:
    kinds: dict[str, KindRule]
    income_risk_factor: float = 1.5
    funds_idle_days: int = 90
    undisclosed_working_days: int = 10

    def due_on(self, kind: str, raised_on: date, calendar: WorkCalendar) -> date:
        return calendar.add_working_days(raised_on, self.kinds[kind].due_working_days)


def rules_from_data(data: Mapping[str, Any]) -> AlertRules:
    kinds = {k: KindRule(k, v["label_zh"], v["label_en"], int(v["due_working_days"]))
             for k, v in data["kinds"].items()}
    unknown = set(kinds) - {k.value for k in AlertKind}
    if unknown:
        raise ValueError(f"alert rules name unknown kinds: {sorted(unknown)}")
    return AlertRules(kinds=kinds, income_risk_factor=float(data.get("income_risk_factor", 1.5)),
                      funds_idle_days=int(data.get("funds_idle_days", 90)),
                      undisclosed_working_days=int(data.get("undisclosed_working_days", 10)))


@lru_cache
def default_rules() -> AlertRules:
    return rules_from_data(json.loads(RULES_FILE.read_text(encoding="utf-8")))


@dataclass(frozen=True, slots=True)
class Raise:
    kind: str
    subject_key: str
    division_code: str
    raised_on: date
    year: int | None = None
    household_id: str | None = None
    member_id: str | None = None
    unit: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Clear:
    subject_key: str
    reason: str


Intent = Raise | Clear


# ---- member rules ----

def member_intents(before: Mapping[str, Any] | None, after: Mapping[str, Any], *, on: date,
                   year: int | None) -> list[Intent]:
    """Serious illness, new disability, child of 6–15 out of school, member without medical
    insurance — each when it becomes true for the member; cleared when it stops being true."""
    member_id, household_id = str(after["member_id"]), str(after["household_id"])
    village = after["village_code"]
    prev = before or {}
    out: list[Intent] = []

    def raise_(kind: AlertKind, **detail: Any) -> None:
        out.append(Raise(kind, f"{kind}:{member_id}", village, on, year, household_id, member_id, None, detail))

    def clear(kind: AlertKind, reason: str) -> None:
        out.append(Clear(f"{kind}:{member_id}", reason))

    if not after.get("active"):
        for kind in (AlertKind.SERIOUS_ILLNESS, AlertKind.NEW_DISABILITY, AlertKind.CHILD_OUT_OF_SCHOOL,
                     AlertKind.MEMBER_UNINSURED):
            clear(kind, "member left the household")
        return out
    was_active = bool(prev.get("active"))

    serious, was_serious = after.get("health") in view.SERIOUS_HEALTH, prev.get("health") in view.SERIOUS_HEALTH
    if serious and not (was_active and was_serious):
        raise_(AlertKind.SERIOUS_ILLNESS, health=after.get("health"))
    elif was_serious and not serious:
        clear(AlertKind.SERIOUS_ILLNESS, f"health now {after.get('health')}")

    disabled, was_disabled = view.is_disabled(after), view.is_disabled(prev)
    if disabled and not (was_active and was_disabled):
        raise_(AlertKind.NEW_DISABILITY, disability_grade=after.get("disability_grade"), health=after.get("health"))

    out_of_school, was_out = view.is_child_out_of_school(after, on), view.is_child_out_of_school(prev, on)
    if out_of_school and not (was_active and was_out):
        raise_(AlertKind.CHILD_OUT_OF_SCHOOL, age=view.age_on(after.get("birth_date"), on))
    elif was_out and not out_of_school:
        clear(AlertKind.CHILD_OUT_OF_SCHOOL, "back in school or no longer of compulsory-school age")

    uninsured, was_uninsured = after.get("medical_insurance") is False, prev.get("medical_insurance") is False
    if uninsured and not (was_active and was_uninsured):
        raise_(AlertKind.MEMBER_UNINSURED)
    elif was_uninsured and after.get("medical_insurance") is True:
        clear(AlertKind.MEMBER_UNINSURED, "enrolled in basic medical insurance")
    return out


# ---- household rules ----

def income_intents(h: Mapping[str, Any], *, year: int, income_fen: int | None, line_fen: int | None,
                   on: date, rules: AlertRules) -> list[Intent]:
    """An exited household whose per-capita income is below ``income_risk_factor`` × the line is
    at risk of returning (脱贫不稳定); cleared by a later record at or above it."""
    if h["status"] not in view.EXITED_STATUSES or income_fen is None or not line_fen:
        return []
    key = f"{AlertKind.INCOME_BELOW_THRESHOLD}:{h['household_id']}"
    threshold = int(line_fen * rules.income_risk_factor)
    if income_fen < threshold:
        return [Raise(AlertKind.INCOME_BELOW_THRESHOLD, key, h["village_code"], on, year, str(h["household_id"]),
                      detail={"per_capita_income_fen": income_fen, "line_fen": line_fen, "threshold_fen": threshold})]
    return [Clear(key, f"income {income_fen} fen at or above {threshold} fen in {year}")]


def housing_intents(h: Mapping[str, Any], *, year: int, grade: str | None, on: date) -> list[Intent]:
    key = f"{AlertKind.HOUSING_UNSAFE}:{h['household_id']}"
    if grade in view.UNSAFE_HOUSING:
        return [Raise(AlertKind.HOUSING_UNSAFE, key, h["village_code"], on, year, str(h["household_id"]),
                      detail={"housing_safety": grade})]
    if grade:
        return [Clear(key, f"housing rated {grade} in {year}")]
    return []


def disaster_intents(h: Mapping[str, Any], *, year: int | None, on: date, cause: str) -> list[Intent]:
    key = f"{AlertKind.DISASTER}:{h['household_id']}:{year or on.year}"
    return [Raise(AlertKind.DISASTER, key, h["village_code"], on, year, str(h["household_id"]),
                  detail={"cause": cause})]


def became_disaster_hit(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> bool:
    def hit(h: Mapping[str, Any] | None) -> bool:
        return bool(h) and (bool(h.get("disaster")) or bool(view.DISASTER_CAUSES & set(h.get("poverty_causes") or [])))
    return hit(after) and not hit(before)


# ---- tasks ----

def report_overdue_key(task_number: int, unit: str, period: str) -> str:
    return f"{AlertKind.REPORT_OVERDUE}:{task_number}:{unit}:{period}"


# ---- funds (evaluated by the periodic scan) ----

def allocation_intents(a: Mapping[str, Any], *, today: date, calendar: WorkCalendar,
                       rules: AlertRules) -> list[Intent]:
    """Funds idle: money still on an allocation with no movement for ``funds_idle_days``.
    Undisclosed: an allocation due for public notice (city and county results) with no notice
    ``undisclosed_working_days`` working days after it was made."""
    out: list[Intent] = []
    allocation_id = str(a["allocation_id"])
    if a.get("amount_fen") is None or a.get("division_code") is None:
        return out
    idle_key = f"{AlertKind.FUNDS_IDLE}:{allocation_id}"
    balance = view.allocation_balance(a)
    moved = a.get("last_moved_on") or a.get("allocated_on")
    if balance > 0 and moved is not None and not a.get("reversal") and \
            today - moved > timedelta(days=rules.funds_idle_days):
        out.append(Raise(AlertKind.FUNDS_IDLE, idle_key, a["division_code"], today, a.get("year"),
                         detail={"allocation_id": allocation_id, "balance_fen": balance,
                                 "idle_since": moved.isoformat(), "idle_days": (today - moved).days}))
    elif balance <= 0 or (moved is not None and today - moved <= timedelta(days=rules.funds_idle_days)):
        out.append(Clear(idle_key, "funds moved or spent"))
    undisclosed_key = f"{AlertKind.ALLOCATION_UNDISCLOSED}:{allocation_id}"
    if view.needs_disclosure(a) and a.get("allocated_on") is not None:
        if a.get("disclosed_on") is None:
            deadline = calendar.add_working_days(a["allocated_on"], rules.undisclosed_working_days)
            if today > deadline:
                out.append(Raise(AlertKind.ALLOCATION_UNDISCLOSED, undisclosed_key, a["division_code"], today,
                                 a.get("year"), detail={"allocation_id": allocation_id,
                                                        "allocated_on": a["allocated_on"].isoformat(),
                                                        "deadline": deadline.isoformat()}))
        else:
            out.append(Clear(undisclosed_key, f"disclosed on {a['disclosed_on'].isoformat()}"))
    return out


# ---- lifecycle ----

class TransitionRefused(Exception):
    def __init__(self, state: str, action: str) -> None:
        super().__init__(f"cannot {action} an alert that is {state}")
        self.state, self.action = state, action


def next_state(current: str, action: str) -> AlertState:
    """open → assigned (and re-assigned) → resolved; resolved is final."""
    if current == AlertState.RESOLVED:
        raise TransitionRefused(current, action)
    if action == "assign":
        return AlertState.ASSIGNED
    if action == "resolve":
        return AlertState.RESOLVED
    raise ValueError(f"unknown action {action!r}")


def is_overdue(state: str, due_on: date | None, today: date) -> bool:
    return state in ACTIVE_STATES and due_on is not None and today > due_on
