"""Demo data for ``make run``: a realistic funds picture of Zhaoqing for 2018–2020.

Sources of every level and category each year; allocations from the city to all 8 county-level
divisions, from counties to the towns of the provincial relatively-poor villages, and to a project in
each of those villages (one per village over the three years, funded with central, provincial or
integrated money by town); village arrangements posted with a 10-day notice before any money flows;
staged payments by progress, completion, acceptance with performance results; housing-renovation
subsidies paid by construction stage into one-card accounts; allocation-result and fund-use notices;
micro-loans with repayments, a renewal, an extension and a few overdue; photovoltaic and collective
property assets with income distributed; audit findings, most rectified and closed.

Everything goes through the service's own use cases, so every change is an event on ``fupin.funds.v1``.
Idempotent: nothing happens when a fund source already exists. Villages come from the registry's
division data file (read as data, no registry code imported), else from the registry's VillageAssessed
events in the read copy, else a generated set.
"""
from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from fupin_funds.assets import service as assets_service
from fupin_funds.assets.schemas import AssetCreate, DistributionCreate, RecipientIn, ShareIn, SharesUpdate
from fupin_funds.audit import service as audit_service
from fupin_funds.audit.schemas import ClosureCreate, FindingCreate
from fupin_funds.beneficiaries.domain import ELIGIBLE_STATUSES
from fupin_funds.beneficiaries.models import BeneficiaryHousehold, VillageRecord
from fupin_funds.db import FundsUow
from fupin_funds.disclosure import service as disclosure_service
from fupin_funds.disclosure.schemas import DisclosureCreate
from fupin_funds.divisions import CITY_CODE, COUNTY_NAMES, COUNTIES
from fupin_funds.ledger import service as ledger_service
from fupin_funds.ledger.models import FundSource
from fupin_funds.ledger.schemas import AllocationCreate, DisbursementCreate, SourceCreate
from fupin_funds.loans import service as loans_service
from fupin_funds.loans.schemas import ExtensionCreate, LoanCreate, RenewalCreate, RepaymentCreate
from fupin_funds.projects import service as projects_service
from fupin_funds.projects.schemas import ProjectCreate, ResultRecord, TargetCreate, TransitionRequest
from fupin_shared.auth.issuer import ALL_SCOPES
from fupin_shared.auth.principal import Principal
from fupin_shared.http.problems import DomainError

log = logging.getLogger(__name__)

YEARS = (2018, 2019, 2020)
SEED = 441200
ACTOR = Principal(sub="demo:funds", client_id="demo", scopes=frozenset(ALL_SCOPES), division=CITY_CODE)
HOUSING_PER_COUNTY = 3
"""Households per county and year receiving the housing-renovation subsidy in the demo."""

PROJECT_KINDS = [
    # category, name, content, output indicator, unit, (low, high) output, plan task
    ("road", "村道硬底化工程", "硬化通自然村道路{n}公里，宽3.5米", "硬化道路长度", "公里", (1, 6), 14),
    ("water", "农村饮水安全巩固提升工程", "新建蓄水池{n}座，铺设供水管网", "新建蓄水池", "座", (1, 4), 15),
    ("industry", "特色种养产业项目", "扶持贫困户发展砂糖橘、南药等特色种植{n}0亩", "种植面积", "十亩", (5, 30), 1),
    ("asset_income", "村级光伏发电站", "建设{n}0千瓦分布式光伏电站，收益折股量化到村集体", "装机容量", "十千瓦", (5, 20), 3),
    ("infrastructure", "村集体经济物业项目", "建设村集体经营性物业{n}00平方米", "建筑面积", "百平方米", (2, 8), 3),
    ("power_network", "村级网络和电力改造", "新建通信基站并改造低压线路{n}公里", "改造线路", "公里", (2, 9), 16),
    ("education", "村小学改善办学条件", "改造校舍{n}00平方米，添置教学设备", "改造校舍面积", "百平方米", (1, 5), 8),
    ("ecological", "生态公益林管护和人居环境整治", "整治村庄环境，建设污水处理设施{n}处", "污水处理设施", "处", (1, 4), 4),
]
BANKS = ["广东广宁农村商业银行", "怀集农村商业银行", "封开县农村信用合作联社", "德庆农村商业银行", "中国邮政储蓄银行肇庆分行",
         "中国农业银行肇庆分行"]


