"""Pure rules of the read model: what each aggregate contributes to the counters, and how the
figures of a division are computed from its counter rows. No I/O.

Counters are ``(division, year, metric, key) -> value`` kept at every level of a division's chain.
Metrics are of two kinds:

- **stocks** (``CUMULATIVE``): the state of things at the end of a year — households by status,
  identified households, causes, poor villages exited, open findings. A household's stock moves
  on a *timeline*: each change adds ``new - old`` at the household's effective year, so the stock
  at the end of year Y is the sum of its rows for years <= Y (year 0 holds timeless stocks).
- **flows** (every other metric): what happened in a year — identifications, exits by path,
  returns by cause, incomes and 两不愁三保障 records of the year, money allocated and disbursed,
  reports. Read at year == Y. An item that can be corrected (a year's income record, an
  allocation once disclosed, a report) is *replaced*: its previous contribution is subtracted and
  the new one added, so a correction never double-counts.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fupin_monitoring.divisions import CITY, chain, level_of

# ---- code lists the rules need (registry's codes; labels are served by the registry) ----

APPLICANT_STATUSES = frozenset({"applied", "appraised", "identification_notice", "town_reviewed"})
POOR_STATUSES = frozenset({"identified", "pre_exit", "exit_notice", "returned"})
EXITED_STATUSES = frozenset({"exited"})
OUT_STATUSES = frozenset({"rejected", "removed"})
IDENTIFIED_STATUSES = POOR_STATUSES | EXITED_STATUSES
"""建档立卡户: identified households, whether or not they have exited since (not applicants, not
rejected or removed)."""

SERIOUS_HEALTH = frozenset({"serious_illness"})
DISABLED_HEALTH = frozenset({"disabled"})
UNSAFE_HOUSING = frozenset({"C", "D"})
DISASTER_CAUSES = frozenset({"disaster"})
GUARANTEE_CRITERIA = ("food", "clothing", "compulsory_education", "basic_medical", "housing_safety",
                      "drinking_water")
SUBMITTED_REPORT_STATES = frozenset({"submitted", "accepted", "returned"})

DISCLOSURE_LEVELS = frozenset({"city", "county"})
"""Allocation results at city and county level are public (plan task 20); town and village
arrangements are disclosed with their projects."""
DISCLOSURE_WORKING_DAYS = 10
"""An allocation is disclosed on time when its notice starts within this many working days."""

COMPULSORY_SCHOOL_AGES = (6, 15)

CUMULATIVE = frozenset({
    "hh_status", "persons_status", "identified_hh", "identified_persons", "poor_hh", "poor_persons",
    "exited_hh", "exited_persons", "labour", "cause", "guarantee_type",
    "members_active", "members_uninsured", "members_disabled", "members_serious_illness",
    "children_out_of_school",
    "poor_villages", "poor_villages_exited", "villages_exited",
    "task_progress", "targets", "findings_open", "findings_overdue",
})

Key = tuple[str, int, str, str]
"""(division_code, year, metric, key)."""


class Deltas:
    """Counter changes of one batch, summed per (division, year, metric, key).

    ``add`` books a change at a division *and every ancestor*; the ancestors are expanded once per
    distinct key when the batch is read (``nonzero``), not on every add."""

    __slots__ = ("rolled", "exact")

    def __init__(self) -> None:
        self.rolled: dict[Key, int] = defaultdict(int)
        self.exact: dict[Key, int] = defaultdict(int)

    def add(self, division: str, year: int, metric: str, key: str, value: int) -> None:
        """Add ``value`` at ``division`` and every ancestor up to the city."""
        if value:
            self.rolled[(division, year, metric, key)] += value

    def add_at(self, code: str, year: int, metric: str, key: str, value: int) -> None:
        """Add ``value`` at exactly ``code`` (callers that choose the levels themselves)."""
        if value:
            self.exact[(code, year, metric, key)] += value

    def add_items(self, items: Mapping[Key, int], sign: int = 1) -> None:
        """Add already expanded items (from ``nonzero`` of another Deltas) at exactly their keys."""
        exact = self.exact
        for k, v in items.items():
            if v:
                exact[k] += sign * v

    def replace(self, old: Mapping[Key, int], new: Mapping[Key, int]) -> None:
        """Swap exact items (already at the levels they count at)."""
        self.add_items(old, -1)
        self.add_items(new, 1)

    def replace_rolled(self, old: Mapping[Key, int], new: Mapping[Key, int]) -> None:
        """Swap items booked at a division, counted at it and every ancestor."""
        rolled = self.rolled
        for k, v in old.items():
            rolled[k] -= v
        for k, v in new.items():
            rolled[k] += v

    def nonzero(self) -> dict[Key, int]:
        out: dict[Key, int] = defaultdict(int)
        for (division, year, metric, key), value in self.rolled.items():
            if value:
                for code in chain(division):
                    out[(code, year, metric, key)] += value
        for k, v in self.exact.items():
            if v:
                out[k] += v
        return {k: v for k, v in out.items() if v}

    def divisions(self) -> set[str]:
        return {k[0] for k in self.nonzero()}


def expand(items: Mapping[Key, int]) -> dict[Key, int]:
    """Items booked at a division, expanded to every level of its chain."""
    deltas = Deltas()
    for (division, year, metric, key), value in items.items():
        deltas.add(division, year, metric, key, value)
    return deltas.nonzero()


class _Items(dict):
    """Items of one aggregate, booked at its own division (expanded later by ``Deltas``)."""

    def add(self, division: str, year: int, metric: str, key: str, value: int) -> None:
        if value:
            k = (division, year, metric, key)
            self[k] = self.get(k, 0) + value


# ---- households: timeline stocks ----

def household_stock(h: Mapping[str, Any]) -> dict[tuple[str, str], int]:
    """What a household contributes to the stocks, given its last state."""
    status, persons = h["status"], int(h["persons"] or 0)
    out: dict[tuple[str, str], int] = {("hh_status", status): 1, ("persons_status", status): persons}
    if status in IDENTIFIED_STATUSES:
        out[("identified_hh", "")] = 1
        out[("identified_persons", "")] = persons
        out[("labour", h.get("labour_type") or "unknown")] = 1
        out[("guarantee_type", h.get("guarantee_type") or "none")] = 1
        for cause in sorted(set(h.get("poverty_causes") or [])):
            out[("cause", cause)] = 1
    if status in POOR_STATUSES:
        out[("poor_hh", "")] = 1
        out[("poor_persons", "")] = persons
    if status in EXITED_STATUSES:
        out[("exited_hh", "")] = 1
        out[("exited_persons", "")] = persons
    return out


def move_timeline(deltas: Deltas, *, year: int, old_village: str | None, old: Mapping[tuple[str, str], int],
                  new_village: str, new: Mapping[tuple[str, str], int]) -> None:
    """Record a transition at ``year``: the old contribution leaves (from the old village), the
    new one arrives."""
    if old_village is not None:
        for (metric, key), value in old.items():
            deltas.add(old_village, year, metric, key, -value)
    for (metric, key), value in new.items():
        deltas.add(new_village, year, metric, key, value)


def effective_year(last_year: int | None, event_year: int | None, fallback: int) -> int:
    """The year a household's change is booked at: its payload year, never earlier than the
    household's last booked year (so its timeline stays ordered), else the event's own year."""
    candidates = [y for y in (last_year, event_year) if y]
    return max(candidates) if candidates else fallback


# ---- members ----

MEMBER_ACTIVE, MEMBER_UNINSURED, MEMBER_DISABLED, MEMBER_SERIOUS, MEMBER_CHILD_OUT = 1, 2, 4, 8, 16
_MEMBER_METRICS = ((MEMBER_ACTIVE, "members_active"), (MEMBER_UNINSURED, "members_uninsured"),
                   (MEMBER_DISABLED, "members_disabled"), (MEMBER_SERIOUS, "members_serious_illness"),
                   (MEMBER_CHILD_OUT, "children_out_of_school"))


def age_on(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_disabled(m: Mapping[str, Any]) -> bool:
    grade = m.get("disability_grade")
    return bool(grade) or m.get("health") in DISABLED_HEALTH


def is_child_out_of_school(m: Mapping[str, Any], on: date) -> bool:
    age = age_on(m.get("birth_date"), on)
    low, high = COMPULSORY_SCHOOL_AGES
    return age is not None and low <= age <= high and m.get("in_school") is False


def member_flags(m: Mapping[str, Any], on: date) -> int:
    """Bit set of what a member counts towards; stored with the member so the exact contribution
    can be taken back later even though ages change with time."""
    if not m.get("active"):
        return 0
    flags = MEMBER_ACTIVE
    if m.get("medical_insurance") is False:
        flags |= MEMBER_UNINSURED
    if is_disabled(m):
        flags |= MEMBER_DISABLED
    if m.get("health") in SERIOUS_HEALTH:
        flags |= MEMBER_SERIOUS
    if is_child_out_of_school(m, on):
        flags |= MEMBER_CHILD_OUT
    return flags


def member_stock(flags: int) -> dict[tuple[str, str], int]:
    return {(metric, ""): 1 for bit, metric in _MEMBER_METRICS if flags & bit}


# ---- household-year records (flows, replaced on correction) ----

def income_band(income_fen: int, line_fen: int) -> str:
    if income_fen < line_fen:
        return "below_line"
    if income_fen * 2 < line_fen * 3:
        return "line_to_1_5"
    return "above_1_5"


def guarantee_failures(r: Mapping[str, Any]) -> list[str]:
    failed = [c for c in ("food", "clothing", "compulsory_education", "basic_medical", "drinking_water")
              if r.get(c) is False]
    if r.get("housing_safety") in UNSAFE_HOUSING:
        failed.append("housing_safety")
    return sorted(failed)


def household_year_items(r: Mapping[str, Any] | None) -> dict[Key, int]:
    if not r:
        return {}
    d = _Items()
    village, year = r["village_code"], r["year"]
    income, line = r.get("per_capita_income_fen"), r.get("line_fen")
    if income is not None and line is not None:
        d.add(village, year, "income_recorded", "", 1)
        d.add(village, year, "income_band", income_band(income, line), 1)
        if income >= line:
            d.add(village, year, "income_above_line", "", 1)
        if r.get("labour_capacity") is not False:
            d.add(village, year, "income_recorded_labour", "", 1)
            if income >= line:
                d.add(village, year, "income_above_line_labour", "", 1)
    if r.get("compliant") is not None:
        d.add(village, year, "guarantee_assessed", "", 1)
        if r["compliant"]:
            d.add(village, year, "guarantee_compliant", "", 1)
        for criterion in guarantee_failures(r):
            d.add(village, year, "guarantee_fail", criterion, 1)
        if r.get("housing_safety"):
            d.add(village, year, "housing_grade", r["housing_safety"], 1)
    return d


# ---- villages ----

def village_items(v: Mapping[str, Any] | None) -> dict[Key, int]:
    if not v:
        return {}
    d = _Items()
    code = v["village_code"]
    if v["provincial_poor"]:
        d.add(code, 0, "poor_villages", "", 1)
        if v.get("exited_year"):
            d.add(code, v["exited_year"], "poor_villages_exited", "", 1)
    if v.get("exited_year"):
        d.add(code, v["exited_year"], "villages_exited", "", 1)
    return d


def designated_village(v: Mapping[str, Any] | None, code: str, provincial_poor: bool) -> dict[str, Any]:
    """A village's last state once the registry designated it (or stopped designating it) a provincial
    poor village: only the flag changes, an exit already recorded stays."""
    after = dict(v) if v else {"village_code": code, "exited_year": None}
    after["provincial_poor"] = provincial_poor
    return after


def village_year_items(v: Mapping[str, Any] | None) -> dict[Key, int]:
    if not v:
        return {}
    d = _Items()
    code, year = v["village_code"], v["year"]
    d.add(code, year, "villages_assessed", "", 1)
    if v["eligible"]:
        d.add(code, year, "villages_eligible", "", 1)
    if v["provincial_poor"]:
        d.add(code, year, "poor_villages_assessed", "", 1)
        if v["eligible"]:
            d.add(code, year, "poor_villages_eligible", "", 1)
    for criterion in sorted(set(v.get("failed") or [])):
        d.add(code, year, "village_fail", criterion, 1)
    return d


# ---- funds ----

def needs_disclosure(a: Mapping[str, Any]) -> bool:
    return (a.get("amount_fen") or 0) > 0 and not a.get("reversal") and a.get("division_code") is not None \
        and level_of(a["division_code"]) in DISCLOSURE_LEVELS


def allocation_items(a: Mapping[str, Any] | None) -> dict[Key, int]:
    """Money allocated to a division is counted where it enters its subtree: an allocation from a
    source (no parent allocation) at every level of its chain; a re-allocation of a parent
    allocation's money only at the levels that are not also above the parent's division, so money
    passed down the tree (county → town → village) is counted once at each level."""
    if not a or a.get("amount_fen") is None or a.get("division_code") is None:
        return {}
    d = Deltas()
    division, year, amount = a["division_code"], a["year"], a["amount_fen"]
    parent = a.get("parent_division_code") if a.get("parent_allocation_id") is not None else None
    above = set(chain(parent)) if parent else set()
    for code in chain(division):
        if code not in above:
            d.add_at(code, year, "funds_allocated", "", amount)
            d.add_at(code, year, "funds_allocated_level", a.get("source_level") or "unknown", amount)
    if amount > 0 and not a.get("reversal"):
        d.add(division, year, "allocations", "", 1)
        if needs_disclosure(a):
            d.add(division, year, "allocations_due_disclosure", "", 1)
            if a.get("disclosed_on") is not None:
                d.add(division, year, "allocations_disclosed", "", 1)
                if a.get("disclosed_timely"):
                    d.add(division, year, "allocations_disclosed_timely", "", 1)
    return d.nonzero()


def allocation_balance(a: Mapping[str, Any]) -> int:
    return (a.get("amount_fen") or 0) - (a.get("disbursed_fen") or 0) - (a.get("reallocated_fen") or 0)


# ---- items of funds and tasks (projects, loans, findings, reports, tasks, targets) ----

def period_year(period: str) -> int:
    return int(period[:4])


def item_items(kind: str, division: str, year: int, s: Mapping[str, Any] | None) -> dict[Key, int]:
    """Contribution of one project, loan, finding, report, overdue report, task or target."""
    if not s:
        return {}
    d = _Items()
    if kind == "project":
        d.add(division, year, "projects", s["status"], 1)
        d.add(division, year, "project_budget_fen", "", int(s.get("budget_fen") or 0))
    elif kind == "loan":
        d.add(division, year, "loans", s["status"], 1)
        d.add(division, year, "loan_principal_fen", "", int(s.get("principal_fen") or 0))
        d.add(division, year, "loan_outstanding_fen", "", int(s.get("outstanding_fen") or 0))
    elif kind in ("audit_finding", "supervision_finding"):
        source = "audit" if kind == "audit_finding" else "supervision"
        d.add(division, year, "findings", source, 1)
        if s.get("open"):
            d.add(division, year, "findings_open", source, 1)
            if s.get("overdue"):
                d.add(division, year, "findings_overdue", source, 1)
    elif kind == "report":
        unit = s["unit"]
        d.add(division, year, "reports", s["state"], 1)
        d.add(division, year, "report_progress", s.get("progress") or "unknown", 1)
        if s["state"] in SUBMITTED_REPORT_STATES or s.get("submitted_at"):
            d.add(division, year, "reports_submitted", unit, 1)
        if s.get("on_time") is True:
            d.add(division, year, "reports_on_time", unit, 1)
        elif s.get("on_time") is False:
            d.add(division, year, "reports_late", unit, 1)
    elif kind == "overdue":
        d.add(division, year, "reports_overdue", s["unit"], 1)
    elif kind == "task":
        d.add(CITY, 0, "task_progress", s.get("progress") or "unknown", 1)
    elif kind == "target":
        d.add(CITY, 0, "targets", "met" if s.get("met") else "missed" if s.get("missed") else "open", 1)
    return d


# ---- reading figures back ----

@dataclass
class Figures:
    """Counter rows of one division, with helpers for stocks (<= year) and flows (== year)."""

    rows: list[tuple[int, str, str, int]]
    year: int | None
    flow_year: int
    _cum: dict[tuple[str, str], int] = field(default_factory=dict)
    _flow: dict[tuple[str, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        cum: dict[tuple[str, str], int] = defaultdict(int)
        flow: dict[tuple[str, str], int] = defaultdict(int)
        for year, metric, key, value in self.rows:
            if metric in CUMULATIVE:
                if self.year is None or year <= self.year:
                    cum[(metric, key)] += value
            elif year == self.flow_year:
                flow[(metric, key)] += value
        self._cum, self._flow = dict(cum), dict(flow)

    def stock(self, metric: str, key: str | None = None, *, upto: int | None = None) -> int:
        if upto is not None:
            return sum(v for y, m, k, v in self.rows if m == metric and y <= upto and (key is None or k == key))
        if key is not None:
            return self._cum.get((metric, key), 0)
        return sum(v for (m, _), v in self._cum.items() if m == metric)

    def flow(self, metric: str, key: str | None = None) -> int:
        if key is not None:
            return self._flow.get((metric, key), 0)
        return sum(v for (m, _), v in self._flow.items() if m == metric)

    def stock_by_key(self, metric: str) -> dict[str, int]:
        return {k: v for (m, k), v in sorted(self._cum.items()) if m == metric and v}

    def flow_by_key(self, metric: str) -> dict[str, int]:
        return {k: v for (m, k), v in sorted(self._flow.items()) if m == metric and v}


def ratio(numerator: float, denominator: float, *, empty: float = 0.0) -> float:
    """A rate in [0, 1] rounded to 4 places; ``empty`` when nothing is due (denominator 0)."""
    if not denominator:
        return empty
    return round(numerator / denominator, 4)


def snapshot_metrics(f: Figures, *, open_alerts: int) -> dict[str, float]:
    """The year-end metrics of a division (names of ``SNAPSHOT_METRICS``).

    Rates whose denominator is empty: exit, return, compliance, income, spending and village-exit
    rates are 0; on-time rates (reports, disclosure) are 1, since nothing due was late."""
    year = f.flow_year
    identified = f.stock("identified_hh")
    exited = f.stock("exited_hh")
    exited_before = f.stock("exited_hh", upto=year - 1)
    returns = f.flow("returns")
    on_time, late = f.flow("reports_on_time"), f.flow("reports_late")
    allocated, disbursed = f.flow("funds_allocated"), f.flow("funds_disbursed")
    poor_villages = f.stock("poor_villages")
    return {
        "households_identified": identified,
        "persons_identified": f.stock("identified_persons"),
        "households_exited": exited,
        "exit_rate": ratio(exited, identified),
        "returns": returns,
        "return_rate": ratio(returns, exited_before),
        "guarantee_compliance_rate": ratio(f.flow("guarantee_compliant"), f.flow("guarantee_assessed")),
        "income_above_line_rate": ratio(f.flow("income_above_line_labour"), f.flow("income_recorded_labour")),
        "measures_per_household": round(f.flow("measures") / identified, 4) if identified else 0.0,
        "poor_villages_exited": f.stock("poor_villages_exited"),
        "village_exit_rate": ratio(f.stock("poor_villages_exited"), poor_villages),
        "funds_allocated_fen": allocated,
        "funds_disbursed_fen": disbursed,
        "funds_spending_rate": ratio(disbursed, allocated),
        "disclosure_timeliness_rate": ratio(f.flow("allocations_disclosed_timely"),
                                            f.flow("allocations_due_disclosure"), empty=1.0),
        "reports_on_time_rate": ratio(on_time, on_time + late, empty=1.0),
        "reports_overdue": f.flow("reports_overdue"),
        "open_alerts": open_alerts,
    }


def unit_metrics(f: Figures, unit: str, *, open_alerts: int) -> dict[str, float]:
    """The metrics that apply to a unit of the responsibility matrix (reports and alerts)."""
    on_time, late = f.flow("reports_on_time", unit), f.flow("reports_late", unit)
    return {"reports_on_time_rate": ratio(on_time, on_time + late, empty=1.0),
            "reports_overdue": f.flow("reports_overdue", unit),
            "reports_submitted": f.flow("reports_submitted", unit),
            "open_alerts": open_alerts}


def units_in(f: Figures) -> list[str]:
    metrics = ("reports_submitted", "reports_on_time", "reports_late", "reports_overdue")
    return sorted({k for (m, k) in f._flow if m in metrics and k})


def flow_years(rows: Iterable[tuple[int, str, str, int]]) -> list[int]:
    return sorted({y for y, m, _, v in rows if y and v and m not in CUMULATIVE})


# ---- freshness ----

ROUND_SECONDS = 2.0
"""Partitions written within this long of the newest write are the ones still receiving events."""


def freshness(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The view's freshness from its rows per (topic, partition): ``last_event_time`` (as_of) is the
    *minimum* of the newest event times of the partitions still receiving events — the view holds
    every event up to then — where a partition no batch has touched for ``ROUND_SECONDS`` before the
    newest write has nothing pending and does not hold the view back; ``lag_ms`` is the largest
    delay of those partitions' last batches; counts are summed and years maximised over all rows."""
    rows = list(rows)
    if not rows:
        return None
    newest = max(r["applied_at"] for r in rows)
    current = [r for r in rows if (newest - r["applied_at"]).total_seconds() <= ROUND_SECONDS]
    years = [r["max_year"] for r in rows if r["max_year"]]
    lags = [r["lag_ms"] for r in current if r["lag_ms"] is not None]
    return {"last_event_time": min(r["last_event_time"] for r in current), "applied_at": newest,
            "events_applied": sum(int(r["events_applied"]) for r in rows), "max_year": max(years) if years else None,
            "lag_ms": max(lags) if lags else None}


def view_version(state: Mapping[str, Any] | None, alerts: Mapping[tuple[str, str], int]) -> tuple[Any, ...]:
    """What a division's overview depends on beyond its counters: the view's freshness (every batch
    moves it) and the division's alert counts (alert scans and transitions move them)."""
    if state is None:
        return (None, tuple(sorted(alerts.items())))
    return (state["events_applied"], state["applied_at"], tuple(sorted(alerts.items())))
