"""SDMX dataflows over the read model's counters: pure rules (no I/O).

Every dataflow has the dimensions ``FREQ, AREA, <two of its own>, TIME_PERIOD``, the primary
measure ``OBS_VALUE`` and the observation attribute ``CONF_STATUS`` (``F`` free, ``C`` confidential:
a village-level count below ``SMALL_CELL`` is withheld). Counters are read from ``view_counter``:
stocks (households and persons by status) are summed over years <= the period, flows are read at
the period's year.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from fupin_monitoring.divisions import NAMES, NAMES_EN, level_of

AGENCY = "FUPIN"
VERSION = "1.0"
SMALL_CELL = 5
TOTAL = "_T"


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


L = Label

STATUS = {
    "applied": L("申请", "Application recorded"), "appraised": L("民主评议通过", "Approved by village appraisal"),
    "identification_notice": L("识别公示中", "Identification public notice"),
    "town_reviewed": L("乡镇审核通过", "Reviewed by the town"), "identified": L("未脱贫", "Identified as poor"),
    "pre_exit": L("预退出", "Pre-exit"), "exit_notice": L("退出公示中", "Exit public notice"),
    "exited": L("已脱贫", "Exited"), "returned": L("返贫", "Returned to poverty"),
    "rejected": L("不予识别", "Not identified"), "removed": L("已清退", "Removed as ineligible"),
}
CAUSE = {
    "illness": L("因病", "Illness"), "disability": L("因残", "Disability"), "schooling": L("因学", "Schooling costs"),
    "disaster": L("因灾", "Natural disaster"), "marriage": L("因婚", "Marriage costs"),
    "lack_of_land": L("缺土地", "Lack of land"), "lack_of_water": L("缺水", "Lack of water"),
    "lack_of_skills": L("缺技术", "Lack of skills"), "lack_of_funds": L("缺资金", "Lack of funds"),
    "lack_of_labour": L("缺劳力", "Lack of labour"), "poor_transport": L("交通条件落后", "Poor transport"),
    "lack_of_motivation": L("自身发展动力不足", "Lack of motivation"), "other": L("其他", "Other"),
    "unknown": L("未知", "Unknown"),
}
EXIT_PATH = {
    "industry": L("产业扶持", "Industry support"), "employment": L("转移就业", "Employment"),
    "asset_income": L("资产收益", "Asset income"), "ecological_compensation": L("生态补偿", "Ecological compensation"),
    "education": L("教育扶智", "Education"), "health": L("健康扶贫", "Health"),
    "social_security": L("社会保障兜底", "Social-security guarantee"), "relocation": L("易地搬迁", "Relocation"),
}
SOURCE_LEVEL = {
    "central": L("中央", "Central"), "province": L("省级", "Provincial"), "city": L("市级", "City"),
    "county": L("县级", "County"), "town": L("镇级", "Town"), "social": L("社会", "Social"),
    "unknown": L("未知", "Unknown"), TOTAL: L("合计", "Total"),
}
REPORT_STATUS = {
    "draft": L("草稿", "Draft"), "submitted": L("已报送", "Submitted"), "accepted": L("已采纳", "Accepted"),
    "returned": L("已退回", "Returned"), "on_time": L("按时报送", "Submitted on time"),
    "late": L("逾期报送", "Submitted late"), "overdue": L("逾期未报", "Overdue"),
}
FREQ = {"A": L("年", "Annual"), "S": L("半年", "Half-yearly"), "Q": L("季", "Quarterly")}
CONF_STATUS = {"F": L("可公开", "Free"), "C": L("保密（小单元抑制）", "Confidential (small-cell suppression)")}


@dataclass(frozen=True)
class Dim:
    id: str
    codelist: str
    label: Label
    codes: Mapping[str, Label]
    """Known codes; codes met in the data are added with their id as the label."""


@dataclass(frozen=True)
class Flow:
    id: str
    label: Label
    dims: tuple[Dim, Dim]
    metrics: Mapping[str, tuple[str | None, str | None]]
    """metric -> (value of dim 1, value of dim 2); ``None`` = the counter's key (``""`` -> ``_T``)."""
    stock: bool = False
    counts: bool = True
    """Counts of households/persons/items (suppressed at village level); money is not."""
    unit: str = "count"

    @property
    def dsd(self) -> str:
        return "DSD_" + self.id[3:]

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return ("FREQ", "AREA", self.dims[0].id, self.dims[1].id)


