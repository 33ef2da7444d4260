"""Code lists of the funds service with Chinese and English labels (served at /v1/code-lists)."""
from __future__ import annotations

from enum import StrEnum


class SourceLevel(StrEnum):
    CENTRAL = "central"
    PROVINCIAL = "provincial"
    CITY = "city"
    COUNTY = "county"


class SourceCategory(StrEnum):
    SPECIAL_FUND = "special_fund"
    INTEGRATED_AGRI = "integrated_agri"
    EAST_WEST = "east_west"
    SOCIAL = "social"
    PAIRED_ASSISTANCE = "paired_assistance"
    OTHER = "other"


class ProjectCategory(StrEnum):
    INDUSTRY = "industry"
    INFRASTRUCTURE = "infrastructure"
    HOUSING = "housing"
    EDUCATION = "education"
    HEALTH = "health"
    EMPLOYMENT = "employment"
    WATER = "water"
    ROAD = "road"
    POWER_NETWORK = "power_network"
    ASSET_INCOME = "asset_income"
    ECOLOGICAL = "ecological"
    OTHER = "other"


LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "source_level": {
        "central": ("中央", "Central government"), "provincial": ("省级", "Provincial"),
        "city": ("市级", "City"), "county": ("县级", "County")},
    "source_category": {
        "special_fund": ("财政专项扶贫资金", "Special fiscal poverty-alleviation fund"),
        "integrated_agri": ("统筹整合涉农资金", "Integrated agriculture-related funds"),
        "east_west": ("东西部协作资金", "East–West cooperation funds"),
        "social": ("社会帮扶资金", "Social assistance funds"),
        "paired_assistance": ("对口帮扶资金", "Paired-assistance funds"),
        "other": ("其他资金", "Other funds")},
    "project_category": {
        "industry": ("产业发展", "Industry development"), "infrastructure": ("基础设施", "Infrastructure"),
        "housing": ("危房改造", "Housing renovation"), "education": ("教育扶贫", "Education"),
        "health": ("健康扶贫", "Health"), "employment": ("就业扶贫", "Employment"),
        "water": ("饮水安全", "Drinking water"), "road": ("交通道路", "Roads"),
        "power_network": ("电力和网络", "Power and network"), "asset_income": ("资产收益", "Asset income"),
        "ecological": ("生态扶贫", "Ecological"), "other": ("其他", "Other")},
    "project_status": {
        "reserve": ("储备", "In reserve"), "approved": ("审批", "Approved"),
        "implementing": ("实施", "Being implemented"), "completed": ("完工", "Completed"),
        "accepted": ("验收", "Accepted")},
    "disbursement_purpose": {
        "project": ("项目资金", "Project payment"),
        "housing_renovation": ("危房改造补助", "Housing-renovation subsidy"),
        "industry_subsidy": ("产业奖补", "Industry subsidy"),
        "education_subsidy": ("教育补助", "Education subsidy"),
        "employment_subsidy": ("就业补贴", "Employment subsidy"),
        "other_subsidy": ("其他补助", "Other subsidy")},
    "target_kind": {
        "output": ("产出指标", "Output indicator"), "benefit": ("效益指标", "Benefit indicator"),
        "satisfaction": ("满意度指标", "Satisfaction indicator"), "cost": ("成本指标", "Cost indicator"),
        "timeliness": ("时效指标", "Timeliness indicator")},
    "disclosure_kind": {
        "allocation_result": ("资金分配结果公开", "Allocation results"),
        "town_project_arrangement": ("镇级项目安排公示", "Town project arrangement"),
        "village_project_arrangement": ("村级项目安排公示", "Village project arrangement"),
        "fund_use": ("资金使用情况公告", "Use of funds")},
    "loan_status": {
        "current": ("正常", "Current"), "extended": ("已展期", "Extended (展期)"),
        "renewed": ("无还本续贷", "Renewed without principal repayment"),
        "overdue": ("逾期", "Overdue"), "repaid": ("已结清", "Repaid")},
    "asset_kind": {
        "photovoltaic": ("光伏电站", "Photovoltaic station"),
        "enterprise_equity": ("企业股权", "Equity in an enterprise"),
        "cooperative_equity": ("合作社股权", "Equity in a cooperative"),
        "facility": ("生产设施", "Production facility"), "other": ("其他资产", "Other asset")},
    "finding_kind": {
        "audit": ("审计", "Audit"), "spot_check": ("专项抽查", "Spot check"),
        "inspection": ("督查巡查", "Inspection"), "complaint": ("监督投诉", "Complaint")},
    "finding_severity": {
        "minor": ("一般", "Minor"), "major": ("较重", "Major"), "serious": ("严重", "Serious")},
    "finding_category": {
        "misappropriation": ("挤占挪用", "Misappropriation"),
        "false_claim": ("虚报冒领", "False claims"),
        "idle_funds": ("资金闲置", "Idle funds"),
        "out_of_scope": ("超范围使用", "Use outside the permitted scope"),
        "disclosure_missing": ("公告公示不到位", "Disclosure missing"),
        "procedure": ("程序不规范", "Procedural irregularity"),
        "performance": ("绩效目标未实现", "Performance targets missed"),
        "other": ("其他", "Other")},
}


def labels(list_name: str) -> list[dict[str, str]]:
    return [{"code": code, "label_zh": zh, "label_en": en} for code, (zh, en) in LABELS[list_name].items()]


def label_zh(list_name: str, code: str | None) -> str:
    if code is None:
        return ""
    return LABELS.get(list_name, {}).get(code, (code, code))[0]
