"""Year-end snapshots: the view's metrics of a year for the city, each county and each unit of
the responsibility matrix, frozen once and published as ``YearSnapshotFrozen`` (assessment scores
from it, so later edits in the registry never change a published score)."""
from __future__ import annotations

from typing import Any

from fupin_monitoring.db import MonitoringUow
from fupin_monitoring.divisions import CITY, COUNTY_NAMES, child_level
from fupin_monitoring.overview.service import active_alerts
from fupin_monitoring.snapshots.errors import SnapshotAlreadyFrozen
from fupin_monitoring.view.domain import Figures, snapshot_metrics, unit_metrics, units_in
from fupin_shared.auth.principal import Principal
from fupin_shared.contracts.monitoring import YearSnapshotFrozen
from fupin_shared.db import utc_now, uuid7
from fupin_shared.http.problems import Forbidden, InvalidInput


def validate_year(year: int, today_year: int) -> None:
    if not 2014 <= year <= today_year:
        raise InvalidInput([{"pointer": "path:year",
                             "detail": f"a year from 2014 to {today_year} (a year that has not begun cannot be frozen)"}])


async def compute_metrics(uow: MonitoringUow, year: int) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Metrics per subject (the city, every county, every unit with reports) and each subject's kind."""
    counties = sorted(set(COUNTY_NAMES) | set(await uow.overview.child_codes(CITY)))
    metrics: dict[str, dict[str, float]] = {}
    subjects: dict[str, str] = {}
    city_figures: Figures | None = None
    for code in [CITY, *counties]:
        rows = await uow.overview.rows(code)
        figures = Figures(rows, year, year)
        open_alerts = active_alerts(await uow.overview.alert_counts(code))
        metrics[code] = {k: float(v) for k, v in snapshot_metrics(figures, open_alerts=open_alerts).items()}
        subjects[code] = "city" if code == CITY else "county"
        if code == CITY:
            city_figures = figures
    assert city_figures is not None and child_level(CITY) == "county"
    unit_alerts = await uow.alerts.active_by_unit()
    for unit in units_in(city_figures):
        metrics[unit] = {k: float(v) for k, v in unit_metrics(city_figures, unit,
                                                               open_alerts=unit_alerts.get(unit, 0)).items()}
        subjects[unit] = "unit"
    return metrics, subjects


async def freeze_snapshot(uow: MonitoringUow, year: int, *, actor: Principal, today_year: int) -> dict[str, Any]:
    """Freeze the year's snapshot (city officials only); a frozen year is never recomputed (409)."""
    validate_year(year, today_year)
    if actor.division != CITY:
        raise Forbidden("Only a city-level caller can freeze the city's year-end snapshot.")
    async with uow:
        existing = await uow.snapshots.get(year)
        if existing is not None:
            raise SnapshotAlreadyFrozen(year, str(existing["snapshot_id"]))
        state = await uow.overview.state()
        metrics, subjects = await compute_metrics(uow, year)
        row = {"year": year, "snapshot_id": uuid7(), "frozen_at": utc_now(), "frozen_by": actor.sub,
               "as_of": state["last_event_time"] if state else None,
               "events_applied": int(state["events_applied"]) if state else 0,
               "subjects": subjects, "metrics": metrics}
        await uow.snapshots.add(row)
        uow.record(YearSnapshotFrozen(snapshot_id=row["snapshot_id"], year=year, frozen_at=row["frozen_at"],
                                      metrics=metrics, subjects=subjects, as_of=row["as_of"],
                                      events_applied=row["events_applied"]),
                   subject=row["snapshot_id"], division=CITY, actor=actor.sub)
        await uow.commit()
    return row


def visible_part(row: dict[str, Any], viewer: Principal) -> dict[str, Any]:
    """A county caller sees its own county's metrics only; units are city-level subjects."""
    if viewer.division == CITY:
        return row
    keep = {s for s, kind in row["subjects"].items() if kind == "county" and viewer.sees(s)}
    return {**row, "subjects": {s: row["subjects"][s] for s in keep}, "metrics": {s: row["metrics"][s] for s in keep}}