MEASURE_HH = {"HH": L("户数", "Households"), "PERSONS": L("人数", "Persons")}
MOVE = {"EXIT": L("脱贫退出", "Exit"), "RETURN": L("返贫", "Return to poverty"),
        "NEW_POVERTY": L("新致贫", "New poverty"), "REMOVAL": L("清退", "Removal")}
REASON = {**{k: v for k, v in EXIT_PATH.items()}, **CAUSE, TOTAL: L("合计", "Total")}
MEASURE_FUNDS = {"ALLOCATED": L("下达资金（分）", "Allocated (fen)"),
                 "DISBURSED": L("拨付资金（分）", "Disbursed (fen)")}
UNIT_TOTAL = {TOTAL: L("全部单位", "All units")}

FLOWS: dict[str, Flow] = {f.id: f for f in (
    Flow("DF_HOUSEHOLDS", L("建档立卡户数和人数（按状态、区划、年度）", "Registered households and persons by status, division and year"),
         (Dim("MEASURE", "CL_HH_MEASURE", L("指标", "Measure"), MEASURE_HH),
          Dim("STATUS", "CL_HH_STATUS", L("户状态", "Household status"), STATUS)),
         {"hh_status": ("HH", None), "persons_status": ("PERSONS", None)}, stock=True),
    Flow("DF_EXITS_RETURNS", L("脱贫退出与返贫（按途径、原因）", "Exits and returns by path and cause"),
         (Dim("MOVE", "CL_MOVE", L("变动类型", "Movement"), MOVE),
          Dim("REASON", "CL_REASON", L("途径或原因", "Exit path or cause"), REASON)),
         {"exits": ("EXIT", None), "returns": ("RETURN", None), "new_poverty": ("NEW_POVERTY", None),
          "removals": ("REMOVAL", None)}),
    Flow("DF_FUNDS", L("扶贫资金下达与拨付（按区划、资金来源级次）", "Funds allocated and disbursed by division and source level"),
         (Dim("MEASURE", "CL_FUNDS_MEASURE", L("指标", "Measure"), MEASURE_FUNDS),
          Dim("SOURCE_LEVEL", "CL_SOURCE_LEVEL", L("资金来源级次", "Source level"), SOURCE_LEVEL)),
         {"funds_allocated_level": ("ALLOCATED", None), "funds_allocated": ("ALLOCATED", TOTAL),
          "funds_disbursed": ("DISBURSED", TOTAL)}, counts=False, unit="fen"),
    Flow("DF_REPORTS", L("任务报告报送情况（按单位、期间）", "Task report status by unit and period"),
         (Dim("UNIT", "CL_UNIT", L("责任单位", "Responsible unit"), UNIT_TOTAL),
          Dim("REPORT_STATUS", "CL_REPORT_STATUS", L("报送状态", "Report status"), REPORT_STATUS)),
         {"reports": (TOTAL, "@key"), "reports_submitted": (None, "submitted"), "reports_on_time": (None, "on_time"),
          "reports_late": (None, "late"), "reports_overdue": (None, "overdue")}),
)}

CONCEPTS: dict[str, Label] = {
    "FREQ": L("频率", "Frequency"), "AREA": L("行政区划", "Administrative division"),
    "TIME_PERIOD": L("时间", "Time period"), "OBS_VALUE": L("观测值", "Observation value"),
    "CONF_STATUS": L("保密状态", "Confidentiality status"),
    **{d.id: d.label for f in FLOWS.values() for d in f.dims},
}


