"""Pure rules of the yearly records: per-capita disposable income, 两不愁三保障 compliance, and the
household exit check against the year's line (action plan 一(二) 目标任务; tasks 11, 12, 24)."""
from __future__ import annotations

from dataclasses import dataclass

SAFE_HOUSING = frozenset({"A", "B"})
"""Grades C (局部危险) and D (整体危险) are dangerous housing (task 10)."""
GUARANTEE_COVERAGE = frozenset({"dibao", "tekun"})


@dataclass(frozen=True, slots=True)
class Income:
    wage_fen: int = 0
    production_fen: int = 0
    production_cost_fen: int = 0
    property_fen: int = 0
    transfer_fen: int = 0

    @property
    def disposable_fen(self) -> int:
        """Disposable income: wages + net production and business income + property + transfers."""
        return self.wage_fen + self.production_fen - self.production_cost_fen + self.property_fen + self.transfer_fen


def per_capita_fen(income: Income, persons: int) -> int:
    """Per-capita disposable income in fen, rounded down (a household never reaches a line by rounding)."""
    if persons < 1:
        raise ValueError("a household has at least one person")
    return income.disposable_fen // persons


@dataclass(frozen=True, slots=True)
class Guarantees:
    food: bool
    clothing: bool
    compulsory_education: bool
    basic_medical: bool
    housing_safety: str
    drinking_water: bool

    @property
    def compliant(self) -> bool:
        """两不愁三保障 + safe drinking water all hold."""
        return not unmet_guarantees(self)


def unmet_guarantees(g: Guarantees) -> list[str]:
    checks = {"food": g.food, "clothing": g.clothing, "compulsory_education": g.compulsory_education,
              "basic_medical": g.basic_medical, "housing_safety": g.housing_safety in SAFE_HOUSING,
              "drinking_water": g.drinking_water}
    return [name for name, met in checks.items() if not met]


@dataclass(frozen=True, slots=True)
class Failure:
    criterion: str
    detail: str


@dataclass(frozen=True, slots=True)
class ExitEvidence:
    labour_type: str | None
    guarantee_type: str
    per_capita_income_fen: int | None
    guarantees: Guarantees | None
    members_out_of_school: int = 0
    """Members of compulsory-school age (6–15) recorded as not in school."""
    members_uninsured: int = 0
    """Active members without basic medical insurance."""


@dataclass(frozen=True, slots=True)
class ExitCheck:
    eligible: bool
    track: str
    """``income`` (households with labour capacity) or ``social_security`` (兜底, without)."""
    failed: tuple[Failure, ...]


def track_for(labour_type: str | None) -> str:
    return "social_security" if labour_type == "no_labour" else "income"


def household_exit_check(e: ExitEvidence, line_fen: int | None) -> ExitCheck:
    """Every criterion a household must meet to exit, each failure named.

    Households with labour capacity: per-capita disposable income at or above the year's line, and
    两不愁三保障 + drinking water. Households without labour capacity exit through the social-security
    guarantee track (tasks 11 and 12): covered by dibao or tekun, and 两不愁三保障 + water — the
    income line does not apply to them."""
    track = track_for(e.labour_type)
    failed: list[Failure] = []
    if track == "income":
        if line_fen is None:
            failed.append(Failure("no_line", "no poverty line is set for the year"))
        elif e.per_capita_income_fen is None:
            failed.append(Failure("no_income_record", "no income is recorded for the year"))
        elif e.per_capita_income_fen < line_fen:
            failed.append(Failure("income_below_line",
                                  f"per-capita disposable income {e.per_capita_income_fen} fen is below the line "
                                  f"{line_fen} fen"))
    elif e.guarantee_type not in GUARANTEE_COVERAGE:
        failed.append(Failure("no_guarantee_coverage",
                              "a household without labour capacity exits only under dibao or tekun coverage"))
    if e.guarantees is None:
        failed.append(Failure("no_guarantee_record", "两不愁三保障 is not assessed for the year"))
    else:
        details = {"food": "food (不愁吃) not secure", "clothing": "clothing (不愁穿) not secure",
                   "compulsory_education": "compulsory education not guaranteed",
                   "basic_medical": "basic medical insurance not guaranteed",
                   "housing_safety": f"housing grade {e.guarantees.housing_safety} is not safe (A or B)",
                   "drinking_water": "drinking water not safe"}
        for name in unmet_guarantees(e.guarantees):
            failed.append(Failure(name, details[name]))
    names = {f.criterion for f in failed}
    if e.members_out_of_school and "compulsory_education" not in names:
        failed.append(Failure("compulsory_education",
                              f"{e.members_out_of_school} member(s) of compulsory-school age not in school"))
    if e.members_uninsured and "basic_medical" not in names:
        failed.append(Failure("basic_medical", f"{e.members_uninsured} member(s) without basic medical insurance"))
    return ExitCheck(eligible=not failed, track=track, failed=tuple(failed))


def plan_task_valid(task: int | None) -> bool:
    return task is None or 1 <= task <= 32
