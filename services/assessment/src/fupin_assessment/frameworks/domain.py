"""A year's assessment framework as data, and the rules a framework must satisfy (pure).

A framework has dimensions (减贫成效, 精准识别, 精准帮扶, 扶贫资金, 责任落实), indicators — each with
a weight, the subject kinds it applies to, its source (a metric of the year-end snapshot, see
``SNAPSHOT_METRICS``, or ``manual`` for reviewers) and its scoring rule — deduction rules for
supervision, audit and complaint findings, the grade bands and the appeal window in days.
For every subject kind an indicator applies to, the weights of that kind's indicators sum to 100.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from fupin_assessment.catalogue import SUBJECT_KINDS
from fupin_shared.contracts.monitoring import SNAPSHOT_METRICS

MANUAL = "manual"
RULE_KINDS = ("linear", "threshold", "ratio", "rank", "manual")
COMPARATORS = (">=", "<=")
FINDING_ORIGINS = ("supervision", "audit", "complaint", "manual")
WEIGHT_TOTAL = 100.0


@dataclass(frozen=True, slots=True)
class ScoringRule:
    """How an indicator's value becomes points (``weight`` is the indicator's full score).

    - ``linear``: 0 at ``floor``, the full weight at ``target``, linear between (a lower-is-better
      indicator has ``target < floor``).
    - ``threshold``: the full weight when the value meets ``comparator threshold``, otherwise
      ``below_fraction`` of it.
    - ``ratio``: value / target of the weight, at most the weight (``invert``: target / value,
      for lower-is-better figures).
    - ``rank``: among subjects of the same kind, the best gets the weight, the worst
      ``min_fraction`` of it, linear in between; ``better`` says whether higher or lower wins.
    - ``manual``: a reviewer gives the points (0..weight) with a comment.
    """

    kind: str
    floor: float | None = None
    target: float | None = None
    threshold: float | None = None
    comparator: str = ">="
    below_fraction: float = 0.0
    invert: bool = False
    better: str = "higher"
    min_fraction: float = 0.0

    def describe_zh(self) -> str:
        if self.kind == "linear":
            return f"线性计分：{_fmt(self.floor)} 得 0 分，达到 {_fmt(self.target)} 得满分"
        if self.kind == "threshold":
            partial = f"，否则得 {_fmt(self.below_fraction * 100)}%" if self.below_fraction else "，否则不得分"
            return f"达标计分：{self.comparator} {_fmt(self.threshold)} 得满分{partial}"
        if self.kind == "ratio":
            return (f"比率计分：目标值 {_fmt(self.target)} ÷ 实际值" if self.invert
                    else f"比率计分：实际值 ÷ 目标值 {_fmt(self.target)}") + "，最高满分"
        if self.kind == "rank":
            order = "越高越好" if self.better == "higher" else "越低越好"
            return f"排名计分（同类对象，{order}）：第一名满分，末位得 {_fmt(self.min_fraction * 100)}%"
        return "评审人员评分"


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    dimension: str
    name: str
    weight: float
    source: str
    rule: ScoringRule
    applies_to: tuple[str, ...]
    description: str = ""
    requires_positive: str | None = None
    """A snapshot metric that must be above 0 for the value to mean anything (e.g. an exit rate
    needs identified households); when it is 0 the indicator is left to a reviewer."""

    @property
    def manual(self) -> bool:
        return self.source == MANUAL


@dataclass(frozen=True, slots=True)
class DeductionRule:
    """Points deducted per finding of an origin (and, optionally, of listed kinds), by severity.

    An overdue rectification adds ``overdue_extra``; a finding already rectified (closed) counts
    ``closed_factor`` of its points; a subject loses at most ``cap`` points under one rule."""

    code: str
    name: str
    origin: str
    points_by_severity: dict[str, float]
    default_points: float
    cap: float
    kinds: tuple[str, ...] = ()
    overdue_extra: float = 0.0
    closed_factor: float = 1.0
    applies_to: tuple[str, ...] = SUBJECT_KINDS


@dataclass(frozen=True, slots=True)
class GradeBand:
    grade: str
    min_total: float


@dataclass(frozen=True, slots=True)
class Framework:
    year: int
    title: str
    dimensions: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    deductions: tuple[DeductionRule, ...]
    grades: tuple[GradeBand, ...]
    appeal_window_days: int
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def indicators_for(self, kind: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if kind in i.applies_to)

    def deductions_for(self, kind: str) -> tuple[DeductionRule, ...]:
        return tuple(d for d in self.deductions if kind in d.applies_to)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k in SUBJECT_KINDS if self.indicators_for(k))

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)

    def deduction_rule(self, code: str) -> DeductionRule | None:
        return next((d for d in self.deductions if d.code == code), None)


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


def framework_from_document(year: int, doc: dict[str, Any]) -> Framework:
    """Build the domain object from the stored JSON document (already schema-validated)."""
    indicators = tuple(
        Indicator(code=i["code"], dimension=i["dimension"], name=i["name"], weight=float(i["weight"]),
                  source=i["source"], rule=ScoringRule(**i["rule"]), applies_to=tuple(i["applies_to"]),
                  description=i.get("description") or "", requires_positive=i.get("requires_positive"))
        for i in doc["indicators"])
    deductions = tuple(
        DeductionRule(code=d["code"], name=d["name"], origin=d["origin"],
                      points_by_severity={k.lower(): float(v) for k, v in d["points_by_severity"].items()},
                      default_points=float(d["default_points"]), cap=float(d["cap"]),
                      kinds=tuple(k.lower() for k in d.get("kinds") or ()),
                      overdue_extra=float(d.get("overdue_extra", 0.0)),
                      closed_factor=float(d.get("closed_factor", 1.0)),
                      applies_to=tuple(d.get("applies_to") or SUBJECT_KINDS))
        for d in doc.get("deductions") or ())
    grades = tuple(sorted((GradeBand(g["grade"], float(g["min_total"])) for g in doc["grades"]),
                          key=lambda g: -g.min_total))
    return Framework(year=year, title=doc["title"], dimensions=tuple(doc["dimensions"]), indicators=indicators,
                     deductions=deductions, grades=grades, appeal_window_days=int(doc["appeal_window_days"]),
                     notes=doc.get("notes") or "")


def framework_problems(doc: dict[str, Any]) -> list[dict[str, str]]:
    """Every rule a framework document breaks, as ``[{pointer, detail}]`` (empty when valid).

    Checked: dimensions unique; indicator codes unique; each indicator's dimension declared, its
    subject kinds known, its source a snapshot metric or ``manual`` (manual exactly when the rule
    is ``manual``), its rule's parameters coherent; per subject kind the weights sum to 100;
    deduction rules with a known origin and non-negative points; grade bands with distinct
    grades and one band starting at 0."""
    errors: list[dict[str, str]] = []

    def err(pointer: str, detail: str) -> None:
        errors.append({"pointer": pointer, "detail": detail})

    dimensions = list(doc.get("dimensions") or [])
    if len(set(dimensions)) != len(dimensions):
        err("#/dimensions", "dimensions must be unique")
    seen_codes: set[str] = set()
    totals: dict[str, float] = {}
    for n, ind in enumerate(doc.get("indicators") or []):
        at = f"#/indicators/{n}"
        if ind["code"] in seen_codes:
            err(f"{at}/code", f"indicator code {ind['code']} is used twice")
        seen_codes.add(ind["code"])
        if ind["dimension"] not in dimensions:
            err(f"{at}/dimension", f"dimension {ind['dimension']} is not one of the framework's dimensions")
        kinds = ind.get("applies_to") or []
        if not kinds:
            err(f"{at}/applies_to", "an indicator applies to at least one subject kind")
        for kind in kinds:
            if kind not in SUBJECT_KINDS:
                err(f"{at}/applies_to", f"unknown subject kind {kind}; one of {', '.join(SUBJECT_KINDS)}")
            else:
                totals[kind] = totals.get(kind, 0.0) + float(ind["weight"])
        if float(ind["weight"]) <= 0:
            err(f"{at}/weight", "weight must be positive")
        source, rule = ind["source"], ind["rule"]
        if source != MANUAL and source not in SNAPSHOT_METRICS:
            err(f"{at}/source", f"unknown metric {source}; a year-end snapshot metric or 'manual'")
        guard = ind.get("requires_positive")
        if guard is not None and (source == MANUAL or guard not in SNAPSHOT_METRICS):
            err(f"{at}/requires_positive", "a snapshot metric, on an indicator sourced from the snapshot")
        for pointer, detail in _rule_problems(rule, manual=source == MANUAL):
            err(f"{at}/rule{pointer}", detail)
    if not doc.get("indicators"):
        err("#/indicators", "a framework has at least one indicator")
    for kind, total in sorted(totals.items()):
        if not math.isclose(total, WEIGHT_TOTAL, abs_tol=1e-6):
            err("#/indicators", f"weights of the indicators for {kind} sum to {total:g}, not 100")
    rule_codes: set[str] = set()
    for n, ded in enumerate(doc.get("deductions") or []):
        at = f"#/deductions/{n}"
        if ded["code"] in rule_codes or ded["code"] in seen_codes:
            err(f"{at}/code", f"code {ded['code']} is used twice")
        rule_codes.add(ded["code"])
        if ded["origin"] not in FINDING_ORIGINS:
            err(f"{at}/origin", f"origin must be one of {', '.join(FINDING_ORIGINS)}")
        points = [float(ded["default_points"]), float(ded.get("overdue_extra", 0)), float(ded["cap"]),
                  *(float(v) for v in ded["points_by_severity"].values())]
        if any(p < 0 for p in points):
            err(at, "points, extras and caps must not be negative")
        if not 0 <= float(ded.get("closed_factor", 1.0)) <= 1:
            err(f"{at}/closed_factor", "closed_factor must be between 0 and 1")
        for kind in ded.get("applies_to") or ():
            if kind not in SUBJECT_KINDS:
                err(f"{at}/applies_to", f"unknown subject kind {kind}")
    grades = doc.get("grades") or []
    names = [g["grade"] for g in grades]
    if len(set(names)) != len(names):
        err("#/grades", "grades must be distinct")
    if len({float(g["min_total"]) for g in grades}) != len(grades):
        err("#/grades", "grade thresholds must be distinct")
    if not any(float(g["min_total"]) == 0 for g in grades):
        err("#/grades", "one grade band must start at 0 so every total has a grade")
    if int(doc.get("appeal_window_days", 0)) < 0:
        err("#/appeal_window_days", "must not be negative")
    return errors


def _rule_problems(rule: dict[str, Any], *, manual: bool) -> list[tuple[str, str]]:
    kind = rule.get("kind")
    out: list[tuple[str, str]] = []
    if kind not in RULE_KINDS:
        return [("/kind", f"rule kind must be one of {', '.join(RULE_KINDS)}")]
    if manual != (kind == "manual"):
        out.append(("/kind", "source 'manual' goes with rule 'manual', and only with it"))
    if kind == "linear":
        if rule.get("floor") is None or rule.get("target") is None:
            out.append(("", "a linear rule needs floor and target"))
        elif float(rule["floor"]) == float(rule["target"]):
            out.append(("/target", "target must differ from floor"))
    elif kind == "threshold":
        if rule.get("threshold") is None:
            out.append(("/threshold", "a threshold rule needs threshold"))
        if rule.get("comparator", ">=") not in COMPARATORS:
            out.append(("/comparator", "comparator must be >= or <="))
        if not 0 <= float(rule.get("below_fraction", 0.0)) < 1:
            out.append(("/below_fraction", "below_fraction must be in [0, 1)"))
    elif kind == "ratio":
        if rule.get("target") is None or float(rule["target"]) <= 0:
            out.append(("/target", "a ratio rule needs a positive target"))
    elif kind == "rank":
        if rule.get("better", "higher") not in ("higher", "lower"):
            out.append(("/better", "better must be 'higher' or 'lower'"))
        if not 0 <= float(rule.get("min_fraction", 0.0)) <= 1:
            out.append(("/min_fraction", "min_fraction must be in [0, 1]"))
    return out