def sdmx_id(key: str) -> str:
    """A counter key as an SDMX code id (``""`` is the total)."""
    if not key:
        return TOTAL
    return "".join(c if c.isalnum() or c in "_-@$" else "_" for c in key)


def area_label(code: str) -> Label:
    lvl = level_of(code)
    zh = NAMES.get(code) or {"town": "乡镇", "village": "村"}.get(lvl, "") + " " + code
    en = NAMES_EN.get(code) or f"{lvl} {code}"
    return Label(zh.strip(), en)


@dataclass
class Obs:
    key: tuple[str, ...]
    period: str
    value: float | None
    conf: str = "F"


@dataclass
class Dataset:
    flow: Flow
    observations: list[Obs] = field(default_factory=list)

    def series(self) -> dict[tuple[str, ...], list[Obs]]:
        out: dict[tuple[str, ...], list[Obs]] = defaultdict(list)
        for o in self.observations:
            out[o.key].append(o)
        return dict(sorted(out.items()))


def parse_key(key: str | None, n: int) -> list[set[str] | None]:
    """``A.441223000000+441224000000..`` -> per dimension the allowed values (None = any).
    ``all`` or an empty key mean every series."""
    if key is None or key in ("", "all", "ALL"):
        return [None] * n
    parts = key.split(".")
    if len(parts) != n:
        raise ValueError(f"the key has {len(parts)} parts, the dataflow has {n} dimensions")
    return [set(p.split("+")) if p else None for p in parts]


def parse_period(value: str | None) -> int | None:
    """The year of an SDMX period (``2020``, ``2020-A1``, ``2020-Q3``, ``2020-06-30``)."""
    if value is None or value == "":
        return None
    head = value[:4]
    if not head.isdigit():
        raise ValueError(f"not a period: {value!r}")
    return int(head)


def dim_values(flow: Flow, metric: str, key: str) -> tuple[str, str]:
    first, second = flow.metrics[metric]
    a = sdmx_id(key) if first is None else first
    b = sdmx_id(key) if second in (None, "@key") else second
    return a, b


def build(flow: Flow, rows: Iterable[tuple[str, int, str, str, int]], *, filters: list[set[str] | None],
          start: int | None, end: int | None) -> Dataset:
    """Observations of ``flow`` from counter rows ``(division, year, metric, key, value)``."""
    cells: dict[tuple[str, ...], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    years: set[int] = set()
    for division, year, metric, key, value in rows:
        if metric not in flow.metrics:
            continue
        a, b = dim_values(flow, metric, key)
        cells[("A", division, a, b)][year] += int(value)
        if year > 0:
            years.add(year)
    ds = Dataset(flow)
    for series_key, by_year in cells.items():
        if any(f is not None and v not in f for f, v in zip(filters, series_key, strict=True)):
            continue
        if flow.stock:
            running, points = 0, []
            base = sum(v for y, v in by_year.items() if y <= 0)
            running = base
            for y in sorted(years):
                running += by_year.get(y, 0)
                points.append((y, running))
        else:
            points = sorted((y, v) for y, v in by_year.items() if y > 0)
        for y, v in points:
            if (start is not None and y < start) or (end is not None and y > end):
                continue
            ds.observations.append(observation(flow, series_key, y, v))
    return ds


def observation(flow: Flow, key: tuple[str, ...], year: int, value: int) -> Obs:
    if flow.counts and level_of(key[1]) == "village" and 0 < value < SMALL_CELL:
        return Obs(key, str(year), None, "C")
    return Obs(key, str(year), float(value), "F")


def codes_of(flow: Flow, ds_codes: Mapping[str, Iterable[str]]) -> dict[str, dict[str, Label]]:
    """Codelists of a flow's own dimensions: the known codes plus every code met in the data."""
    out: dict[str, dict[str, Label]] = {}
    for dim in flow.dims:
        codes = dict(dim.codes)
        for c in ds_codes.get(dim.id, ()):
            codes.setdefault(c, Label(c, c.replace("_", " ")))
        out[dim.codelist] = codes
    return out


def is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
