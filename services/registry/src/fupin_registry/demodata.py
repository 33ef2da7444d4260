"""A realistic, reproducible registry generated from a seed, in the import layout (one row per person).

About 2.3 persons per household; heads skew old; causes, schooling, health and disability, insurance,
labour skills and migrant work drawn from plausible shares; households without labour capacity are
mostly under dibao or tekun; statuses spread over 2016–2020 (most exited by 2020, some not yet, some
returned or removed); incomes spread around the year's line (below it for households still poor, above
it for those who exited); housing grades mostly A/B. ID numbers are valid GB 11643 numbers, unique in
the data set, a few with an area code that no longer exists (441283, 高要市 before 2015).
"""
from __future__ import annotations

import csv
import itertools
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from fupin_registry.divisions import generate as divisions
from fupin_registry.households import idnumber
from fupin_registry.imports import layout
from fupin_registry.imports.reader import Row

FIELD_INDEX = {c.field: i for i, c in enumerate(layout.COLUMNS)}
WIDTH = len(layout.COLUMNS)
GENERATION_LINE_YUAN = {2016: 6530, 2017: 7101, 2018: 8699, 2019: 8699, 2020: 8699}
"""The line incomes are drawn around (2018–2020: the plan's 8,699 yuan; before: 45% of the provincial figure)."""

SURNAMES = "陈李黄梁林张何罗吴刘冯邓谭苏莫欧麦叶钟曾彭蔡潘杨周徐朱胡郭谢"
GIVEN = "伟强明华建国志文军平勇杰德福贵才秀英兰芳玉珍桂花丽红艳霞凤娟梅燕金银宝荣海林春冬雪连娣妹仔"
UNITS = ["县农业农村局", "县教育局", "县卫生健康局", "县人力资源和社会保障局", "县住房和城乡建设局", "县民政局",
         "县供销社", "镇人民政府", "县水务局", "县交通运输局"]
CAUSE_WEIGHTS = [("因病", 30), ("因残", 15), ("缺劳力", 12), ("缺资金", 10), ("缺技术", 10), ("因学", 6),
                 ("因灾", 2), ("缺土地", 3), ("缺水", 1), ("交通条件落后", 3), ("自身发展动力不足", 4), ("因婚", 1),
                 ("其他", 3)]
SIZE_WEIGHTS = [(1, 35), (2, 28), (3, 16), (4, 12), (5, 6), (6, 3)]
EXIT_PATHS = [("产业扶持", 40), ("转移就业", 35), ("资产收益", 6), ("生态补偿", 3), ("教育扶智", 5), ("健康扶贫", 6),
              ("易地搬迁", 1), ("其他", 4)]
OLD_AREA = "441283"  # 高要市, renamed 高要区 (441204) in 2015: a valid number with an area code that is gone


def _pick(rng: random.Random, weighted: list[tuple[object, int]]) -> object:
    roll = rng.random() * sum(w for _, w in weighted)
    for value, weight in weighted:
        roll -= weight
        if roll <= 0:
            return value
    return weighted[-1][0]


