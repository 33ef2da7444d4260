"""Code lists with Chinese and English labels (served at /v1/code-lists)."""
from __future__ import annotations

from fupin_tasks.plan.domain import ROLE_LABELS, UNIT_KINDS

REPORT_STATUS = {"on_track": ("按进度推进", "on track"), "at_risk": ("存在风险", "at risk"),
                 "late": ("进度滞后", "late"), "done": ("已完成", "done")}
REPORT_STATE = {"submitted": ("已报送", "submitted"), "returned": ("退回修改", "returned for revision"),
                "accepted": ("已采纳", "accepted")}
PERIOD_KIND = {"quarterly": ("季度分析", "quarterly analysis"), "half_year": ("半年通报", "half-year bulletin"),
               "annual": ("年度报告", "annual report")}
FINDING_KIND = {"supervision": ("督查", "supervision"), "inspection": ("巡查", "inspection"),
                "interview": ("约谈", "interview"), "complaint": ("监督投诉", "complaint")}
FINDING_SEVERITY = {"minor": ("一般", "minor"), "major": ("较重", "major"), "serious": ("严重", "serious")}
FINDING_STATE = {"open": ("待整改", "open"), "evidence_submitted": ("已报整改材料", "evidence submitted"),
                 "closed": ("已销号", "closed")}
MILESTONE_STATUS = {"planned": ("未开始", "planned"), "in_progress": ("推进中", "in progress"),
                    "done": ("已完成", "done"), "dropped": ("已取消", "dropped")}
OVERDUE_KIND = {"report": ("逾期未报", "report not submitted"), "finding": ("整改逾期", "rectification overdue"),
                "target": ("目标未按期完成", "target deadline missed")}


def _entries(table: dict) -> list[dict[str, str]]:  # noqa: ANN001 - dict of code -> (zh, en)
    return [{"code": str(code), "label_zh": zh, "label_en": en} for code, (zh, en) in table.items()]


def code_lists() -> dict[str, list[dict[str, str]]]:
    return {"report_status": _entries(REPORT_STATUS), "report_state": _entries(REPORT_STATE),
            "period_kind": _entries(PERIOD_KIND), "role": _entries(ROLE_LABELS), "unit_kind": _entries(UNIT_KINDS),
            "finding_kind": _entries(FINDING_KIND), "finding_severity": _entries(FINDING_SEVERITY),
            "finding_state": _entries(FINDING_STATE), "milestone_status": _entries(MILESTONE_STATUS),
            "overdue_kind": _entries(OVERDUE_KIND)}
