"""Demo data for the embedded default: work plans for 2019 and 2020 and a realistic history of
progress reports from the plan's issue (December 2018) to the 2020 annual report — most on time,
some late, some returned for revision, a few never sent — judged for overdue as of each due date,
plus a few supervision findings. Idempotent (skipped once reports exist); deterministic."""
from __future__ import annotations

import asyncio
import logging
import random
import time
from datetime import UTC, date, datetime, timedelta, timezone

from fupin_shared.app import ServiceRuntime
from fupin_shared.auth.principal import Principal
from sqlalchemy.exc import OperationalError

from fupin_tasks.config import TasksConfig, config_for
from fupin_tasks.jobs import demo_done
from fupin_tasks.overdue.service import detect_overdue, plan_obligations
from fupin_tasks.reports.service import HistoricReport, backfill_reports
from fupin_tasks.schedule.domain import Period, PeriodKind
from fupin_tasks.supervision.schemas import EvidenceSubmit, FindingClose, FindingCreate
from fupin_tasks.supervision.service import close_finding, record_finding, submit_evidence
from fupin_tasks.workplans.domain import Milestone, MilestoneStatus
from fupin_tasks.workplans.service import PlannedWork, backfill_work_plans

log = logging.getLogger(__name__)

OFFICE = "市扶贫开发领导小组办公室"
CST = timezone(timedelta(hours=8))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁谢宋郑冯邓"
GIVEN = ["建华", "志强", "丽娟", "海燕", "伟明", "秀英", "国平", "晓东", "振宇", "美玲", "少峰", "春梅", "家豪", "文静"]
POSTS = ["局长", "副局长", "科长", "副科长", "扶贫工作股股长", "办公室主任", "业务骨干"]
MILESTONES = [
    ("制定年度工作方案，明确责任分工", 3),
    ("完成上半年目标任务并报送半年通报", 6),
    ("开展专项督导和问题整改", 9),
    ("完成年度目标任务，形成年度总结报告", 12),
]
# figures an accepted annual or half-year report gives for a task's targets, by period
TARGET_FIGURES = {
    "T01-1": {"2019H1": 88.5, "2019": 97.2, "2020H1": 99.1, "2020": 100.0},
    "T02-1": {"2019": 78.0, "2020H1": 88.0, "2020": 96.5},
    "T03-1": {"2019": True},
    "T07-1": {"2019": 100.0, "2020": 100.0},
    "T07-2": {"2019": 98.6, "2020": 100.0},
    "T08-2": {"2019": 100.0, "2020": 100.0},
    "T09-2": {"2019": 100.0, "2020": 100.0},
    "T10-1": {"2018": 100.0},
    "T11-1": {"2019": 100.0, "2020": 100.0},
    "T14-1": {"2019": 96.0, "2020": 100.0},
    "T14-2": {"2019": 84.0, "2020": 111.0},
    "T16-1": {"2019": 92.0, "2020": 99.2},
    "T16-2": {"2020": 97.5},
    "T16-3": {"2019": 90.0, "2020": 100.0},
    "T21-1": {"2019": 100.0, "2020": 100.0},
    "T21-3": {"2020": 100.0},
    "T23-1": {"2019": 85.0, "2020": 100.0},
    "T25-1": {"2019": 52.0, "2020": 50.0},
    "T25-2": {"2019": 1.0, "2020": 1.0},
    "T29-2": {"2019": 1.0, "2020": 1.0},
}


def _principal(unit: str, *, review: bool = False) -> Principal:
    scopes = {"tasks:read", "tasks:write", *({"tasks:review"} if review else set())}
    return Principal(sub=f"demo:{unit}", client_id="demo", scopes=frozenset(scopes), unit=unit)


def _at(day: date, rng: random.Random) -> datetime:
    """A moment in office hours (UTC+8) on ``day``, as UTC."""
    local = datetime(day.year, day.month, day.day, 9, 0, tzinfo=CST) + timedelta(minutes=rng.randrange(0, 510))
    return local.astimezone(UTC)


def _narrative(unit: str, title: str, period: Period, status: str) -> str:
    tone = {"on_track": "各项工作按计划推进", "at_risk": "部分指标进度偏慢，存在不能按期完成的风险",
            "late": "受资金到位和项目审批影响，进度滞后于计划", "done": "年度目标任务已全面完成"}[status]
    return (f"{unit}{period.label_zh}“{title}”工作情况：{tone}。本期围绕任务分工，细化责任清单，"
            f"加强与牵头单位和县（市、区）的对接，及时协调解决工作中遇到的问题。下一步将对照年度工作方案，"
            f"压实责任、补齐短板，确保按时保质完成任务。")


