"""Figures of a division assembled from its counter rows (pure once the rows are read)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from fupin_monitoring.alerts.domain import ACTIVE_STATES
from fupin_monitoring.divisions import NAMES, level_of
from fupin_monitoring.overview import schemas as s
from fupin_monitoring.view.domain import Figures, flow_years, ratio, snapshot_metrics
from fupin_shared.contracts.monitoring import SNAPSHOT_METRICS

SUMMARY_METRICS = ("identified_hh", "identified_persons", "exited_hh", "poor_hh", "returns", "guarantee_compliant",
                   "guarantee_assessed", "funds_allocated", "funds_disbursed")


def default_flow_year(year: int | None, state: dict[str, Any] | None, today_year: int,
                      rows: list[tuple[int, str, str, int]] | None = None) -> int:
    """The year whose flows are shown: the one asked for; else the latest year the division has
    flows for (a payload year without flows, e.g. an application dated this year, does not count);
    else the newest year the view has seen; else this year."""
    if year is not None:
        return year
    years = flow_years(rows or [])
    if years:
        return years[-1]
    if state and state.get("max_year"):
        return int(state["max_year"])
    return today_year


def freshness(state: dict[str, Any] | None, live_lag_ms: int | None) -> tuple[datetime | None, int | None]:
    if state is None:
        return None, live_lag_ms
    return state["last_event_time"], live_lag_ms if live_lag_ms is not None else state.get("lag_ms")


def active_alerts(counts: dict[tuple[str, str], int]) -> int:
    return sum(v for (_, state), v in counts.items() if state in ACTIVE_STATES)


def build_overview(division: str, rows: list[tuple[int, str, str, int]], *, year: int | None, flow_year: int,
                   alert_counts: dict[tuple[str, str], int], state: dict[str, Any] | None,
                   lag_ms: int | None) -> s.Overview:
    f = Figures(rows, year, flow_year)
    households = f.stock_by_key("hh_status")
    persons = f.stock_by_key("persons_status")
    by_status = {k: s.StatusCount(households=households.get(k, 0), persons=persons.get(k, 0))
                 for k in sorted(set(households) | set(persons)) if households.get(k) or persons.get(k)}
    by_progress = f.stock_by_key("task_progress")
    on_time, late = f.flow("reports_on_time"), f.flow("reports_late")
    by_kind: dict[str, int] = {}
    for (kind, st), v in alert_counts.items():
        if st in ACTIVE_STATES and v:
            by_kind[kind] = by_kind.get(kind, 0) + v
    as_of, lag = freshness(state, lag_ms)
    return s.Overview(
        division=division, level=level_of(division), name=NAMES.get(division), year=year, flow_year=flow_year,
        households_by_status=by_status,
        households_total=sum(c.households for c in by_status.values()),
        persons_total=sum(c.persons for c in by_status.values()),
        identified=s.StatusCount(households=f.stock("identified_hh"), persons=f.stock("identified_persons")),
        poor=s.StatusCount(households=f.stock("poor_hh"), persons=f.stock("poor_persons")),
        exited=s.StatusCount(households=f.stock("exited_hh"), persons=f.stock("exited_persons")),
        identifications=s.Flow(households=f.flow("identified")),
        exits=s.Flow(households=f.flow("exits"), by_key=f.flow_by_key("exits")),
        returns=s.Flow(households=f.flow("returns"), by_key=f.flow_by_key("returns")),
        new_poverty=s.Flow(households=f.flow("new_poverty"), by_key=f.flow_by_key("new_poverty")),
        removals=s.Flow(households=f.flow("removals"), by_key=f.flow_by_key("removals")),
        labour_types=f.stock_by_key("labour"), poverty_causes=f.stock_by_key("cause"),
        guarantees=s.Guarantees(assessed=f.flow("guarantee_assessed"), compliant=f.flow("guarantee_compliant"),
                                compliance_rate=ratio(f.flow("guarantee_compliant"), f.flow("guarantee_assessed")),
                                failures=f.flow_by_key("guarantee_fail"), housing_grades=f.flow_by_key("housing_grade")),
        incomes=s.Incomes(recorded=f.flow("income_recorded"), above_line=f.flow("income_above_line"),
                          above_line_rate=ratio(f.flow("income_above_line_labour"), f.flow("income_recorded_labour")),
                          bands=f.flow_by_key("income_band")),
        villages=s.Villages(provincial_poor=f.stock("poor_villages"), poor_exited=f.stock("poor_villages_exited"),
                            exit_rate=ratio(f.stock("poor_villages_exited"), f.stock("poor_villages")),
                            assessed=f.flow("villages_assessed"), eligible=f.flow("villages_eligible"),
                            poor_eligible=f.flow("poor_villages_eligible")),
        funds=s.Funds(allocated_fen=f.flow("funds_allocated"), disbursed_fen=f.flow("funds_disbursed"),
                      spending_rate=ratio(f.flow("funds_disbursed"), f.flow("funds_allocated")),
                      allocations=f.flow("allocations"), due_disclosure=f.flow("allocations_due_disclosure"),
                      disclosed=f.flow("allocations_disclosed"), disclosed_on_time=f.flow("allocations_disclosed_timely"),
                      disclosure_timeliness_rate=ratio(f.flow("allocations_disclosed_timely"),
                                                       f.flow("allocations_due_disclosure"), empty=1.0),
                      allocated_by_source_level=f.flow_by_key("funds_allocated_level"),
                      projects_by_status=f.flow_by_key("projects"), loans_outstanding_fen=f.flow("loan_outstanding_fen")),
        tasks=s.Tasks(by_progress=by_progress, on_track=by_progress.get("on_track", 0) + by_progress.get("done", 0),
                      late=by_progress.get("late", 0), reports_submitted=f.flow("reports_submitted"),
                      reports_on_time=on_time, reports_late=late,
                      reports_on_time_rate=ratio(on_time, on_time + late, empty=1.0),
                      reports_overdue=f.flow("reports_overdue"), targets=f.stock_by_key("targets"),
                      findings_open=f.stock("findings_open")),
        alerts=s.Alerts(open=sum(v for (_, st), v in alert_counts.items() if st == "open"),
                        assigned=sum(v for (_, st), v in alert_counts.items() if st == "assigned"),
                        resolved=sum(v for (_, st), v in alert_counts.items() if st == "resolved"), by_kind=by_kind),
        measures=s.Measures(count=f.flow("measures"), amount_fen=f.flow("measure_amount_fen"),
                            by_type=f.flow_by_key("measures")),
        members={m: f.stock(m) for m in ("members_active", "members_uninsured", "members_disabled",
                                         "members_serious_illness", "children_out_of_school")},
        as_of=as_of, lag_ms=lag, events_applied=int(state["events_applied"]) if state else 0)


def build_indicators(division: str, rows: list[tuple[int, str, str, int]], *, year: int, open_alerts: int,
                     assessment: dict[str, Any] | None, state: dict[str, Any] | None,
                     lag_ms: int | None) -> s.DivisionIndicators:
    metrics = snapshot_metrics(Figures(rows, year, year), open_alerts=open_alerts)
    as_of, lag = freshness(state, lag_ms)
    return s.DivisionIndicators(
        division=division, level=level_of(division), name=NAMES.get(division), year=year,
        indicators=[s.Indicator(metric=m, label_zh=SNAPSHOT_METRICS[m], value=float(metrics[m])) for m in SNAPSHOT_METRICS],
        assessment=s.AssessmentResult(**{k: assessment[k] for k in s.AssessmentResult.model_fields}) if assessment else None,
        as_of=as_of, lag_ms=lag)


def build_summary(code: str, rows: list[tuple[int, str, str, int]], *, year: int | None, flow_year: int,
                  open_alerts: int) -> s.DivisionSummary:
    f = Figures(rows, year, flow_year)
    return s.DivisionSummary(
        code=code, level=level_of(code), name=NAMES.get(code), households_identified=f.stock("identified_hh"),
        persons_identified=f.stock("identified_persons"), households_exited=f.stock("exited_hh"),
        exit_rate=ratio(f.stock("exited_hh"), f.stock("identified_hh")), poor_households=f.stock("poor_hh"),
        returns=f.flow("returns"),
        guarantee_compliance_rate=ratio(f.flow("guarantee_compliant"), f.flow("guarantee_assessed")),
        funds_allocated_fen=f.flow("funds_allocated"), funds_disbursed_fen=f.flow("funds_disbursed"),
        open_alerts=open_alerts)


def build_trends(division: str, rows: list[tuple[int, str, str, int]], *, state: dict[str, Any] | None,
                 lag_ms: int | None) -> s.Trends:
    out = []
    for year in flow_years(rows):
        f = Figures(rows, year, year)
        out.append(s.Trend(year=year, households_identified=f.stock("identified_hh"),
                           households_exited=f.stock("exited_hh"), poor_households=f.stock("poor_hh"),
                           exits=f.flow("exits"), returns=f.flow("returns"), identifications=f.flow("identified"),
                           funds_allocated_fen=f.flow("funds_allocated"), funds_disbursed_fen=f.flow("funds_disbursed"),
                           guarantee_compliance_rate=ratio(f.flow("guarantee_compliant"), f.flow("guarantee_assessed"))))
    as_of, lag = freshness(state, lag_ms)
    return s.Trends(division=division, years=out, as_of=as_of, lag_ms=lag)