class Generator:
    def __init__(self, seed: int = 2017) -> None:
        self.rng = random.Random(seed)
        data = divisions.generate()
        villages = [v for v in data["villages"] if not v[1].endswith("社区")]
        # relatively-poor villages hold many more poor households
        self.villages = [v[0] for v in villages]
        weights = [9.0 if v[3] else (0.3 if v[0].startswith(("441202", "441203")) else 1.0) for v in villages]
        self.cum_weights = list(itertools.accumulate(weights))
        self.used_ids: set[str] = set()
        self.per_village: dict[str, int] = {}

    def _name(self, sex: str) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.8 else "")
        return rng.choice(SURNAMES) + given

    def _id(self, county: str, born: date, sex: str) -> str:
        rng = self.rng
        roll = rng.random()
        area = OLD_AREA if roll < 0.002 else (county if roll < 0.93 else rng.choice(
            ["440103", "440606", "441702", "450481", "450321", "441881"]))
        for _ in range(100):
            seq = rng.randrange(0, 500) * 2 + (1 if sex == "男" else 0)
            number = idnumber.make(area, born, seq)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number
            area = county
        raise RuntimeError("could not find a free ID number")

    def _born(self, age: int, year: int = 2020) -> date:
        return date(year - age, 1, 1) + timedelta(days=self.rng.randrange(365))

    def households(self, count: int) -> Iterator[list[list[str]]]:
        """``count`` households, each a list of rows (cells in the layout's column order)."""
        for _ in range(count):
            yield self.household()

    def household(self) -> list[list[str]]:
        rng = self.rng
        village = rng.choices(self.villages, cum_weights=self.cum_weights)[0]
        county = village[:6]
        serial = self.per_village.get(village, 0) + 1
        self.per_village[village] = serial
        household_no = f"{village}{serial:04d}"
        size = int(_pick(rng, SIZE_WEIGHTS))
        elderly = size <= 2 and rng.random() < 0.55
        head_age = rng.randint(62, 90) if elderly else rng.randint(30, 70)
        head_sex = "男" if rng.random() < 0.8 else "女"
        people = [("户主", head_age, head_sex)]
        if size >= 2:
            people.append(("配偶", max(20, head_age + rng.randint(-6, 4)), "女" if head_sex == "男" else "男"))
        for _ in range(size - len(people)):
            if head_age >= 62 and rng.random() < 0.6:
                sex = rng.choice("男女")
                people.append(("之孙子" if sex == "男" else "之孙女", rng.randint(3, 17), sex))
            elif head_age <= 45 and rng.random() < 0.15:
                sex = rng.choice("男女")
                people.append(("之父" if sex == "男" else "之母", head_age + rng.randint(22, 32), sex))
            else:
                sex = rng.choice("男女")
                people.append(("之子" if sex == "男" else "之女", max(0, head_age - rng.randint(20, 38)), sex))
        members = [self._member(county, relation, age, sex) for relation, age, sex in people]
        can_work = any(m["labour_skill"] in ("技能劳动力", "普通劳动力", "弱劳动力或半劳动力") for m in members)
        no_labour = not can_work or (elderly and rng.random() < 0.6)
        if no_labour:
            for m in members:
                if m["labour_skill"] in ("技能劳动力", "普通劳动力", "弱劳动力或半劳动力"):
                    m["labour_skill"] = "丧失劳动力" if m["health"] != "健康" else "弱劳动力或半劳动力"
        guarantee = ("低保" if rng.random() < 0.7 else ("特困" if size == 1 else "低保")) if no_labour else (
            "低保" if rng.random() < 0.08 else "无")
        causes = [str(_pick(rng, CAUSE_WEIGHTS))]
        if any(m["health"] == "残疾" for m in members) and rng.random() < 0.6:
            causes = ["因残"]
        if rng.random() < 0.4:
            second = str(_pick(rng, CAUSE_WEIGHTS))
            if second not in causes:
                causes.append(second)
        h = self._lifecycle(no_labour)
        for m in members:
            if h["status"] in ("已脱贫", "返贫"):
                m["in_school"] = "是" if 6 <= m["age"] <= 15 else m["in_school"]
                m["medical_insurance"] = "是"
        household = {
            "household_no": household_no, "village_code": village, "labour_type": "无劳动能力" if no_labour else "有劳动能力",
            "guarantee_type": guarantee, "poverty_causes": ";".join(causes),
            "assisting_cadre": self._name(rng.choice("男女")),
            "assisting_cadre_phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            "assisting_unit": divisions_name(county) + rng.choice(UNITS),
            "phone": f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}" if rng.random() < 0.85
            else "",
            "one_card_account": f"62170{rng.randint(10**13, 10**14 - 1)}",
            **h, **self._income(h, size, no_labour, guarantee),
        }
        rows = []
        for index, m in enumerate(members):
            cells = [""] * WIDTH
            values = dict(household) if index == 0 else {"household_no": household_no}
            values.update({k: v for k, v in m.items() if k not in ("age", "born")})
            values["id_number"] = self._id(county, m["born"], m["sex"])
            for name, value in values.items():
                if name in FIELD_INDEX:
                    cells[FIELD_INDEX[name]] = str(value)
            rows.append(cells)
        return rows

    def _member(self, county: str, relation: str, age: int, sex: str) -> dict:
        rng = self.rng
        born = self._born(age)
        health = str(_pick(rng, [("健康", 62 if age < 60 else 40), ("长期慢性病", 18 if age < 60 else 40),
                                 ("患有大病", 7), ("残疾", 8)]))
        if age < 6:
            education = "学龄前儿童"
        elif age < 16:
            education = "小学" if age < 12 else "初中"
        else:
            education = str(_pick(rng, [("文盲或半文盲", 12 if age > 55 else 3), ("小学", 38), ("初中", 38),
                                        ("高中", 10), ("大专及以上", 2)]))
        in_school = "是" if 6 <= age <= 15 and rng.random() < 0.995 else ("是" if 16 <= age <= 19 and
                                                                          rng.random() < 0.5 else "否")
        if age < 16 or in_school == "是":
            skill = "无劳动力"
        elif age >= 65 or health in ("患有大病", "残疾") and rng.random() < 0.7:
            skill = "丧失劳动力" if health != "健康" else "无劳动力"
        else:
            skill = str(_pick(rng, [("普通劳动力", 60), ("技能劳动力", 12), ("弱劳动力或半劳动力", 28)]))
        employment = str(_pick(rng, [("省外务工", 20), ("县外省内务工", 32), ("乡镇外县内务工", 18),
                                     ("乡镇内务工", 12), ("无", 18)])) if skill in ("普通劳动力", "技能劳动力") else "无"
        return {
            "name": self._name(sex), "born": born, "age": age, "sex": sex,
            "birth_date": born.isoformat() if rng.random() < 0.7 else "", "relation": relation,
            "in_school": in_school, "education": education, "health": health,
            "disability_grade": str(rng.choice([1, 2, 3, 4, 4, 3])) if health == "残疾" else "",
            "labour_skill": skill, "employment": employment,
            "medical_insurance": "是" if rng.random() < 0.992 else "否",
            "pension_insurance": "是" if age >= 16 and rng.random() < 0.9 else "否",
        }

    def _lifecycle(self, no_labour: bool) -> dict:
        rng = self.rng
        identified = int(_pick(rng, [(2016, 75), (2017, 12), (2018, 7), (2019, 4), (2020, 2)]))
        roll = rng.random()
        out = {"identified_year": str(identified)}
        if roll < 0.015:
            return {"status": str(_pick(rng, [("申请", 3), ("民主评议通过", 2), ("乡镇审核通过", 1)])),
                    "identified_year": ""}
        if roll < 0.025:
            return {"status": "不予识别", "identified_year": ""}
        if roll < 0.045:
            return {**out, "status": "已清退", "removal_year": str(rng.randint(max(identified, 2016), 2020)),
                    "removal_reason": str(_pick(rng, [("收入不符合标准", 5), ("拥有商品房、车辆或经营实体", 3),
                                                      ("家庭成员财政供养", 2), ("重复识别", 1)]))}
        if roll < 0.125 or identified == 2020:
            return {**out, "status": "未脱贫"}
        if roll < 0.145:
            return {**out, "status": "预退出"}
        exit_year = rng.randint(max(identified, 2016), 2020) if identified < 2019 else rng.randint(identified, 2020)
        path = "社会保障兜底" if no_labour else str(_pick(rng, EXIT_PATHS))
        out.update(status="已脱贫", exit_year=str(exit_year), exit_path=path)
        if roll < 0.16 and exit_year < 2020:
            out.update(status="返贫", return_year=str(rng.randint(exit_year + 1, 2020)),
                       return_cause=rng.choice(["因病", "因病", "因灾", "因残"]))
        return out

    def _income(self, h: dict, size: int, no_labour: bool, guarantee: str) -> dict:
        rng = self.rng
        status = h["status"]
        if status in ("申请", "民主评议通过", "乡镇审核通过", "不予识别", "已清退"):
            return {}
        year = int(h.get("exit_year") or 2020)
        line = GENERATION_LINE_YUAN[year]
        if status in ("已脱贫", "返贫"):
            factor = rng.uniform(1.02, 1.6)
        elif status == "预退出":
            factor = rng.uniform(0.97, 1.2)
        else:
            factor = rng.uniform(0.45, 0.98)
        per_capita = line * factor
        total = per_capita * size
        if no_labour:
            transfer = total * rng.uniform(0.7, 0.95)
            wage = 0.0
            production_net = total - transfer
        else:
            transfer = total * rng.uniform(0.08, 0.25)
            wage = (total - transfer) * rng.uniform(0.5, 0.8)
            production_net = total - transfer - wage
        prop = min(production_net, total * rng.uniform(0, 0.03))
        production_net -= prop
        cost = production_net * rng.uniform(0.2, 0.4)
        exited = status in ("已脱贫", "返贫", "预退出")
        unsafe = not exited and rng.random() < 0.12
        return {
            "income_year": str(year), "wage": f"{wage:.2f}", "production": f"{production_net + cost:.2f}",
            "production_cost": f"{cost:.2f}", "property": f"{prop:.2f}", "transfer": f"{transfer:.2f}",
            "food": "是", "clothing": "是", "compulsory_education": "是", "basic_medical": "是",
            "housing_safety": (rng.choice("CD") if unsafe else rng.choice("AABBB")),
            "drinking_water": "否" if (not exited and rng.random() < 0.05) else "是",
        }


