"""Pure rules of public disclosure (公告公示), held as data (the ``disclosure_rule`` table).

Task 20: city and county allocation results are public; town and village project arrangements and
the use of funds are posted for public notice. A rule says which levels a kind of notice covers,
whether it is public, its minimum notice period, and whether money may flow to a project only once
the project's arrangement was posted and the notice period is over.

The notice layout follows the standard 公告公示: sources of funds by level, allocation principles,
a table of project / location / content / amount / responsible unit, and the supervision phone
12317 (the national poverty-alleviation supervision hotline).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

SUPERVISION_PHONE = "12317"
LEVEL_ORDER = ("central", "provincial", "city", "county")
LEVEL_ZH = {"central": "中央", "provincial": "省级", "city": "市级", "county": "县级"}


class Kind(StrEnum):
    ALLOCATION_RESULT = "allocation_result"
    TOWN_PROJECT_ARRANGEMENT = "town_project_arrangement"
    VILLAGE_PROJECT_ARRANGEMENT = "village_project_arrangement"
    FUND_USE = "fund_use"


TITLE_SUFFIX = {
    Kind.ALLOCATION_RESULT: "扶贫资金分配结果公告",
    Kind.TOWN_PROJECT_ARRANGEMENT: "扶贫项目安排公示",
    Kind.VILLAGE_PROJECT_ARRANGEMENT: "扶贫项目安排公示",
    Kind.FUND_USE: "扶贫资金使用情况公告",
}

DEFAULT_PRINCIPLES = {
    Kind.ALLOCATION_RESULT: "按照因素法分配，综合考虑相对贫困人口规模、相对贫困村数量和脱贫攻坚任务，"
                            "向相对贫困村和深度贫困人口倾斜，资金优先用于县级脱贫攻坚项目库内项目。",
    Kind.TOWN_PROJECT_ARRANGEMENT: "项目从县级脱贫攻坚项目库中选取，经镇村两级评议，优先安排带贫效果好、"
                                   "群众受益面广的项目。",
    Kind.VILLAGE_PROJECT_ARRANGEMENT: "项目经村民代表大会民主评议，从县级脱贫攻坚项目库中选取，"
                                      "公示期满无异议后方可实施和拨付资金。",
    Kind.FUND_USE: "资金按工程进度分期分批拨付，专款专用，接受群众监督。",
}


@dataclass(frozen=True, slots=True)
class RuleView:
    kind: str
    division_levels: list[str]
    public: bool
    min_notice_days: int
    gates_disbursement: bool


@dataclass(frozen=True, slots=True)
class Posting:
    """A published notice that posts a project."""

    kind: str
    notice_starts_on: date
    notice_ends_on: date


def gating_kinds(rules: list[RuleView], level: str) -> set[str]:
    """Kinds of notice that must post a project at ``level`` before money flows to it."""
    return {r.kind for r in rules if r.gates_disbursement and level in r.division_levels}


class GateError(StrEnum):
    NOT_POSTED = "arrangement_not_posted"
    NOTICE_NOT_OVER = "notice_period_not_over"


def gate_error(postings: list[Posting], paid_on: date) -> GateError | None:
    """Money may flow on a day after the notice period of a published posting has ended."""
    if not postings:
        return GateError.NOT_POSTED
    if all(p.notice_ends_on >= paid_on for p in postings):
        return GateError.NOTICE_NOT_OVER
    return None


def notice_days(starts_on: date, ends_on: date) -> int:
    """Calendar days of a notice period, both ends included."""
    return (ends_on - starts_on).days + 1


def default_notice_end(starts_on: date, min_notice_days: int) -> date:
    return starts_on + timedelta(days=max(min_notice_days, 1) - 1)


class NoticeError(StrEnum):
    LEVEL_NOT_COVERED = "kind_not_for_this_division_level"
    NOT_PUBLIC = "kind_not_public"
    PERIOD_TOO_SHORT = "notice_period_too_short"
    NOTHING_TO_POST = "nothing_to_post"


def notice_errors(rule: RuleView, *, division_level: str, starts_on: date, ends_on: date,
                  rows: int) -> list[NoticeError]:
    errors: list[NoticeError] = []
    if division_level not in rule.division_levels:
        errors.append(NoticeError.LEVEL_NOT_COVERED)
    if not rule.public:
        errors.append(NoticeError.NOT_PUBLIC)
    if notice_days(starts_on, ends_on) < rule.min_notice_days:
        errors.append(NoticeError.PERIOD_TOO_SHORT)
    if rows == 0:
        errors.append(NoticeError.NOTHING_TO_POST)
    return errors


@dataclass(frozen=True, slots=True)
class NoticeLine:
    """One line of a notice's table, with the part of its amount that came from each source level."""

    project: str
    location: str
    content: str
    amount_fen: int
    responsible_unit: str
    by_level: dict[str, int] = field(default_factory=dict)
    project_id: str | None = None
    allocation_id: str | None = None


@dataclass(frozen=True, slots=True)
class NoticeContent:
    title: str
    sources_by_level: dict[str, int]
    rows: list[dict[str, object]]
    total_amount_fen: int


def build_notice(kind: str, *, division_name: str, year: int, lines: list[NoticeLine]) -> NoticeContent:
    """The standard layout: sources by level (in the order central, provincial, city, county), the
    table numbered from 1, the total. Only public facts: no household, name or account appears."""
    sources = {level: 0 for level in LEVEL_ORDER}
    for line in lines:
        for level, amount in line.by_level.items():
            sources[level] = sources.get(level, 0) + amount
    rows = [{"no": index, "project": line.project, "location": line.location, "content": line.content,
             "amount_fen": line.amount_fen, "responsible_unit": line.responsible_unit,
             "project_id": line.project_id, "allocation_id": line.allocation_id}
            for index, line in enumerate(lines, start=1)]
    title = f"{division_name}{year}年度{TITLE_SUFFIX[Kind(kind)]}"
    return NoticeContent(title=title, sources_by_level=sources, rows=rows,
                         total_amount_fen=sum(line.amount_fen for line in lines))


def yuan_wan(fen: int) -> str:
    """Amounts on notices are in 万元 (10,000 yuan) with four decimals (exact to the yuan)."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    whole, rest = divmod(fen, 1_000_000)
    return f"{sign}{whole}.{rest // 100:04d}"


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"
