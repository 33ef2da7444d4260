"""The printable responsibility matrix (任务分工责任矩阵) as a self-contained Chinese HTML page."""
from __future__ import annotations

from html import escape

from fupin_tasks.plan.domain import UNIT_KINDS

_KIND_ORDER = ["government", "county", "party", "department", "bank", "enterprise", "other"]

_CSS = """
@page { size: A3 landscape; margin: 10mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       font-size: 11px; color: #111; margin: 16px; }
h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 24px 0 8px; }
p.meta { margin: 2px 0; color: #444; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
th, td { border: 1px solid #888; padding: 2px 3px; text-align: center; }
thead { display: table-header-group; } tr { page-break-inside: avoid; }
th.unit, td.unit { text-align: left; white-space: nowrap; }
th.task { writing-mode: vertical-rl; height: 9em; font-weight: normal; }
td.lead { background: #c62828; color: #fff; font-weight: bold; } td.part { background: #ffe0b2; }
td.kind { color: #555; white-space: nowrap; }
table.tasks td { text-align: left; vertical-align: top; }
.legend span { display: inline-block; padding: 0 6px; margin-right: 8px; border: 1px solid #888; }
@media print { .noprint { display: none; } }
"""


def render_matrix_html(*, title: str, document_number: str, lead_unit_rule: str, tasks: list[dict],
                       units: list[dict], cells: dict[tuple[str, int], str]) -> str:
    """``tasks``: [{number, section, section_title, title, lead_units, participating_units, deadlines}],
    ``units``: [{name, kind}], ``cells``: (unit, task number) -> lead | participant."""
    numbers = [t["number"] for t in tasks]
    units = sorted(units, key=lambda u: (_KIND_ORDER.index(u["kind"]) if u["kind"] in _KIND_ORDER else 99,
                                         -sum(cells.get((u["name"], n)) == "lead" for n in numbers), u["name"]))
    head = "".join(f'<th class="task" title="{escape(t["title"])}">{t["number"]}. {escape(t["title"])}</th>'
                   for t in tasks)
    rows = []
    for unit in units:
        tds = []
        leads = parts = 0
        for n in numbers:
            role = cells.get((unit["name"], n))
            if role == "lead":
                leads += 1
                tds.append('<td class="lead">牵头</td>')
            elif role == "participant":
                parts += 1
                tds.append('<td class="part">参与</td>')
            else:
                tds.append("<td></td>")
        kind = UNIT_KINDS.get(unit["kind"], (unit["kind"], ""))[0]
        rows.append(f'<tr><td class="unit">{escape(unit["name"])}</td><td class="kind">{escape(kind)}</td>'
                    f'{"".join(tds)}<td>{leads}</td><td>{parts}</td></tr>')
    by_task = []
    for t in tasks:
        deadlines = "；".join(escape(d.get("text") or "") for d in t.get("deadlines") or [])
        by_task.append(
            f'<tr><td>{t["number"]}</td><td>{escape(t["section"])}、{escape(t["section_title"])}</td>'
            f'<td>{escape(t["title"])}</td><td>{escape("、".join(t["lead_units"]))}</td>'
            f'<td>{escape("、".join(t["participating_units"]))}</td><td>{deadlines}</td></tr>')
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{escape(title)} — 任务分工责任矩阵</title><style>{_CSS}</style></head>
<body>
<h1>{escape(title)}<br>任务分工责任矩阵</h1>
<p class="meta">{escape(document_number)}　共 {len(tasks)} 项任务、{len(units)} 个责任单位</p>
<p class="meta">说明：{escape(lead_unit_rule)}。</p>
<p class="legend"><span style="background:#c62828;color:#fff">牵头</span><span style="background:#ffe0b2">参与</span>
<button class="noprint" onclick="window.print()">打印</button></p>
<table class="matrix"><thead><tr><th class="unit">责任单位</th><th>类别</th>{head}<th>牵头</th><th>参与</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>按任务：牵头单位与参加单位</h2>
<table class="tasks"><thead><tr><th>序号</th><th>部分</th><th>任务</th><th>牵头单位</th><th>主要参加单位</th><th>时限要求</th></tr></thead>
<tbody>{"".join(by_task)}</tbody></table>
</body></html>"""