_COUNTY_NAMES = {code[:6]: name for code, name, *_ in divisions.COUNTIES}


def divisions_name(county_prefix: str) -> str:
    return _COUNTY_NAMES.get(county_prefix, "")


def as_rows(households: Iterator[list[list[str]]]) -> Iterator[list[Row]]:
    """Households as the importer's groups (row numbers as in the file, the header being row 1)."""
    number = 1
    fields = [c.field for c in layout.COLUMNS]
    for cells_list in households:
        group = []
        for cells in cells_list:
            number += 1
            group.append((number, {f: v for f, v in zip(fields, cells, strict=True) if v}, cells))
        yield group


def write_csv(path: Path, households: Iterator[list[list[str]]]) -> tuple[int, int]:
    """Write households as a UTF-8 CSV in the import layout; returns (households, persons)."""
    count = persons = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([c.header for c in layout.COLUMNS])
        for rows in households:
            writer.writerows(rows)
            count += 1
            persons += len(rows)
    return count, persons


def write_xlsx(path: Path, households: Iterator[list[list[str]]]) -> tuple[int, int]:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("建档立卡户")
    sheet.append([c.header for c in layout.COLUMNS])
    count = persons = 0
    for rows in households:
        for row in rows:
            sheet.append(row)
        count += 1
        persons += len(rows)
    workbook.save(path)
    return count, persons


def households_for_persons(persons: int) -> int:
    """Households needed for about ``persons`` persons (≈ 2.3 per household)."""
    return max(1, round(persons / 2.3))
