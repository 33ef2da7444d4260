"""The result page of one subject, in Chinese: every indicator with its weight, score and the
evidence it cites, the deductions, the total, grade and rank (no external assets)."""
from __future__ import annotations

from html import escape
from typing import Any

from fupin_assessment.assessments.schemas import SubjectResultRead

STATUS_ZH = {"auto": "自动计分", "manual": "评审评分", "missing": "待评审（快照无数据）", "pending": "待评审",
             "corrected": "更正", "not_started": "未开始"}
ORIGIN_ZH = {"supervision": "督查巡查", "audit": "审计检查", "complaint": "监督投诉", "manual": "评审记录"}

STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:1.5rem;color:#222;max-width:1100px}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
.meta{color:#555;font-size:.9rem}.summary{display:flex;gap:1.5rem;flex-wrap:wrap;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;min-width:7rem}
.card b{display:block;font-size:1.5rem}.provisional{background:#fff4d6;border:1px solid #e6c35c;padding:.5rem;border-radius:4px}
table{border-collapse:collapse;width:100%;font-size:.88rem}th,td{border:1px solid #ddd;padding:.35rem .5rem;vertical-align:top}
th{background:#f3f5f7;text-align:left}td.num{text-align:right;white-space:nowrap}.ev{color:#444;font-size:.8rem}
code{font-size:.78rem;word-break:break-all}
"""


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _evidence(ind: dict[str, Any]) -> str:
    ev = ind.get("evidence") or {}
    parts: list[str] = []
    if ev.get("kind") == "snapshot" or ev.get("snapshot_id"):
        parts.append(f"年末冻结快照 <code>{escape(str(ev.get('snapshot_id')))}</code>"
                     f"（{escape(str(ev.get('frozen_at', ''))[:19])}）")
        parts.append(f"指标 <code>{escape(str(ev.get('metric')))}</code> {escape(str(ev.get('metric_label', '')))}"
                     f" = <b>{escape(_num(ev.get('value')))}</b>")
        if ev.get("computation"):
            parts.append(f"计算：{escape(str(ev['computation']))}")
        if ev.get("note"):
            parts.append(escape(str(ev["note"])))
    review = ev.get("review")
    if isinstance(review, dict):
        parts.append(f"评审：{escape(str(review.get('reviewer')))}，意见：{escape(str(review.get('comment')))}")
    correction = ev.get("correction")
    if isinstance(correction, dict):
        parts.append(f"更正：原得分 {escape(_num(correction.get('previous_score')))}，"
                     f"理由：{escape(str(correction.get('reason')))}；{escape(str(correction.get('comment')))}")
    return "<br>".join(parts) or "—"


def render_result_html(result: SubjectResultRead) -> str:
    r = result
    title = f"{r.name} {r.year}年度脱贫攻坚工作成效考核结果"
    version = f"第 {r.version} 版" if r.version else "工作稿（未发布）"
    rows = []
    for ind in r.indicators:
        i = ind.model_dump(mode="json")
        rows.append(
            f"<tr><td>{escape(i['dimension'])}</td><td>{escape(i['code'])}</td><td>{escape(i['name'])}"
            f"<div class='ev'>{escape(i['rule_zh'])}</div></td><td class='num'>{_num(i['weight'])}</td>"
            f"<td class='num'>{_num(i['score'])}</td><td>{escape(STATUS_ZH.get(i['status'], i['status']))}</td>"
            f"<td class='ev'>{escape(i['source_label'])}<br>{_evidence(i)}</td></tr>")
    deductions = []
    for d in r.deductions:
        ev = d.evidence
        what = ev.get("summary") or ev.get("reason") or ""
        ref = f"问题编号 <code>{escape(str(d.finding_id))}</code>" if d.finding_id else escape(str(ev.get("reference") or ""))
        state = ""
        if ev.get("state"):
            state = "已整改" if ev["state"] == "closed" else "未整改"
            if ev.get("overdue"):
                state += "（逾期）"
        extra = "；".join(escape(str(ev[k])) for k in ("capped",) if ev.get(k))
        if isinstance(ev.get("waived"), dict):
            extra = (extra + "；" if extra else "") + f"已核销：{escape(str(ev['waived'].get('reason')))}"
        deductions.append(
            f"<tr><td>{escape(d.rule_code)} {escape(d.rule_name)}</td><td>{escape(ORIGIN_ZH.get(d.origin, d.origin))}</td>"
            f"<td class='num'>−{_num(d.points)}</td><td class='ev'>{escape(str(what))} {ref} "
            f"{escape(str(ev.get('severity') or ''))} {state} {extra}</td></tr>")
    dims = "".join(f"<tr><td>{escape(d.dimension)}</td><td class='num'>{_num(d.weight)}</td>"
                   f"<td class='num'>{_num(d.score)}</td></tr>" for d in r.dimensions)
    notice = ("<p class='provisional'>本页为考核工作稿，得分尚未发布，可能变化。</p>" if r.provisional else "")
    correction = (f"<p class='meta'>更正理由：{escape(r.correction_reason)}</p>" if r.correction_reason else "")
    versions = "、".join(f"第{v}版" for v in r.versions) or "无"
    rank = f"{r.rank} / {r.ranked}" if r.rank else "—"
    snapshot = escape(str(r.snapshot_id)) if r.snapshot_id else "—"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(title)}</title><style>{STYLE}</style></head><body>
<h1>{escape(title)}</h1>
<p class="meta">考核对象类别：{escape(r.kind_label_zh)}　对象：{escape(r.subject)}　{escape(version)}
　发布时间：{escape(str(r.published_at or '—'))[:19]}　已发布版本：{escape(versions)}</p>
<p class="meta">数据来源：动态监测年末冻结快照 <code>{snapshot}</code>；指标体系版本 {escape(_num(r.framework_version))}</p>
{notice}{correction}
<div class="summary">
<div class="card">总分<b>{_num(r.total)}</b></div><div class="card">等次<b>{escape(r.grade or '—')}</b></div>
<div class="card">同类排名<b>{escape(rank)}</b></div><div class="card">指标得分<b>{_num(r.indicator_total)}</b></div>
<div class="card">扣分<b>{_num(r.deduction_total)}</b></div></div>
<h2>分维度得分</h2><table><tr><th>维度</th><th>权重</th><th>得分</th></tr>{dims}</table>
<h2>指标得分与依据</h2>
<table><tr><th>维度</th><th>编号</th><th>指标</th><th>权重</th><th>得分</th><th>计分方式</th><th>数据来源与依据</th></tr>
{''.join(rows)}</table>
<h2>扣分项</h2>
<table><tr><th>扣分规则</th><th>来源</th><th>扣分</th><th>依据</th></tr>{''.join(deductions) or '<tr><td colspan=4>无</td></tr>'}</table>
<p class="meta">考核依据：《肇庆市打赢脱贫攻坚战三年行动方案（2018—2020年）》任务27。对结果有异议的，可在申诉期内提出申诉。</p>
</body></html>"""
