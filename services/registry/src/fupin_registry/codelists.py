"""The registry's code lists: every coded field with its Chinese and English labels.

Pure data (no I/O). Codes are stable snake_case identifiers used in the API and in events; the
Chinese labels are what county offices type in their spreadsheets, so the importer accepts a code
or its ``label_zh`` (and a few customary aliases) for every coded column.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    label_zh: str
    label_en: str
    aliases: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CodeList:
    name: str
    label_zh: str
    label_en: str
    codes: tuple[Code, ...]

    @property
    def values(self) -> frozenset[str]:
        return frozenset(c.code for c in self.codes)

    def get(self, code: str) -> Code | None:
        for item in self.codes:
            if item.code == code:
                return item
        return None

    def lookup(self) -> dict[str, str]:
        """Every accepted spelling (code, label_zh, label_en lower-cased, aliases) -> code."""
        out: dict[str, str] = {}
        for item in self.codes:
            for spelling in (item.code, item.label_zh, item.label_en.lower(), *item.aliases):
                out[spelling] = item.code
        return out


def _list(name: str, zh: str, en: str, *codes: Code) -> CodeList:
    return CodeList(name, zh, en, tuple(codes))


C = Code

POVERTY_CAUSE = _list(
    "poverty_cause", "致贫原因", "Cause of poverty",
    C("illness", "因病", "Illness"),
    C("disability", "因残", "Disability"),
    C("schooling", "因学", "Schooling costs"),
    C("disaster", "因灾", "Natural disaster"),
    C("marriage", "因婚", "Marriage costs"),
    C("lack_of_land", "缺土地", "Lack of land"),
    C("lack_of_water", "缺水", "Lack of water"),
    C("lack_of_skills", "缺技术", "Lack of skills"),
    C("lack_of_funds", "缺资金", "Lack of funds"),
    C("lack_of_labour", "缺劳力", "Lack of labour"),
    C("poor_transport", "交通条件落后", "Poor transport"),
    C("lack_of_motivation", "自身发展动力不足", "Lack of motivation"),
    C("other", "其他", "Other"),
)

HOUSEHOLD_STATUS = _list(
    "household_status", "户状态", "Household status",
    C("applied", "申请", "Application recorded"),
    C("appraised", "民主评议通过", "Approved by village democratic appraisal"),
    C("identification_notice", "识别公示中", "Identification public notice"),
    C("town_reviewed", "乡镇审核通过", "Reviewed by the town"),
    C("identified", "未脱贫", "Identified as poor (not yet exited)", aliases=("已识别", "贫困户")),
    C("pre_exit", "预退出", "Pre-exit"),
    C("exit_notice", "退出公示中", "Exit public notice"),
    C("exited", "已脱贫", "Exited (post-exit follow-up)", aliases=("脱贫",)),
    C("returned", "返贫", "Returned to poverty"),
    C("rejected", "不予识别", "Not identified"),
    C("removed", "已清退", "Removed as ineligible", aliases=("清退",)),
)

LIFECYCLE_STEP = _list(
    "lifecycle_step", "业务环节", "Lifecycle step",
    C("appraise", "村民主评议", "Village democratic appraisal"),
    C("start_notice", "识别公示", "Start the identification public notice"),
    C("town_review", "乡镇审核", "Town review (after the notice period)"),
    C("approve", "县级审批", "County approval"),
    C("reject", "不予识别", "Reject the application"),
    C("reapply", "重新申请", "Apply again after a rejection"),
    C("new_poverty", "新致贫纳入", "New poverty from disaster or illness"),
    C("pre_exit", "预退出", "Mark for exit"),
    C("start_exit_notice", "退出公示", "Start the exit public notice"),
    C("cancel_exit", "取消退出", "Cancel the exit procedure"),
    C("exit", "脱贫退出", "Exit"),
    C("follow_up", "后续跟踪", "Post-exit follow-up visit"),
    C("return", "返贫", "Return to poverty"),
    C("remove", "清退", "Removal"),
)

EXIT_PATH = _list(
    "exit_path", "脱贫途径", "Exit path",
    C("industry", "产业扶持", "Industry support", extra={"plan_task": 1}),
    C("employment", "转移就业", "Employment", extra={"plan_task": 5}),
    C("asset_income", "资产收益", "Asset income", extra={"plan_task": 3}),
    C("ecological_compensation", "生态补偿", "Ecological compensation", extra={"plan_task": 4}),
    C("education", "教育扶智", "Education", extra={"plan_task": 8}),
    C("health", "健康扶贫", "Health", extra={"plan_task": 9}),
    C("social_security", "社会保障兜底", "Social-security guarantee", aliases=("兜底保障", "社保兜底"),
      extra={"plan_task": 11}),
    C("relocation", "易地搬迁", "Relocation"),
    C("other", "其他", "Other"),
)

LABOUR_TYPE = _list(
    "labour_type", "劳动能力类型", "Household labour capacity",
    C("labour", "有劳动能力", "With labour capacity", aliases=("有劳动力", "一般贫困户")),
    C("no_labour", "无劳动能力", "Without labour capacity", aliases=("无劳动力", "丧失劳动能力")),
)

GUARANTEE_TYPE = _list(
    "guarantee_type", "保障类型", "Guarantee type",
    C("dibao", "低保", "Minimum living guarantee (dibao)", aliases=("低保户", "低保贫困户")),
    C("tekun", "特困", "Extreme-poverty support (tekun)", aliases=("特困供养", "五保", "特困供养户")),
    C("none", "无", "None", aliases=("否", "")),
)

SEX = _list("sex", "性别", "Sex", C("male", "男", "Male"), C("female", "女", "Female"))

RELATION = _list(
    "relation", "与户主关系", "Relation to the head",
    C("head", "户主", "Head of household", aliases=("本人",)),
    C("spouse", "配偶", "Spouse"),
    C("son", "之子", "Son", aliases=("子",)),
    C("daughter", "之女", "Daughter", aliases=("女",)),
    C("son_in_law", "之女婿", "Son-in-law", aliases=("女婿",)),
    C("daughter_in_law", "之儿媳", "Daughter-in-law", aliases=("儿媳",)),
    C("grandson", "之孙子", "Grandson", aliases=("孙子",)),
    C("granddaughter", "之孙女", "Granddaughter", aliases=("孙女",)),
    C("father", "之父", "Father", aliases=("父亲",)),
    C("mother", "之母", "Mother", aliases=("母亲",)),
    C("sibling", "兄弟姐妹", "Sibling"),
    C("other", "其他", "Other"),
)

HEALTH = _list(
    "health", "健康状况", "Health",
    C("healthy", "健康", "Healthy"),
    C("chronic", "长期慢性病", "Chronic illness"),
    C("serious_illness", "患有大病", "Serious illness", aliases=("大病",)),
    C("disabled", "残疾", "Disabled"),
)

EDUCATION = _list(
    "education", "文化程度", "Education",
    C("preschool", "学龄前儿童", "Pre-school", aliases=("学龄前",)),
    C("illiterate", "文盲或半文盲", "Illiterate", aliases=("文盲",)),
    C("primary", "小学", "Primary school"),
    C("junior", "初中", "Junior secondary"),
    C("senior", "高中", "Senior secondary", aliases=("中专", "职高")),
    C("college", "大专及以上", "College or higher", aliases=("大专", "本科")),
)

LABOUR_SKILL = _list(
    "labour_skill", "劳动技能", "Labour skill",
    C("skilled", "技能劳动力", "Skilled labour"),
    C("ordinary", "普通劳动力", "Ordinary labour"),
    C("weak", "弱劳动力或半劳动力", "Weak or half labour", aliases=("弱劳动力", "半劳动力")),
    C("lost", "丧失劳动力", "Lost labour capacity"),
    C("none", "无劳动力", "No labour (child, student, elderly)"),
)

EMPLOYMENT = _list(
    "employment", "务工状况", "Employment",
    C("none", "无", "Not working away", aliases=("否", "")),
    C("local", "乡镇内务工", "Working in the township"),
    C("county", "乡镇外县内务工", "Working in the county"),
    C("province", "县外省内务工", "Working in the province"),
    C("outside", "省外务工", "Working outside the province"),
    C("self_employed", "自主创业", "Self-employed"),
)

HOUSING_SAFETY = _list(
    "housing_safety", "住房安全等级", "Housing safety grade",
    C("A", "A级(安全)", "A — safe", aliases=("A级", "a")),
    C("B", "B级(基本安全)", "B — basically safe", aliases=("B级", "b")),
    C("C", "C级(局部危险)", "C — partly dangerous", aliases=("C级", "c")),
    C("D", "D级(整体危险)", "D — dangerous", aliases=("D级", "d")),
)

MEASURE_TYPE = _list(
    "measure_type", "帮扶措施类型", "Assistance measure",
    C("industry", "产业帮扶", "Industry", extra={"plan_task": 1}),
    C("employment", "就业帮扶", "Employment", extra={"plan_task": 5}),
    C("education", "教育帮扶", "Education", extra={"plan_task": 8}),
    C("health", "健康帮扶", "Health", extra={"plan_task": 9}),
    C("housing", "危房改造", "Housing renovation", extra={"plan_task": 10}),
    C("asset_income", "资产收益", "Asset income", extra={"plan_task": 3}),
    C("micro_credit", "小额信贷", "Micro-credit", extra={"plan_task": 21}),
    C("social_security", "社会保障", "Social security", extra={"plan_task": 11}),
    C("other", "其他", "Other", extra={"plan_task": None}),
)

LEAVE_REASON = _list(
    "leave_reason", "减员原因", "Reason a member left",
    C("death", "死亡", "Death"),
    C("marriage", "婚嫁", "Married out"),
    C("moved", "迁出", "Moved away"),
    C("military", "服兵役", "Military service"),
    C("public_employment", "财政供养", "Public employment"),
    C("household_split", "分户", "Household split"),
    C("other", "其他", "Other"),
)

REMOVAL_REASON = _list(
    "removal_reason", "清退原因", "Reason for removal",
    C("income_above_line", "收入不符合标准", "Income above the line"),
    C("property", "拥有商品房、车辆或经营实体", "Owns a house, vehicle or business"),
    C("public_employee", "家庭成员财政供养", "A member is publicly employed"),
    C("duplicate", "重复识别", "Registered twice"),
    C("false_information", "虚报信息", "False information"),
    C("household_dissolved", "销户(户内无人)", "Household dissolved (no members left)"),
    C("other", "其他", "Other"),
)

INCOME_CATEGORY = _list(
    "income_category", "收入类别", "Income category",
    C("wage_fen", "工资性收入", "Wages", extra={"sign": 1}),
    C("production_fen", "生产经营性收入", "Production and business income", extra={"sign": 1}),
    C("production_cost_fen", "生产经营性支出", "Production and business costs", extra={"sign": -1}),
    C("property_fen", "财产性收入", "Property income", extra={"sign": 1}),
    C("transfer_fen", "转移性收入", "Transfer income (pensions, dibao, subsidies)", extra={"sign": 1}),
)

DIVISION_LEVEL = _list(
    "division_level", "行政级别", "Division level",
    C("city", "市", "City"), C("county", "县(市、区)", "County"), C("town", "乡镇(街道)", "Town"),
    C("village", "村(社区)", "Village"),
)

VILLAGE_CRITERION = _list(
    "village_exit_criterion", "贫困村出列指标", "Village exit criterion",
    C("income_below_line", "村年人均可支配收入未达标", "Village per-capita income below the line"),
    C("roads_not_hardened", "20户以上自然村未全部路面硬化", "Roads to natural villages of 20+ households not hardened"),
    C("clean_village", "未达整洁村标准", "Clean-village standard not met"),
    C("drinking_water", "饮水不安全", "Drinking water not safe"),
    C("network", "未通网络", "No network"),
    C("no_record", "无年度数据", "No record for the year"),
)

HOUSEHOLD_CRITERION = _list(
    "household_exit_criterion", "贫困户退出指标", "Household exit criterion",
    C("income_below_line", "人均可支配收入未达标", "Per-capita disposable income below the line"),
    C("no_income_record", "无年度收入数据", "No income record for the year"),
    C("no_guarantee_record", "无年度两不愁三保障数据", "No 两不愁三保障 record for the year"),
    C("food", "吃饭未保障", "Food not secure"),
    C("clothing", "穿衣未保障", "Clothing not secure"),
    C("compulsory_education", "义务教育未保障", "A child of compulsory-school age out of school"),
    C("basic_medical", "基本医疗未保障", "Not every member in basic medical insurance"),
    C("housing_safety", "住房不安全", "Housing not safe (grade C or D)"),
    C("drinking_water", "饮水不安全", "Drinking water not safe"),
    C("no_guarantee_coverage", "未纳入低保或特困供养", "Without labour capacity and not covered by dibao or tekun"),
    C("no_line", "无当年贫困线", "No poverty line for the year"),
)

ALL: MappingProxyType[str, CodeList] = MappingProxyType({cl.name: cl for cl in (
    POVERTY_CAUSE, HOUSEHOLD_STATUS, LIFECYCLE_STEP, EXIT_PATH, LABOUR_TYPE, GUARANTEE_TYPE, SEX, RELATION,
    HEALTH, EDUCATION, LABOUR_SKILL, EMPLOYMENT, HOUSING_SAFETY, MEASURE_TYPE, LEAVE_REASON, REMOVAL_REASON,
    INCOME_CATEGORY, DIVISION_LEVEL, VILLAGE_CRITERION, HOUSEHOLD_CRITERION)})

CAUSE_BITS: dict[str, int] = {c.code: 1 << i for i, c in enumerate(POVERTY_CAUSE.codes)}


def cause_mask(causes: list[str] | tuple[str, ...]) -> int:
    """Bit set of poverty causes (an indexable integer for the ``cause`` filter)."""
    mask = 0
    for cause in causes:
        mask |= CAUSE_BITS[cause]
    return mask


def plan_task_for_measure(measure_type: str) -> int | None:
    code = MEASURE_TYPE.get(measure_type)
    return None if code is None else code.extra.get("plan_task")
