"""Targets: when one is met, when its deadline is missed, and the figures registry and funds hold.

Where the registry or funds hold a target's figure (e.g. G04, 111 provincial villages exited), the
figure is computed from their events (``target_feeds.json`` says which); other targets take the
figure an accepted progress report gives for them.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

CITY_AND_COUNTY_PREFIX_LENGTH = 6


def is_met(comparator: str | None, target: float | None, target_max: float | None, value: float | None) -> bool:
    """``=`` means the figure is reached (a count of 111 villages, 100 %; a target of 0 means none
    left); ``>=``/``<=`` compare; ``range`` lies within [value, value_max]. A qualitative target
    (no figure) is met when reported achieved (1)."""
    if value is None:
        return False
    if comparator is None or target is None:
        return value >= 1
    if comparator == "=":
        return value <= 0 if target == 0 else value >= target
    if comparator == ">=":
        return value >= target
    if comparator == "<=":
        return value <= target
    if comparator == "range":
        return target <= value <= (target_max if target_max is not None else target)
    return False


def is_missed(*, judged_on: date | None, met_at_deadline: bool, already_missed: bool, today: date) -> bool:
    """The deadline is judged once the figure as of the deadline is known (``judged_on``, see
    :func:`judgement_day`); missed when that figure does not meet the target. Published once."""
    return judged_on is not None and judged_on < today and not met_at_deadline and not already_missed


def judgement_day(deadline: date | None, *, fed: bool, report_due: date | None) -> date | None:
    """When a deadline can be judged: a fed target at the deadline itself (its figure is live); a
    reported target when the report of the period ending on the deadline is due (the 2019 annual
    report, due early 2020, gives the figure at the end of 2019), or the deadline when no period
    ends on it."""
    if deadline is None:
        return None
    if fed or report_due is None:
        return deadline
    return max(deadline, report_due)


@dataclass(frozen=True)
class Counts:
    """Raw counts from the read copies of registry and funds events."""

    households_identified: int = 0
    households_exited: int = 0
    persons_identified: int = 0
    households_assessed: int = 0
    housing_and_water_safe: int = 0
    drinking_water_safe: int = 0
    basic_medical_insured: int = 0
    child_out_of_school: int = 0
    provincial_villages: int = 0
    provincial_villages_exited: int = 0
    allocations_city_county: int = 0
    allocations_disclosed: int = 0
    funds_allocated_fen: int = 0
    funds_disbursed_fen: int = 0


def pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


FIGURE_LABELS = {
    "households_identified": ("建档立卡相对贫困户数", "households identified as poor"),
    "persons_identified": ("建档立卡相对贫困人口数", "persons identified as poor"),
    "households_exited": ("已脱贫户数", "households exited"),
    "household_exit_rate_pct": ("相对贫困户脱贫比例 (%)", "households exited, % of identified"),
    "households_assessed": ("已核查两不愁三保障户数", "households with a guarantees check"),
    "housing_and_water_safe_pct": ("住房和饮水安全户比例 (%)", "housing and drinking water safe, %"),
    "drinking_water_safe_pct": ("饮水安全户比例 (%)", "drinking water safe, %"),
    "basic_medical_insured_pct": ("参加基本医疗保险户比例 (%)", "all members in basic medical insurance, %"),
    "households_with_child_out_of_school": ("有义务教育阶段子女失学辍学的户数",
                                            "households with a compulsory-age child out of school"),
    "provincial_villages": ("省定相对贫困村数", "provincial relatively-poor villages known"),
    "provincial_villages_exited": ("省定相对贫困村出列数", "provincial relatively-poor villages exited"),
    "allocations_city_county": ("市、县级资金分配笔数", "city and county allocations"),
    "allocations_disclosed_pct": ("市、县资金分配结果公开比例 (%)", "city and county allocations disclosed, %"),
    "funds_allocated_fen": ("下达资金（分）", "funds allocated (fen)"),
    "funds_disbursed_fen": ("支出资金（分）", "funds disbursed (fen)"),
    "funds_spending_rate_pct": ("资金支出率 (%)", "funds disbursed, % of allocated"),
}


def compute_figures(c: Counts) -> dict[str, float | None]:
    """The figures targets and the task view use, from raw counts (None when nothing is known yet)."""
    return {
        "households_identified": float(c.households_identified),
        "persons_identified": float(c.persons_identified),
        "households_exited": float(c.households_exited),
        "household_exit_rate_pct": pct(c.households_exited, c.households_identified),
        "households_assessed": float(c.households_assessed),
        "housing_and_water_safe_pct": pct(c.housing_and_water_safe, c.households_assessed),
        "drinking_water_safe_pct": pct(c.drinking_water_safe, c.households_assessed),
        "basic_medical_insured_pct": pct(c.basic_medical_insured, c.households_assessed),
        "households_with_child_out_of_school": float(c.child_out_of_school) if c.households_assessed else None,
        "provincial_villages": float(c.provincial_villages),
        "provincial_villages_exited": (float(c.provincial_villages_exited)
                                       if c.provincial_villages or c.provincial_villages_exited else None),
        "allocations_city_county": float(c.allocations_city_county),
        "allocations_disclosed_pct": pct(c.allocations_disclosed, c.allocations_city_county),
        "funds_allocated_fen": float(c.funds_allocated_fen),
        "funds_disbursed_fen": float(c.funds_disbursed_fen),
        "funds_spending_rate_pct": pct(c.funds_disbursed_fen, c.funds_allocated_fen),
    }


@dataclass(frozen=True)
class Feed:
    figure: str
    source: str


def feeds_from_data(data: Mapping[str, Any]) -> dict[str, Feed]:
    return {target_id: Feed(figure=f["figure"], source=f.get("source", "registry"))
            for target_id, f in (data.get("feeds") or {}).items()}


def housing_safe(grade: str | None) -> bool | None:
    """Housing safety grades A and B are safe; C and D are dangerous houses (危房)."""
    if grade is None:
        return None
    return grade.strip().upper() in {"A", "B"}


def is_city_or_county(division_code: str | None) -> bool:
    """City and county allocations are the ones the plan requires to be public (task 20)."""
    if division_code is None or len(division_code) != 12:
        return False
    return division_code[CITY_AND_COUNTY_PREFIX_LENGTH:] == "0" * (12 - CITY_AND_COUNTY_PREFIX_LENGTH)


_IDENTIFIED_STATUSES = frozenset({"identified", "pre_exit", "exit_notice", "exited", "returned"})


def household_flags(status: str) -> tuple[bool, bool, bool]:
    """(identified, exited, removed) from the registry's household status: identified poor
    households (建档立卡) are those approved and not removed; applicants and rejected ones are not."""
    return status in _IDENTIFIED_STATUSES, status == "exited", status == "removed"
