"""The import file layout a county office keeps: one row per person, Chinese column headers.

Rows of one household are contiguous and share the household number (户编号); household columns are
read from the household's first row (later rows may repeat them or leave them empty). Coded columns
take the code list's Chinese label (or the code). Money is in yuan with up to two decimals. See
docs/registry-import.md and the template files next to this module.
"""
from __future__ import annotations

from dataclasses import dataclass

from fupin_registry import codelists


@dataclass(frozen=True, slots=True)
class Column:
    field: str
    header: str
    level: str  # "household" or "member"
    required: bool = False
    aliases: tuple[str, ...] = ()
    note: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("household_no", "户编号", "household", True, ("户号",), "unique household number; rows of a household are contiguous"),
    Column("village_code", "村代码", "household", True, ("行政区划代码", "村(社区)代码", "村级代码"), "12-digit village code"),
    Column("status", "户状态", "household", False, ("贫困户状态",), "未脱贫 (default), 已脱贫, 返贫, 预退出, 已清退, 申请 …"),
    Column("identified_year", "识别年度", "household", False, ("建档立卡年度", "纳入年度")),
    Column("labour_type", "劳动能力类型", "household", True, ("户劳动能力",), "有劳动能力 / 无劳动能力"),
    Column("guarantee_type", "保障类型", "household", False, ("贫困户属性", "兜底类型"), "低保 / 特困 / 无"),
    Column("poverty_causes", "致贫原因", "household", True, ("主要致贫原因",), "main cause first; several separated by ; or 、"),
    Column("exit_year", "脱贫年度", "household"),
    Column("exit_path", "脱贫途径", "household"),
    Column("return_year", "返贫年度", "household"),
    Column("return_cause", "返贫原因", "household", note="a cause of poverty"),
    Column("removal_year", "清退年度", "household"),
    Column("removal_reason", "清退原因", "household"),
    Column("assisting_cadre", "帮扶责任人", "household"),
    Column("assisting_cadre_phone", "帮扶责任人电话", "household"),
    Column("assisting_unit", "帮扶单位", "household"),
    Column("phone", "联系电话", "household"),
    Column("one_card_account", "一卡通账号", "household", aliases=("一卡通帐号",)),
    Column("address", "家庭住址", "household"),
    Column("income_year", "收入年度", "household", note="the year of the income and 两不愁三保障 columns"),
    Column("wage", "工资性收入(元)", "household", aliases=("工资性收入",)),
    Column("production", "生产经营性收入(元)", "household", aliases=("生产经营性收入",)),
    Column("production_cost", "生产经营性支出(元)", "household", aliases=("生产经营性支出",)),
    Column("property", "财产性收入(元)", "household", aliases=("财产性收入",)),
    Column("transfer", "转移性收入(元)", "household", aliases=("转移性收入",)),
    Column("food", "不愁吃", "household"),
    Column("clothing", "不愁穿", "household"),
    Column("compulsory_education", "义务教育有保障", "household", aliases=("义务教育保障",)),
    Column("basic_medical", "基本医疗有保障", "household", aliases=("基本医疗保障",)),
    Column("housing_safety", "住房安全等级", "household", note="A / B / C / D"),
    Column("drinking_water", "饮水安全", "household", aliases=("饮水安全有保障",)),
    Column("name", "姓名", "member", True),
    Column("id_number", "证件号码", "member", True, ("身份证号码", "身份证号", "公民身份号码")),
    Column("sex", "性别", "member", note="checked against the ID number; may be empty"),
    Column("birth_date", "出生日期", "member", note="YYYY-MM-DD; checked against the ID number; may be empty"),
    Column("relation", "与户主关系", "member", True),
    Column("in_school", "在校生", "member", aliases=("是否在校生",), note="是 / 否"),
    Column("education", "文化程度", "member"),
    Column("health", "健康状况", "member"),
    Column("disability_grade", "残疾等级", "member", note="1–4"),
    Column("labour_skill", "劳动技能", "member"),
    Column("employment", "务工状况", "member"),
    Column("medical_insurance", "参加基本医疗保险", "member", aliases=("基本医疗保险",), note="是 / 否"),
    Column("pension_insurance", "参加基本养老保险", "member", aliases=("基本养老保险",), note="是 / 否"),
)

BY_FIELD = {c.field: c for c in COLUMNS}
HEADERS: dict[str, str] = {}
for _c in COLUMNS:
    for _h in (_c.header, _c.field, *_c.aliases):
        HEADERS[_h] = _c.field