def _history(duties, config: TasksConfig, titles: dict[int, str], target_ids: dict[int, list[str]],
             rng: random.Random) -> list[HistoricReport]:
    calendar = config.schedule.calendar
    figures_given: set[tuple[str, str]] = set()
    items = []
    for duty in duties:
        period = duty.period
        roll = rng.random()
        if roll < 0.04:
            continue  # never sent: overdue ever since
        rule_days = config.schedule.cadence.rules[period.kind].working_days_after_period_end
        if roll < 0.16:
            submitted_on = calendar.add_working_days(duty.due_on, rng.randint(1, 15))
        else:
            submitted_on = calendar.add_working_days(period.end, rng.randint(2, rule_days))
        final = period.kind is PeriodKind.ANNUAL and period.year == 2020
        status = "done" if final and rng.random() < 0.8 else rng.choices(
            ["on_track", "at_risk", "late"], weights=[84, 11, 5])[0]
        metrics: dict[str, float | bool | int] = {"measures_taken": rng.randint(3, 40),
                                                  "households_reached": rng.randint(20, 2500)}
        if period.kind is not PeriodKind.QUARTERLY:
            for target_id in target_ids.get(duty.task_number, []):
                value = TARGET_FIGURES.get(target_id, {}).get(period.code)
                if value is not None and (target_id, period.code) not in figures_given:
                    metrics[target_id] = value
                    figures_given.add((target_id, period.code))
        submitted_at = _at(submitted_on, rng)
        item = HistoricReport(task_number=duty.task_number, unit=duty.unit, period=period.code, status=status,
                              narrative=_narrative(duty.unit, titles[duty.task_number], period, status),
                              submitted_at=submitted_at, metrics=metrics)
        review = calendar.add_working_days(submitted_on, rng.randint(2, 8))
        if rng.random() < 0.07:
            item.returned_at = _at(review, rng)
            item.return_comment = rng.choice(["数据口径与上期不一致，请核实后重新报送。",
                                              "请补充本期资金使用和项目进度情况。",
                                              "问题分析不够具体，请细化下一步措施。"])
            if rng.random() < 0.85:
                resubmitted = calendar.add_working_days(review, rng.randint(2, 5))
                item.resubmitted_at = _at(resubmitted, rng)
                review = calendar.add_working_days(resubmitted, rng.randint(2, 6))
            else:
                items.append(item)
                continue
        if not (period.year == 2020 and period.kind is PeriodKind.ANNUAL and rng.random() < 0.15):
            item.accepted_at = _at(review, rng)
        items.append(item)
    return items


def _work_plans(cells, titles: dict[int, str], rng: random.Random) -> list[PlannedWork]:
    plans = []
    for task_number, unit in cells:
        for year in (2019, 2020):
            milestones = []
            for text, month in MILESTONES:
                due_on = date(year, month, 28)
                done = year == 2019 or month <= 9 or rng.random() < 0.6
                status = MilestoneStatus.DONE if done else MilestoneStatus.IN_PROGRESS
                if year == 2019 and rng.random() < 0.03:
                    status = MilestoneStatus.DROPPED
                milestones.append(Milestone(
                    title=text, due_on=due_on, owner_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    owner_post=rng.choice(POSTS), status=status,
                    done_on=due_on - timedelta(days=rng.randint(0, 20)) if status is MilestoneStatus.DONE else None))
            plans.append(PlannedWork(task_number=task_number, unit=unit, year=year,
                                     summary=f"{unit}落实“{titles[task_number]}”{year}年度工作计划（分解到年、落实到人）",
                                     milestones=milestones))
    return plans


FINDINGS = [
    # kind, severity, unit, division, task, title, found on, days to rectify, evidence after, closed after
    ("supervision", "major", "市住房城乡建设局", None, 10, "农村危房改造资金拨付进度滞后",
     date(2019, 4, 16), 45, 30, 8),
    ("inspection", "serious", None, "441223000000", 20, "扶贫项目资金使用公告公示不及时、不规范",
     date(2019, 6, 11), 60, 70, 10),
    ("interview", "major", "市水务局", None, 15, "部分相对贫困村饮水安全工程推进缓慢，约谈分管负责人",
     date(2019, 9, 3), 90, 60, 12),
    ("complaint", "minor", "市民政局", None, 11, "群众投诉低保对象认定不精准", date(2019, 11, 20), 30, 20, 5),
    ("supervision", "minor", "市教育局", None, 8, "教育生活费补助发放台账不完整", date(2020, 3, 18), 30, 35, None),
    ("inspection", "major", None, "441224000000", 24, "贫困人口动态调整不及时，存在应退未退问题",
     date(2020, 5, 12), 60, None, None),
    ("supervision", "serious", "市农业局", None, 1, "部分扶贫产业项目带贫机制不健全", date(2020, 8, 25), 60, 40, 6),
    ("interview", "major", None, "441226000000", 25, "县级党政一把手专题调研天数未达要求",
     date(2020, 10, 9), 45, None, None),
]
KIND_ZH = {"supervision": "督查", "inspection": "巡查", "interview": "约谈", "complaint": "监督投诉"}