@dataclass
class Village:
    code: str
    name: str
    town_code: str
    poor: bool


@dataclass
class Geography:
    towns: dict[str, str]
    villages: list[Village]
    source: str

    def poor_villages(self) -> list[Village]:
        return [v for v in self.villages if v.poor]


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


def registry_division_file() -> Path | None:
    """The registry's division data file, located without importing registry code."""
    spec = importlib.util.find_spec("fupin_registry")
    candidates = []
    if spec is not None and spec.submodule_search_locations:
        candidates += [Path(p) / "divisions" / "data" / "zhaoqing.json" for p in spec.submodule_search_locations]
    candidates.append(Path(__file__).resolve().parents[3] / "registry" / "src" / "fupin_registry" / "divisions" / "data"
                      / "zhaoqing.json")
    return next((p for p in candidates if p.is_file()), None)


def geography_from_file(path: Path) -> Geography:
    data = json.loads(path.read_text(encoding="utf-8"))
    towns = {code: name for code, name, *_ in data["towns"]}
    villages = [Village(code, name, town, bool(poor)) for code, name, town, poor, *_ in data["villages"]]
    return Geography(towns=towns, villages=villages, source=str(path))


def generated_geography(poor_codes: list[str]) -> Geography:
    """Villages seen in the registry's events, or a generated set (3 poor villages per county)."""
    if not poor_codes:
        poor_codes = [f"{county[:6]}{100 + t:03d}{200 + v:03d}" for county in COUNTIES for t in range(3) for v in (1,)]
    towns = {code[:9] + "000": f"{COUNTY_NAMES.get(code[:6] + '000000', '')}{code[6:9]}镇" for code in poor_codes}
    villages = [Village(code, f"{code[9:]}村", code[:9] + "000", True) for code in poor_codes]
    return Geography(towns=towns, villages=villages, source="registry events" if poor_codes else "generated")


async def _geography(runtime: Any) -> Geography:
    path = registry_division_file()
    if path is not None:
        return geography_from_file(path)
    async with runtime.sessionmaker() as session:
        codes = list((await session.scalars(select(VillageRecord.village_code).where(
            VillageRecord.provincial_poor_village.is_(True)))).all())
    return generated_geography(sorted(codes))


async def _households_by_village(runtime: Any, codes: set[str], *, wait_seconds: float) -> dict[str, list[uuid.UUID]]:
    """Eligible households of the read copy per village, waiting a little for the registry's events to arrive
    (the registry's demo runs first; its events reach this service through the bus)."""
    deadline = time.monotonic() + wait_seconds
    previous = -1
    while True:
        async with runtime.sessionmaker() as session:
            total = (await session.execute(select(func.count()).select_from(BeneficiaryHousehold))).scalar_one()
        if total and (total == previous or time.monotonic() > deadline):
            break
        if not total and time.monotonic() > deadline:
            break
        previous = total
        await asyncio.sleep(1.0)
    out: dict[str, list[uuid.UUID]] = {}
    async with runtime.sessionmaker() as session:
        rows = await session.execute(select(BeneficiaryHousehold.village_code, BeneficiaryHousehold.household_id).where(
            BeneficiaryHousehold.village_code.in_(sorted(codes)),
            BeneficiaryHousehold.status.in_(sorted(ELIGIBLE_STATUSES))).order_by(BeneficiaryHousehold.household_id))
        for code, hid in rows:
            out.setdefault(code, []).append(hid)
    return out


