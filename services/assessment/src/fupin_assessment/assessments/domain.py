"""Pure rules of the annual assessment: the workflow, the scoring rules, auto-scoring from a
frozen year-end snapshot (every figure citing the snapshot, metric and value), deductions from
findings, totals, grades and ranking within each subject kind (plan task 27)."""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from fupin_assessment.catalogue import Subject
from fupin_assessment.frameworks.domain import DeductionRule, Framework, GradeBand, Indicator, ScoringRule
from fupin_shared.contracts.monitoring import SNAPSHOT_METRICS


class State(StrEnum):
    DRAFT = "draft"
    COLLECTING = "collecting"
    SCORING = "scoring"
    REVIEW = "review"
    PUBLISHED = "published"


STATE_LABELS = {State.DRAFT: ("草稿", "draft"), State.COLLECTING: ("数据收集", "collecting"),
                State.SCORING: ("评分", "scoring"), State.REVIEW: ("审核", "review"),
                State.PUBLISHED: ("已发布", "published")}

TRANSITIONS: dict[State, tuple[State, ...]] = {
    State.DRAFT: (State.COLLECTING,),
    State.COLLECTING: (State.DRAFT, State.SCORING),
    State.SCORING: (State.REVIEW,),
    State.REVIEW: (State.SCORING, State.PUBLISHED),
    State.PUBLISHED: (),
}
"""draft → collecting → scoring → review → published; review may send back to scoring and
collecting back to draft. A published assessment changes only by a correction (a new version)."""


def can_move(current: str, target: str) -> bool:
    return State(target) in TRANSITIONS[State(current)]


def appeal_deadline(published_at: datetime, window_days: int) -> datetime:
    """Appeals are open for ``window_days`` days after the (latest) publication."""
    return published_at + timedelta(days=window_days)


def appeal_open(now: datetime, deadline: datetime | None) -> bool:
    return deadline is not None and now <= deadline


# --- scoring rules ---------------------------------------------------------------------------