async def _findings(runtime: ServiceRuntime, config: TasksConfig, rng: random.Random) -> int:
    async with runtime.uow() as uow:
        if await uow.findings.any():
            return 0
    office = _principal(OFFICE, review=True)
    count = 0
    for kind, severity, unit, division, task, title, found_on, days, evidence_after, closed_after in FINDINGS:
        rectify_by = found_on + timedelta(days=days)
        finding = await _retrying(record_finding, runtime.uow(), FindingCreate(
            kind=kind, severity=severity, title=title, found_on=found_on, rectify_by=rectify_by, task_number=task,
            unit=unit, division_code=division,
            description=f"{found_on.year}年脱贫攻坚{KIND_ZH[kind]}发现：{title}。请于{rectify_by}前完成整改并报送整改材料。"),
            actor=office, config=config, now=_at(found_on, rng))
        count += 1
        if evidence_after is None:
            continue
        responsible = _principal(unit) if unit else Principal(sub=f"demo:{division}", client_id="demo",
                                                                scopes=frozenset({"tasks:read", "tasks:write"}),
                                                                division=division)
        submitted_on = found_on + timedelta(days=evidence_after)
        finding = await _retrying(submit_evidence, runtime.uow(), finding.id, EvidenceSubmit(
            description="已制定整改方案，逐项整改到位，相关台账已补齐并公示。",
            rectified_on=submitted_on - timedelta(days=2),
            documents=[{"title": "整改情况报告", "reference": f"整改〔{submitted_on.year}〕{rng.randint(10, 99)}号"}]),
            actor=responsible, config=config, expected_version=finding.version, now=_at(submitted_on, rng))
        if closed_after is not None:
            closed_on = submitted_on + timedelta(days=closed_after)
            closing = FindingClose(closed_on=closed_on, comment="经核查，整改到位，同意销号。")
            await _retrying(close_finding, runtime.uow(), finding.id, closing, actor=office, config=config,
                            expected_version=finding.version, now=_at(closed_on, rng))
    return count


async def load_demo(runtime: ServiceRuntime) -> None:
    """Load the demo history once (skipped when reports exist); the overdue job starts after it."""
    try:
        await _load(runtime)
    finally:
        demo_done(runtime).set()


async def _retrying(step, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    """Run one demo step, again if SQLite was busy (the embedded default's consumers catch up on a
    large registry import at the same time). Every step is idempotent or wrote nothing when refused."""
    for attempt in range(6):
        try:
            return await step(*args, **kwargs)
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == 5:
                raise
            log.info("tasks demo: database busy, retrying %s", step.__name__)
            await asyncio.sleep(1 + attempt)
    return None


async def _load(runtime: ServiceRuntime) -> None:
    started = time.perf_counter()
    config = config_for(runtime.settings)
    async with runtime.uow() as uow:
        plan = await uow.plans.plan()
        if await uow.reports.submitted_on(plan.id) and await uow.findings.any():
            log.info("tasks demo: already loaded")
            return
        duties = await plan_obligations(uow, plan, config)
        titles = {t.number: t.title for t in await uow.plans.tasks(plan.id)}
        target_ids = {t.number: list(t.target_ids or []) for t in await uow.plans.tasks(plan.id)}
        units = await uow.plans.units_by_name()
        cells = [(c.task_number, c.unit) for c in await uow.plans.cells(plan.id) if not units[c.unit].collective]
    rng = random.Random(20181210)
    plans = _work_plans(cells, titles, rng)
    filed = await _retrying(backfill_work_plans, runtime.uow(), plans, actor=f"demo:{OFFICE}", plan_id=plan.id)
    log.info("tasks demo: %d work plans", filed)
    history = _history(duties, config, titles, target_ids, rng)
    reports = await _retrying(backfill_reports, runtime.uow(), history, config=config, reviewer=f"demo:{OFFICE}",
                              actor="demo:departments", plan_id=plan.id)
    log.info("tasks demo: %d reports (%d obligations)", reports, len(duties))
    findings = await _findings(runtime, config, rng)
    checks = sorted({config.schedule.calendar.add_working_days(d.due_on, 1) for d in duties}
                    | {date(2020, 1, 2), date(2021, 1, 4)})
    overdue = 0
    for today in checks:
        result = await _retrying(detect_overdue, runtime.uow(), today=today, config=config, actor="demo:overdue-job")
        overdue += result.reports + result.findings + result.targets
    log.info("tasks demo: %d findings; %d overdue notices over %d historical checks; %.1f s",
             findings, overdue, len(checks), time.perf_counter() - started)