def _doc(prefix: str, year: int, n: int) -> str:
    return f"{prefix}〔{year}〕{n}号"


async def load_demo(runtime: Any, *, wait_for_registry_seconds: float = 20.0) -> None:
    """Load the demo funds picture once (skipped when any fund source exists)."""
    async with runtime.sessionmaker() as session:
        if (await session.execute(select(func.count()).select_from(FundSource))).scalar_one():
            log.info("funds demo: already loaded")
            return
    started = time.monotonic()
    geography = await _geography(runtime)
    poor = geography.poor_villages()
    log.info("funds demo: %d provincial poor villages (%s)", len(poor), geography.source)
    households = await _households_by_village(runtime, {v.code for v in poor},
                                              wait_seconds=wait_for_registry_seconds)
    log.info("funds demo: %d households of the read copy in those villages",
             sum(len(v) for v in households.values()))
    demo = _Demo(runtime, geography, households)
    for year in YEARS:
        await demo.year(year)
        log.info("funds demo: %d done (%.1fs)", year, time.monotonic() - started)
    await demo.loans()
    await demo.assets()
    await demo.findings()
    log.info("funds demo: loaded in %.1fs: %s", time.monotonic() - started,
             ", ".join(f"{k} {v}" for k, v in sorted(demo.tally.counts.items())))