HOUSEHOLD_FIELDS = tuple(c.field for c in COLUMNS if c.level == "household")
MEMBER_FIELDS = tuple(c.field for c in COLUMNS if c.level == "member")
REQUIRED = tuple(c.field for c in COLUMNS if c.required)
INCOME_FIELDS = ("wage", "production", "production_cost", "property", "transfer")
GUARANTEE_FIELDS = ("food", "clothing", "compulsory_education", "basic_medical", "housing_safety", "drinking_water")

YES = frozenset({"是", "有", "y", "yes", "true", "1", "√", "在校"})
NO = frozenset({"否", "无", "n", "no", "false", "0", "×", "不在校", ""})

LOOKUPS: dict[str, dict[str, str]] = {
    "status": codelists.HOUSEHOLD_STATUS.lookup(),
    "labour_type": codelists.LABOUR_TYPE.lookup(),
    "guarantee_type": codelists.GUARANTEE_TYPE.lookup(),
    "poverty_causes": codelists.POVERTY_CAUSE.lookup(),
    "return_cause": codelists.POVERTY_CAUSE.lookup(),
    "exit_path": codelists.EXIT_PATH.lookup(),
    "removal_reason": codelists.REMOVAL_REASON.lookup(),
    "housing_safety": codelists.HOUSING_SAFETY.lookup(),
    "sex": codelists.SEX.lookup(),
    "relation": codelists.RELATION.lookup(),
    "education": codelists.EDUCATION.lookup(),
    "health": codelists.HEALTH.lookup(),
    "labour_skill": codelists.LABOUR_SKILL.lookup(),
    "employment": codelists.EMPLOYMENT.lookup(),
}


def header_map(header: list[str]) -> tuple[list[str | None], list[str]]:
    """Column index -> field (None for unknown columns), and the problems of the header row."""
    fields: list[str | None] = []
    seen: set[str] = set()
    problems: list[str] = []
    for raw in header:
        name = (raw or "").strip().replace("（", "(").replace("）", ")")
        field = HEADERS.get(name) or HEADERS.get(name.lower())
        if field in seen:
            problems.append(f"column {name!r} appears twice")
            field = None
        if field:
            seen.add(field)
        fields.append(field)
    missing = [BY_FIELD[f].header for f in REQUIRED if f not in seen]
    if missing:
        problems.append("missing required column(s): " + ", ".join(missing))
    return fields, problems


def template_rows() -> list[list[str]]:
    """The header row and two example households (used for the shipped templates)."""
    header = [c.header for c in COLUMNS]

    def row(**values: str) -> list[str]:
        return [values.get(c.field, "") for c in COLUMNS]

    household = dict(household_no="4412230001", village_code="441223101200", status="已脱贫", identified_year="2016",
                     labour_type="有劳动能力", guarantee_type="无", poverty_causes="因病;缺资金", exit_year="2019",
                     exit_path="产业扶持", assisting_cadre="李建国", assisting_unit="广宁县农业农村局",
                     phone="13800138000", one_card_account="6217000012345678", income_year="2019",
                     wage="18000", production="9000", production_cost="2000", property="0", transfer="1200.50",
                     food="是", clothing="是", compulsory_education="是", basic_medical="是", housing_safety="B",
                     drinking_water="是")
    return [
        header,
        row(**household, name="黄大明", id_number="441223197005011236", sex="男", birth_date="1970-05-01",
            relation="户主", education="初中", health="长期慢性病", labour_skill="普通劳动力", employment="县外省内务工",
            medical_insurance="是", pension_insurance="是", in_school="否"),
        row(household_no="4412230001", name="黄小红", id_number="441223201005011243", sex="女",
            birth_date="2010-05-01", relation="之女", in_school="是", education="小学", health="健康",
            labour_skill="无劳动力", medical_insurance="是", pension_insurance="否"),
        row(household_no="4412230002", village_code="441223101200", status="未脱贫", identified_year="2016",
            labour_type="无劳动能力", guarantee_type="低保", poverty_causes="因残", assisting_cadre="李建国",
            assisting_unit="广宁县农业农村局", name="陈秀英", id_number="441223194803020029", relation="户主",
            health="残疾", disability_grade="2", labour_skill="丧失劳动力", medical_insurance="是",
            pension_insurance="是"),
    ]