def _clamp01(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def _pts(weight: float, fraction: float) -> float:
    return round(weight * _clamp01(fraction), 2)


def score_linear(value: float, *, floor: float, target: float, weight: float) -> float:
    """0 at ``floor``, ``weight`` at ``target``, linear between; beyond either end clamped.
    Works both ways: with ``target < floor`` lower values score higher (e.g. a return rate)."""
    return _pts(weight, (value - floor) / (target - floor))


def score_threshold(value: float, *, threshold: float, comparator: str, weight: float,
                    below_fraction: float = 0.0) -> float:
    met = value >= threshold if comparator == ">=" else value <= threshold
    return _pts(weight, 1.0 if met else below_fraction)


def score_ratio(value: float, *, target: float, weight: float, invert: bool = False) -> float:
    """value / target of the weight (capped at the weight); ``invert``: target / value, and a
    value of 0 then earns the full weight."""
    if invert:
        return _pts(weight, 1.0 if value <= 0 else target / value)
    return _pts(weight, value / target)


def competition_ranks(values: Mapping[str, float], *, higher_is_better: bool = True) -> dict[str, int]:
    """Standard competition ranking (1, 2, 2, 4): equal values share the better rank."""
    ordered = sorted(values.items(), key=lambda kv: (-kv[1] if higher_is_better else kv[1], kv[0]))
    ranks: dict[str, int] = {}
    previous: float | None = None
    rank = 0
    for position, (key, value) in enumerate(ordered, start=1):
        if previous is None or not math.isclose(value, previous, rel_tol=0, abs_tol=1e-9):
            rank = position
            previous = value
        ranks[key] = rank
    return ranks


def score_rank(values: Mapping[str, float], *, better: str, weight: float,
               min_fraction: float) -> dict[str, tuple[float, int, int]]:
    """Points by rank among subjects of one kind: first gets ``weight``, last ``min_fraction`` of it,
    linear in rank between. Returns subject -> (points, rank, ranked subjects)."""
    ranks = competition_ranks(values, higher_is_better=better == "higher")
    n = len(ranks)
    out = {}
    for key, rank in ranks.items():
        fraction = 1.0 if n <= 1 else 1.0 - (rank - 1) / (n - 1) * (1.0 - min_fraction)
        out[key] = (_pts(weight, fraction), rank, n)
    return out


def score_value(indicator: Indicator, value: float) -> float:
    """Points of one value under a non-rank, non-manual rule."""
    rule, weight = indicator.rule, indicator.weight
    if rule.kind == "linear":
        return score_linear(value, floor=float(rule.floor), target=float(rule.target), weight=weight)
    if rule.kind == "threshold":
        return score_threshold(value, threshold=float(rule.threshold), comparator=rule.comparator, weight=weight,
                               below_fraction=rule.below_fraction)
    if rule.kind == "ratio":
        return score_ratio(value, target=float(rule.target), weight=weight, invert=rule.invert)
    raise ValueError(f"rule {rule.kind} does not score a single value")


def explain(rule: ScoringRule, value: float, points: float, weight: float, *, rank: int | None = None,
            ranked: int | None = None) -> str:
    """One line a reader can recompute: the rule, the value and the points."""
    if rule.kind == "linear":
        return (f"({value:g} − {rule.floor:g}) ÷ ({rule.target:g} − {rule.floor:g}) × {weight:g}"
                f"，限 0–{weight:g} → {points:g}")
    if rule.kind == "threshold":
        met = "达标" if points >= weight else "未达标"
        return f"{value:g} {rule.comparator} {rule.threshold:g}？{met} → {points:g}"
    if rule.kind == "ratio":
        expr = f"{rule.target:g} ÷ {value:g}" if rule.invert else f"{value:g} ÷ {rule.target:g}"
        return f"{expr} × {weight:g}，最高 {weight:g} → {points:g}"
    if rule.kind == "rank":
        return f"取值 {value:g}，同类 {ranked} 个对象中排第 {rank} 名 → {points:g}"
    return f"{points:g}"


# --- auto-scoring from a snapshot ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SnapshotView:
    snapshot_id: str
    year: int
    frozen_at: datetime
    metrics: Mapping[str, Mapping[str, float]]

    def value(self, subject: Subject, metric: str) -> tuple[str | None, float | None]:
        """The metric's value for the subject and the key it was found under."""
        for key in subject.snapshot_keys():
            row = self.metrics.get(key)
            if row is not None and metric in row:
                raw = row[metric]
                if raw is None:
                    return key, None
                value = float(raw)
                return key, (value if math.isfinite(value) else None)
        return None, None


@dataclass(frozen=True, slots=True)
class ScoredIndicator:
    subject: str
    code: str
    value: float | None
    score: float | None
    status: str
    """``auto`` (scored from the snapshot) or ``missing`` (no value: a reviewer scores it)."""
    evidence: dict[str, Any]


def auto_score(framework: Framework, subjects: Sequence[Subject], snapshot: SnapshotView) -> list[ScoredIndicator]:
    """Score every snapshot-sourced indicator of every subject; each result cites
    ``snapshot_id``, ``metric`` and ``value``. A subject without a value for the metric is
    ``missing`` (no points yet; a reviewer scores it with a comment)."""
    out: list[ScoredIndicator] = []
    for kind in framework.kinds:
        members = [s for s in subjects if s.kind == kind]
        for indicator in framework.indicators_for(kind):
            if indicator.manual:
                continue
            found = {s.key: snapshot.value(s, indicator.source) for s in members}
            void: dict[str, float] = {}
            if indicator.requires_positive:
                for s in members:
                    _, guard = snapshot.value(s, indicator.requires_positive)
                    if guard is not None and guard <= 0 and found[s.key][1] is not None:
                        void[s.key] = guard
                        found[s.key] = (found[s.key][0], None)
            ranked: dict[str, tuple[float, int, int]] = {}
            if indicator.rule.kind == "rank":
                ranked = score_rank({k: v for k, (_, v) in found.items() if v is not None},
                                    better=indicator.rule.better, weight=indicator.weight,
                                    min_fraction=indicator.rule.min_fraction)
            for subject in members:
                key, value = found[subject.key]
                evidence: dict[str, Any] = {
                    "kind": "snapshot", "snapshot_id": snapshot.snapshot_id, "year": snapshot.year,
                    "frozen_at": snapshot.frozen_at.isoformat(), "metric": indicator.source,
                    "metric_label": SNAPSHOT_METRICS.get(indicator.source, indicator.source),
                    "subject_key": key, "value": value, "rule": indicator.rule.describe_zh()}
                if subject.key in void:
                    evidence["value"] = None
                    evidence["requires_positive"] = {"metric": indicator.requires_positive,
                                                     "value": void[subject.key]}
                    evidence["note"] = (f"快照中 {indicator.requires_positive} 为 0，该比率无意义，须由评审人员评分 "
                                        f"(the rate has no base in the snapshot)")
                    out.append(ScoredIndicator(subject.key, indicator.code, None, None, "missing", evidence))
                    continue
                if value is None:
                    evidence["note"] = "快照中没有该对象的此项数据，须由评审人员评分 (no value in the snapshot)"
                    out.append(ScoredIndicator(subject.key, indicator.code, None, None, "missing", evidence))
                    continue
                if indicator.rule.kind == "rank":
                    points, rank, n = ranked[subject.key]
                    evidence.update(rank=rank, ranked=n)
                    evidence["computation"] = explain(indicator.rule, value, points, indicator.weight,
                                                      rank=rank, ranked=n)
                else:
                    points = score_value(indicator, value)
                    evidence["computation"] = explain(indicator.rule, value, points, indicator.weight)
                out.append(ScoredIndicator(subject.key, indicator.code, value, points, "auto", evidence))
    return out


# --- deductions ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Finding:
    finding_id: str
    origin: str
    """``supervision`` (tasks: 督查巡查, 约谈, complaints) or ``audit`` (funds)."""
    kind: str
    severity: str
    year: int
    subjects: tuple[str, ...]
    closed: bool = False
    overdue: bool = False
    summary: str = ""
    rectify_by: date | None = None
    closed_on: date | None = None


@dataclass(frozen=True, slots=True)
class Deduction:
    subject: str
    rule_code: str
    origin: str
    points: float
    finding_id: str | None
    evidence: dict[str, Any] = field(default_factory=dict)
    requested: float | None = None
    """The points before the rule's cap (set by :func:`apply_cap`)."""


def rule_matches(rule: DeductionRule, finding: Finding) -> bool:
    kind = finding.kind.lower()
    if rule.origin == "complaint":
        return finding.origin == "supervision" and kind in rule.kinds
    if rule.origin != finding.origin:
        return False
    return not rule.kinds or kind in rule.kinds


def finding_points(rule: DeductionRule, finding: Finding) -> float:
    base = rule.points_by_severity.get(finding.severity.lower(), rule.default_points)
    points = base * (rule.closed_factor if finding.closed else 1.0)
    if finding.overdue:
        points += rule.overdue_extra
    return round(points, 2)


def apply_cap(rule: DeductionRule, lines: Iterable[Deduction]) -> list[Deduction]:
    """Keep a subject's deductions under one rule within its cap (the last one is cut to fit)."""
    out: list[Deduction] = []
    used = 0.0
    for line in lines:
        room = round(rule.cap - used, 2)
        if room <= 0:
            points = 0.0
        else:
            points = min(line.points, room)
        used = round(used + points, 2)
        evidence = dict(line.evidence)
        if points < line.points:
            evidence["capped"] = f"本项扣分上限 {rule.cap:g} 分，实扣 {points:g} 分 (cap {rule.cap:g})"
        out.append(Deduction(line.subject, line.rule_code, line.origin, round(points, 2), line.finding_id, evidence,
                             requested=line.points))
    return out


def finding_deductions(framework: Framework, subjects: Sequence[Subject], findings: Iterable[Finding],
                       manual: Iterable[Deduction] = ()) -> list[Deduction]:
    """Deductions of the year: each finding of the framework's year counts once, under the first
    deduction rule (in framework order) that matches it and applies to the subject's kind, for
    every subject it names; reviewers' manual deductions join their rule. Each rule is capped per
    subject."""
    by_subject = {s.key: s for s in subjects}
    raw: dict[tuple[str, str], list[Deduction]] = {}
    for finding in sorted(findings, key=lambda f: (f.rectify_by or date.min, f.finding_id)):
        if finding.year != framework.year:
            continue
        for subject_key in finding.subjects:
            subject = by_subject.get(subject_key)
            if subject is None:
                continue
            rule = next((r for r in framework.deductions_for(subject.kind) if rule_matches(r, finding)), None)
            if rule is None:
                continue
            evidence = {"kind": "finding", "origin": finding.origin, "finding_id": finding.finding_id,
                        "finding_kind": finding.kind, "severity": finding.severity,
                        "state": "closed" if finding.closed else "open", "overdue": finding.overdue,
                        "summary": finding.summary,
                        "rectify_by": finding.rectify_by.isoformat() if finding.rectify_by else None,
                        "closed_on": finding.closed_on.isoformat() if finding.closed_on else None,
                        "rule": rule.name}
            raw.setdefault((subject_key, rule.code), []).append(
                Deduction(subject_key, rule.code, finding.origin, finding_points(rule, finding),
                          finding.finding_id, evidence))
    for line in manual:
        raw.setdefault((line.subject, line.rule_code), []).append(line)
    out: list[Deduction] = []
    for (_, code), lines in sorted(raw.items()):
        rule = framework.deduction_rule(code)
        out.extend(apply_cap(rule, lines) if rule is not None else lines)
    return out


# --- totals, grades, ranking -----------------------------------------------------------------

def grade_for(total: float, bands: Sequence[GradeBand]) -> str:
    """The first band (highest threshold first) whose threshold the total reaches."""
    for band in sorted(bands, key=lambda b: -b.min_total):
        if total >= band.min_total - 1e-9:
            return band.grade
    return sorted(bands, key=lambda b: b.min_total)[0].grade


@dataclass(frozen=True, slots=True)
class SubjectTotal:
    subject: str
    kind: str
    indicator_total: float
    deduction_total: float
    total: float
    grade: str
    rank: int
    ranked: int


def subject_totals(framework: Framework, subjects: Sequence[Subject], scores: Mapping[str, Iterable[float | None]],
                   deductions: Iterable[Deduction]) -> dict[str, SubjectTotal]:
    """Total = indicator points − deductions (never below 0), graded by the framework's bands and
    ranked within each subject kind (competition ranking, highest total first)."""
    deducted: dict[str, float] = {}
    for d in deductions:
        deducted[d.subject] = round(deducted.get(d.subject, 0.0) + d.points, 2)
    totals: dict[str, tuple[float, float, float]] = {}
    for subject in subjects:
        points = round(sum(s for s in scores.get(subject.key, ()) if s is not None), 2)
        minus = deducted.get(subject.key, 0.0)
        totals[subject.key] = (points, minus, max(0.0, round(points - minus, 2)))
    out: dict[str, SubjectTotal] = {}
    for kind in {s.kind for s in subjects}:
        members = [s for s in subjects if s.kind == kind]
        ranks = competition_ranks({s.key: totals[s.key][2] for s in members})
        for s in members:
            points, minus, total = totals[s.key]
            out[s.key] = SubjectTotal(s.key, kind, points, minus, total, grade_for(total, framework.grades),
                                      ranks[s.key], len(members))
    return out


def incomplete(scores: Iterable[tuple[str, str, float | None]]) -> list[dict[str, str]]:
    """(subject, indicator) pairs still without points — they block the move to review."""
    return [{"subject": subject, "indicator": code} for subject, code, score in scores if score is None]