class _Demo:
    def __init__(self, runtime: Any, geography: Geography, households: dict[str, list[uuid.UUID]]) -> None:
        self.runtime = runtime
        self.geo = geography
        self.households = households
        self.rng = random.Random(SEED)
        self.tally = Tally()
        self.projects: dict[int, list[tuple[uuid.UUID, Village, str]]] = {}
        self.housing_paid: set[uuid.UUID] = set()

    def uow(self) -> FundsUow:
        return self.runtime.uow()

    def _villages_by_county(self) -> dict[str, list[Village]]:
        out: dict[str, list[Village]] = {county: [] for county in COUNTIES}
        for village in self.geo.poor_villages():
            out.setdefault(village.code[:6] + "000000", []).append(village)
        return out

    def _place(self, village: Village) -> str:
        county = COUNTY_NAMES.get(village.code[:6] + "000000", "")
        return f"{county}{self.geo.towns.get(village.town_code, '')}{village.name}"

    async def year(self, year: int) -> None:
        rng = self.rng
        by_county = self._villages_by_county()
        # plan the year's village projects first: the allocations above them follow the money they need
        plans: dict[str, list[tuple[Village, tuple, int]]] = {}
        for county, villages in by_county.items():
            plans[county] = []
            for index, village in enumerate(villages):
                if index % len(YEARS) != YEARS.index(year):
                    continue  # each poor village gets its project in one of the three years
                # every eighth village of a county gets an asset-income project (photovoltaic station)
                kind = PROJECT_KINDS[3] if index % 8 == 0 else PROJECT_KINDS[rng.randrange(len(PROJECT_KINDS))]
                budget = rng.randrange(300_000, 1_500_000, 10_000) * 100
                plans[county].append((village, kind, budget))
        need = {(c, key): sum(b for v, _, b in p if self._funded_by(v) == key) for c, p in plans.items()
                for key in ("central", "provincial", "integrated")}
        housing_need = {c: HOUSING_PER_COUNTY * 4_000_000 if self._county_households(c) else 0 for c in COUNTIES}
        reserve = 500_000 * 100  # 50万 per county and source kept at county level (its balance)

        async with self.uow() as uow:
            central = await ledger_service._register_source(uow, SourceCreate(
                level="central", category="special_fund", year=year, division_code=CITY_CODE,
                document_no=_doc("财农", year, 8 + year % 10), title=f"{year}年中央财政专项扶贫资金",
                amount_fen=sum(need[c, "central"] for c in COUNTIES) + reserve * 8, received_on=date(year, 1, 20)),
                actor=ACTOR)
            provincial = await ledger_service._register_source(uow, SourceCreate(
                level="provincial", category="special_fund", year=year, division_code=CITY_CODE,
                document_no=_doc("粤财农", year, 21 + year % 10), title=f"{year}年省级财政专项扶贫资金",
                amount_fen=sum(need[c, "provincial"] for c in COUNTIES) + reserve * 8,
                received_on=date(year, 1, 25)), actor=ACTOR)
            city = await ledger_service._register_source(uow, SourceCreate(
                level="city", category="special_fund", year=year, division_code=CITY_CODE,
                document_no=_doc("肇财农", year, 5), title=f"{year}年市级财政扶贫资金（含危房改造补助）",
                amount_fen=sum(housing_need.values()) + reserve * 8, received_on=date(year, 2, 1)), actor=ACTOR)
            integrated = await ledger_service._register_source(uow, SourceCreate(
                level="provincial", category="integrated_agri", year=year, division_code=CITY_CODE,
                document_no=_doc("粤财农", year, 60 + year % 10), title=f"{year}年统筹整合涉农资金",
                amount_fen=sum(need[c, "integrated"] for c in COUNTIES) + reserve * 8,
                received_on=date(year, 3, 1)), actor=ACTOR)
            await ledger_service._register_source(uow, SourceCreate(
                level="city", category="social", year=year, division_code=CITY_CODE,
                document_no=_doc("肇扶办", year, 30), title=f"{year}年“广东扶贫济困日”社会帮扶资金",
                amount_fen=3_000_000 * 100, received_on=date(year, 7, 5)), actor=ACTOR)
            self.tally.add("sources", 5)
            county_sources = {}
            for county in ("441223000000", "441224000000", "441225000000", "441226000000"):
                county_sources[county] = await ledger_service._register_source(uow, SourceCreate(
                    level="county", category="special_fund", year=year, division_code=county,
                    document_no=_doc(f"{COUNTY_NAMES[county][:2]}财农", year, 3),
                    title=f"{year}年{COUNTY_NAMES[county]}本级扶贫配套资金", amount_fen=1_000_000 * 100,
                    received_on=date(year, 3, 10)), actor=ACTOR)
                self.tally.add("sources")

            # city → counties (factor method: by the money the county's village projects need, plus a reserve)
            county_allocs: dict[str, dict[str, uuid.UUID]] = {}
            for index, county in enumerate(COUNTIES):
                made = {}
                for key, source, amount in (("central", central, need[county, "central"] + reserve),
                                            ("provincial", provincial, need[county, "provincial"] + reserve),
                                            ("integrated", integrated, need[county, "integrated"] + reserve),
                                            ("city", city, housing_need[county] + reserve)):
                    allocation = await ledger_service._allocate(uow, AllocationCreate(
                        source_id=source.id, division_code=county, amount_fen=amount, year=year,
                        document_no=_doc("肇财农", year, 10 + index), note="按因素法分配"), actor=ACTOR)
                    made[key] = allocation.id
                    self.tally.add("allocations")
                if county in county_sources:
                    made["county"] = county_sources[county].id
                county_allocs[county] = made
            await self._publish(uow, DisclosureCreate(kind="allocation_result", division_code=CITY_CODE, year=year,
                                                      notice_starts_on=date(year, 3, 1)))
            await uow.commit()

        for county, plan in plans.items():
            await self._county_year(year, county, plan, county_allocs[county])

    @staticmethod
    def _funded_by(village: Village) -> str:
        """Which money funds a town's village projects: central, provincial or integrated (by town number)."""
        return ("central", "provincial", "integrated")[int(village.town_code[6:9]) % 3]

    def _county_households(self, county: str) -> bool:
        return any(code.startswith(county[:6]) and ids for code, ids in self.households.items())

    async def _publish(self, uow: FundsUow, request: DisclosureCreate) -> None:
        draft = await disclosure_service._draft(uow, request, actor=ACTOR)
        await disclosure_service._publish(uow, draft.id, actor=ACTOR, expected_version=None)
        self.tally.add("notices")

    async def _county_year(self, year: int, county: str, plan: list[tuple[Village, tuple, int]],
                           allocs: dict[str, uuid.UUID]) -> None:
        rng = self.rng
        towns: dict[str, list[tuple[Village, tuple, int]]] = {}
        for item in plan:
            towns.setdefault(item[0].town_code, []).append(item)
        async with self.uow() as uow:
            town_allocs: dict[str, dict[str, uuid.UUID]] = {}
            for n, (town, items) in enumerate(sorted(towns.items()), start=1):
                name = self.geo.towns.get(town, town)
                key = self._funded_by(items[0][0])
                allocation = await ledger_service._allocate(uow, AllocationCreate(
                    parent_allocation_id=allocs[key], division_code=town, amount_fen=sum(b for _, _, b in items),
                    year=year, recipient=f"{name}人民政府", document_no=_doc(f"{COUNTY_NAMES[county][:2]}扶", year, n)),
                    actor=ACTOR)
                self.tally.add("allocations")
                town_allocs[town] = {key: allocation.id}
            await self._housing(uow, year, county, allocs.get("city"))
            if plan:
                await self._publish(uow, DisclosureCreate(kind="allocation_result", division_code=county, year=year,
                                                          notice_starts_on=date(year, 3, 5)))
            await uow.commit()

        for village, kind, budget in plan:
            try:
                async with self.uow() as uow:
                    await self._village_project(uow, year, village, kind, budget, town_allocs[village.town_code], rng)
                    await uow.commit()
            except DomainError as exc:
                # e.g. a household's status changed in the registry meanwhile: this village's project is left out
                log.warning("funds demo: project of %s %d skipped: %s", village.code, year, exc)

        if year < 2020:
            async with self.uow() as uow:
                for town in sorted(towns):
                    await self._publish(uow, DisclosureCreate(
                        kind="fund_use", division_code=town, year=year, division_name=self.geo.towns.get(town),
                        notice_starts_on=date(year, 12, 30), notice_ends_on=date(year + 1, 1, 8)))
                await uow.commit()

    async def _village_project(self, uow: FundsUow, year: int, village: Village, kind: tuple, budget: int,
                               town_allocs: dict[str, uuid.UUID], rng: random.Random) -> None:
        category, name, content, indicator, unit, (low, high), task = kind
        output = rng.randint(low, high)
        beneficiaries = self.households.get(village.code, [])[:30]
        project = await projects_service._register_project(uow, ProjectCreate(
            name=f"{village.name}{name}", village_code=village.code, category=category,
            content=content.format(n=output), budget_fen=budget, year=year, location=self._place(village),
            responsible_unit=f"{self.geo.towns.get(village.town_code, '')}人民政府", plan_task=task,
            beneficiary_household_ids=beneficiaries,
            targets=[TargetCreate(kind="output", indicator=indicator, unit=unit, target_value=Decimal(output)),
                     TargetCreate(kind="benefit", indicator="带动贫困户增收", unit="户",
                                  target_value=Decimal(max(10, len(beneficiaries)))),
                     TargetCreate(kind="satisfaction", indicator="受益群众满意度", unit="%", target_value=Decimal(90))]),
            actor=ACTOR)
        self.tally.add("projects")
        step = TransitionRequest
        await projects_service._transition(uow, project.id, step(to="approved", on=date(year, 2, 20)), actor=ACTOR,
                                           expected_version=None)
        [town_allocation] = town_allocs.values()
        allocation = await ledger_service._allocate(uow, AllocationCreate(
            parent_allocation_id=town_allocation, division_code=village.code, project_id=project.id,
            amount_fen=budget, year=year, document_no=_doc("镇扶", year, rng.randint(1, 40))), actor=ACTOR)
        allocations = [(allocation.id, budget)]
        self.tally.add("allocations")
        await self._publish(uow, DisclosureCreate(
            kind="village_project_arrangement", division_code=village.code, year=year,
            division_name=f"{self.geo.towns.get(village.town_code, '')}{village.name}", project_ids=[project.id],
            notice_starts_on=date(year, 3, 10), notice_ends_on=date(year, 3, 19)))
        await projects_service._transition(uow, project.id, step(to="implementing", on=date(year, 3, 25)),
                                           actor=ACTOR, expected_version=None)
        # how far the works got: 2018–2019 all accepted; in 2020 most, some still under way
        finish = "accepted" if year < 2020 or rng.random() < 0.8 else rng.choice(["implementing", "completed"])
        stages = [(date(year, 4, 12), 10, 30)]
        stages.append((date(year, 11, 20), 100, 95) if finish in ("completed", "accepted") else
                      (date(year, 8, 15), 60, 70))
        for index, (paid_on, progress, cumulative_pct) in enumerate(stages):
            if progress == 100:
                await projects_service._transition(uow, project.id, step(to="completed", on=date(year, 11, 15)),
                                                   actor=ACTOR, expected_version=None)
            await self._pay_project(uow, project.id, allocations, budget, paid_on, progress,
                                    cumulative_pct - (0 if index == 0 else stages[index - 1][2]))
        if finish == "accepted":
            targets = [t for t in (await uow.projects.targets([project.id]))[project.id] if t.kind != "satisfaction"]
            for target in targets:
                missed = rng.random() < 0.06
                actual = target.target_value * (Decimal("0.8") if missed else Decimal(1))
                await projects_service._record_result(uow, project.id, target.id, ResultRecord(
                    actual_value=actual, measured_on=date(year, 12, 15)), actor=ACTOR, expected_version=None)
            await projects_service._transition(uow, project.id, step(to="accepted", on=date(year, 12, 20)),
                                               actor=ACTOR, expected_version=None)
            await self._pay_project(uow, project.id, allocations, budget, date(year, 12, 28), 100, 5)
        self.projects.setdefault(year, []).append((project.id, village, category))

    async def _pay_project(self, uow: FundsUow, project_id: uuid.UUID, allocations: list[tuple[uuid.UUID, int]],
                           budget: int, paid_on: date, progress: int, pct: int) -> None:
        """Pay ``pct`` per cent of the budget, from each allocation in proportion to its share."""
        for allocation_id, share in allocations:
            amount = share * pct // 100
            if amount <= 0:
                continue
            await ledger_service._disburse(uow, DisbursementCreate(
                allocation_id=allocation_id, project_id=project_id, amount_fen=amount, paid_on=paid_on,
                progress_pct=progress, voucher_no=f"PZ{paid_on:%Y%m%d}{self.rng.randint(100, 999)}"), actor=ACTOR)
            self.tally.add("disbursements")

    async def _housing(self, uow: FundsUow, year: int, county: str, city_alloc: uuid.UUID | None) -> None:
        """Task 10: housing-renovation subsidies for a few households, paid by construction stage."""
        if city_alloc is None:
            return
        candidates = [(code, ids) for code, ids in sorted(self.households.items()) if code.startswith(county[:6])]
        if not candidates:
            return
        code, ids = candidates[(year - 2018) % len(candidates)]
        chosen = [h for h in ids[30:] + ids[:30] if h not in self.housing_paid][:HOUSING_PER_COUNTY]
        if not chosen:
            return
        self.housing_paid.update(chosen)
        village = await ledger_service._allocate(uow, AllocationCreate(
            parent_allocation_id=city_alloc, division_code=code, amount_fen=len(chosen) * 4_000_000, year=year,
            recipient="村民委员会（危房改造补助）", document_no=_doc("住建", year, 12),
            note="农村危房改造补助，按工程进度分期拨付到农户一卡通"), actor=ACTOR)
        self.tally.add("allocations")
        for n, household in enumerate(chosen):
            account = f"6221{household.int % 10**12:012d}"
            for stage, paid_on, amount in (("start", date(year, 5, 10), 1_200_000),
                                           ("main_structure", date(year, 8, 20), 1_600_000),
                                           ("completion", date(year, 11, 30), 1_200_000)):
                if stage == "completion" and year == 2020 and n % 3 == 0:
                    continue
                await ledger_service._disburse(uow, DisbursementCreate(
                    allocation_id=village.id, household_id=household, purpose="housing_renovation", stage=stage,
                    amount_fen=amount, paid_on=paid_on, account_no=account), actor=ACTOR)
                self.tally.add("subsidy_instalments")

    async def loans(self) -> None:
        """Poverty micro-loans (task 21): most repaid, one renewed, one extended, a few overdue."""
        pool = [hid for _, ids in sorted(self.households.items()) for hid in ids[-4:]]
        if not pool:
            log.info("funds demo: no households in the read copy; loans skipped")
            return
        rng = self.rng
        for n, household in enumerate(pool[:60]):
            issued = date(2018 + n % 2, 3 + n % 8, 10)
            principal = rng.choice([20_000, 30_000, 50_000]) * 100
            async with self.uow() as uow:
                loan = await loans_service._issue(uow, LoanCreate(
                    household_id=household, bank=BANKS[n % len(BANKS)], contract_no=f"FPXD{issued:%Y%m}{n:04d}",
                    purpose=rng.choice(["发展种植业", "发展养殖业", "入股合作社", "发展农产品加工"]), principal_fen=principal,
                    issued_on=issued, term_months=36), actor=ACTOR)
                self.tally.add("loans")
                yearly_interest = principal * 435 // 10_000
                due = loan.due_on
                if n % 20 == 7:
                    renewed = await loans_service._renew(uow, loan.id, RenewalCreate(
                        reason="按期付息、信用良好，办理无还本续贷", decided_on=due - timedelta(days=10)), actor=ACTOR,
                        expected_version=None)
                    await loans_service._repay(uow, loan.id, RepaymentCreate(
                        principal_fen=principal, interest_fen=yearly_interest * 3,
                        paid_on=renewed.due_on - timedelta(days=30)), actor=ACTOR)
                elif n % 20 == 11:
                    await loans_service._repay(uow, loan.id, RepaymentCreate(
                        principal_fen=principal // 3, interest_fen=yearly_interest, paid_on=date(issued.year + 1, 3, 1)),
                        actor=ACTOR)
                    extended = await loans_service._extend(uow, loan.id, ExtensionCreate(
                        new_due_on=due.replace(year=due.year + 1), reason="因病住院无法按期还款，协助办理展期",
                        decided_on=due - timedelta(days=20)), actor=ACTOR, expected_version=None)
                    await loans_service._repay(uow, loan.id, RepaymentCreate(
                        principal_fen=principal - principal // 3, interest_fen=yearly_interest * 2,
                        paid_on=extended.due_on - timedelta(days=15)), actor=ACTOR)
                elif n % 20 in (3, 16):
                    await loans_service._repay(uow, loan.id, RepaymentCreate(
                        principal_fen=principal // 2, interest_fen=yearly_interest, paid_on=date(issued.year + 1, 6, 1)),
                        actor=ACTOR)
                else:
                    thirds = [principal // 3, principal // 3, principal - 2 * (principal // 3)]
                    for k, part in enumerate(thirds, start=1):
                        await loans_service._repay(uow, loan.id, RepaymentCreate(
                            principal_fen=part, interest_fen=yearly_interest, paid_on=date(issued.year + k, issued.month, 5)),
                            actor=ACTOR)
                await uow.commit()
        marked = await loans_service.mark_overdue(self.uow())
        self.tally.add("loans_overdue", marked)

    async def assets(self) -> None:
        """Photovoltaic stations and collective property of accepted asset-income projects; income 2019–2020."""
        formed = [(pid, village) for year in (2018, 2019) for pid, village, category in self.projects.get(year, [])
                  if category in ("asset_income", "infrastructure")][:12]
        for project_id, village in formed:
            async with self.uow() as uow:
                project = await uow.projects.get(project_id, within=None)
                if project.status != "accepted":
                    continue
                asset = await assets_service._record_asset(uow, AssetCreate(
                    project_id=project_id, name=project.name.replace("项目", "") + "资产",
                    kind="photovoltaic" if project.category == "asset_income" else "facility",
                    operator=f"{self.geo.towns.get(village.town_code, '')}扶贫开发有限公司", value_fen=project.budget_fen,
                    formed_on=date(project.year, 12, 25)), actor=ACTOR)
                await assets_service._quantify(uow, asset.id, SharesUpdate(shares=[
                    ShareIn(village_code=village.code, share_bp=10_000)]), actor=ACTOR, expected_version=None)
                self.tally.add("assets")
                recipients = self.households.get(village.code, [])[:30]
                for year in range(project.year + 1, 2021):
                    if not recipients:
                        break
                    await assets_service._distribute(uow, asset.id, DistributionCreate(
                        village_code=village.code, year=year, period=str(year), guaranteed_per_household_fen=30_000,
                        dividend_fen=project.budget_fen * 6 // 100, paid_on=date(year, 12, 20),
                        recipients=[RecipientIn(household_id=h, shares=1 + (i % 3 == 0)) for i, h in
                                    enumerate(recipients)]), actor=ACTOR)
                    self.tally.add("asset_distributions")
                await uow.commit()

    async def findings(self) -> None:
        """Audit and spot-check findings (task 20); most rectified and closed, some late, a few still open."""
        cases = [("audit", "major", "idle_funds", "项目资金拨付滞后，结余资金闲置超过半年"),
                 ("spot_check", "minor", "disclosure_missing", "村级项目公示照片资料不全"),
                 ("audit", "serious", "false_claim", "个别农户危房改造补助重复申报"),
                 ("inspection", "minor", "procedure", "项目验收资料签字不完整"),
                 ("spot_check", "major", "out_of_scope", "部分资金用于村委会办公经费，超范围使用"),
                 ("audit", "minor", "performance", "产业项目带贫效益指标未达标"),
                 ("complaint", "minor", "procedure", "群众反映项目施工进度缓慢"),
                 ("audit", "major", "idle_funds", "统筹整合资金年底结余未及时安排"),
                 ("spot_check", "minor", "disclosure_missing", "资金使用情况公告未按时张贴"),
                 ("inspection", "major", "procedure", "项目招投标程序不规范")]
        projects = [(pid, village) for year in (2019, 2020) for pid, village, _ in self.projects.get(year, [])]
        if not projects:
            return
        for n, (kind, severity, category, summary) in enumerate(cases):
            project_id, village = projects[(n * 7) % len(projects)]
            found = date(2019 + n % 2, 9 + n % 3, 12)
            async with self.uow() as uow:
                finding = await audit_service._record_finding(uow, FindingCreate(
                    kind=kind, severity=severity, category=category, summary=summary,
                    auditor="肇庆市审计局" if kind == "audit" else "肇庆市扶贫开发领导小组办公室",
                    found_on=found, rectify_by=found + timedelta(days=60),
                    amount_involved_fen=self.rng.randrange(50_000, 800_000, 1_000) * 100, project_id=project_id),
                    actor=ACTOR)
                self.tally.add("findings")
                if n % 4 != 3:
                    late = n % 5 == 0
                    await audit_service._close(uow, finding.id, ClosureCreate(
                        rectification="已完成整改：资金已按规定拨付，相关资料已补齐并张贴公示",
                        closed_on=found + timedelta(days=75 if late else 40)), actor=ACTOR, expected_version=None)
                await uow.commit()
