"""The public faces of a published notice: JSON item, CSV lines and a Chinese HTML page a villager can
read on a phone. Pure functions over already-published data; no household, name or account appears
(notices are built from projects and allocations only)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from html import escape
from typing import Any
from urllib.parse import urlencode

from fupin_funds.codes import label_zh
from fupin_funds.disclosure.domain import LEVEL_ORDER, LEVEL_ZH, SUPERVISION_PHONE, yuan, yuan_wan
from fupin_funds.disclosure.models import Disclosure
from fupin_funds.divisions import COUNTY_NAMES

PUBLIC_ROW_FIELDS = ("no", "project", "location", "content", "amount_fen", "responsible_unit", "project_id")
CSV_FIELDS = ["public_seq", "disclosure_id", "kind", "division_code", "division_name", "year", "title",
              "notice_starts_on", "notice_ends_on", "published_at", "row_no", "project", "location", "content",
              "amount_fen", "amount_yuan", "responsible_unit", "source_central_fen", "source_provincial_fen",
              "source_city_fen", "source_county_fen", "source_pending_fen", "supervision_phone"]


def public_item(d: Disclosure) -> dict[str, Any]:
    return {"id": d.id, "kind": d.kind, "kind_label": label_zh("disclosure_kind", d.kind),
            "division_code": d.division_code, "division_name": d.division_name, "year": d.year, "title": d.title,
            "principles": d.principles, "sources_by_level": dict(d.sources_by_level),
            "rows": [{k: row.get(k) for k in PUBLIC_ROW_FIELDS} | {"amount_yuan": yuan(int(row["amount_fen"]))}
                     for row in d.rows],
            "total_amount_fen": d.total_amount_fen, "publisher": d.publisher,
            "supervision_phone": d.supervision_phone, "local_phone": d.local_phone,
            "notice_starts_on": d.notice_starts_on, "notice_ends_on": d.notice_ends_on,
            "published_at": d.published_at, "public_seq": d.public_seq}


def csv_lines(notices: Iterable[Disclosure], *, header: bool = True) -> Iterable[str]:
    """One line per table row of each notice (a notice without rows still gets one line)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    if header:
        writer.writerow(CSV_FIELDS)
        yield flush()
    for d in notices:
        sources = dict(d.sources_by_level)
        common = [d.public_seq, d.id, d.kind, d.division_code, d.division_name or "", d.year, d.title,
                  d.notice_starts_on.isoformat(), d.notice_ends_on.isoformat(),
                  d.published_at.isoformat() if d.published_at else ""]
        tail = [sources.get("central", 0), sources.get("provincial", 0), sources.get("city", 0),
                sources.get("county", 0), sources.get("pending", 0), d.supervision_phone]
        for row in d.rows or [{}]:
            amount = int(row.get("amount_fen", 0) or 0)
            writer.writerow(common + [row.get("no", ""), row.get("project", ""), row.get("location", ""),
                                      row.get("content", ""), amount, yuan(amount),
                                      row.get("responsible_unit", "")] + tail)
        yield flush()


_CSS = """
body{margin:0;font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
background:#f5f5f0;color:#222;font-size:16px;line-height:1.6}
header{background:#b71c1c;color:#fff;padding:14px 16px}
header h1{margin:0;font-size:20px}header p{margin:4px 0 0;font-size:14px;opacity:.9}
main{max-width:860px;margin:0 auto;padding:12px}
form{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0 12px}
select,button{font-size:16px;padding:8px;border-radius:6px;border:1px solid #bbb;background:#fff}
button{background:#b71c1c;color:#fff;border:0}
article{background:#fff;border-radius:8px;padding:12px 14px;margin:0 0 14px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
article h2{font-size:18px;margin:0 0 6px}
.meta{color:#666;font-size:14px}
.sources{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0}
.sources span{background:#fdecea;border-radius:4px;padding:2px 8px;font-size:14px}
.row{border-top:1px solid #eee;padding:8px 0}
.row b{display:block}.row .amt{color:#b71c1c;font-weight:bold}
.phone{background:#fff8e1;border-left:4px solid #f9a825;padding:8px 10px;margin-top:10px}
.phone a{color:#b71c1c;font-weight:bold;font-size:18px}
nav a{color:#b71c1c}
footer{text-align:center;color:#888;font-size:13px;padding:16px}
"""


def _notice_html(d: Disclosure, *, detail_href: str | None) -> str:
    e = escape
    sources = dict(d.sources_by_level)
    chips = "".join(f"<span>{e(LEVEL_ZH.get(level, '待落实'))}：{yuan_wan(amount)} 万元</span>"
                    for level, amount in sorted(sources.items(), key=lambda kv: (
                        LEVEL_ORDER.index(kv[0]) if kv[0] in LEVEL_ORDER else 99)) if amount)
    rows = "".join(
        f'<div class="row"><b>{row.get("no")}. {e(str(row.get("project", "")))}</b>'
        f'地点：{e(str(row.get("location", "")))}<br>内容：{e(str(row.get("content", "")))}<br>'
        f'金额：<span class="amt">{yuan_wan(int(row.get("amount_fen", 0)))} 万元</span><br>'
        f'责任单位：{e(str(row.get("responsible_unit", "")))}</div>' for row in d.rows)
    title = f'<a href="{e(detail_href)}">{e(d.title)}</a>' if detail_href else e(d.title)
    local = f'，本地监督电话 <a href="tel:{e(d.local_phone)}">{e(d.local_phone)}</a>' if d.local_phone else ""
    return (f'<article><h2>{title}</h2>'
            f'<div class="meta">{e(label_zh("disclosure_kind", d.kind))} · 公示期：{d.notice_starts_on:%Y年%m月%d日} 至 '
            f'{d.notice_ends_on:%Y年%m月%d日} · 发布单位：{e(d.publisher)}</div>'
            f'<p><b>一、资金来源</b>（合计 {yuan_wan(d.total_amount_fen)} 万元）</p><div class="sources">{chips}</div>'
            f'<p><b>二、分配原则</b><br>{e(d.principles)}</p>'
            f'<p><b>三、项目安排</b>（共 {len(d.rows)} 项）</p>{rows}'
            f'<div class="phone">如有异议，请在公示期内向当地扶贫部门反映。全国扶贫监督举报电话 '
            f'<a href="tel:{SUPERVISION_PHONE}">{SUPERVISION_PHONE}</a>{local}</div></article>')


def page_html(notices: list[Disclosure], *, base: str, division: str | None, year: int | None, years: list[int],
              detail: bool = False) -> str:
    """The public page (/public/): published notices, newest first, filterable by county and year."""
    e = escape
    county_options = "".join(
        f'<option value="{code}"{" selected" if code == division else ""}>{e(name)}</option>'
        for code, name in COUNTY_NAMES.items())
    year_options = '<option value="">全部年度</option>' + "".join(
        f'<option value="{y}"{" selected" if y == year else ""}>{y}年</option>' for y in years)
    body = "".join(_notice_html(d, detail_href=None if detail else f"{base}disclosures/{d.id}") for d in notices) \
        or "<p>暂无公告公示。</p>"
    links = {"format": "csv"} | ({"division": division} if division else {}) | ({"year": year} if year else {})
    nav = (f'<nav><a href="{e(base)}">返回全部公告</a></nav>' if detail else
           f'<form method="get" action="{e(base)}"><select name="division" aria-label="地区">{county_options}</select>'
           f'<select name="year" aria-label="年度">{year_options}</select><button type="submit">查询</button></form>'
           f'<nav>数据下载：<a href="{e(base)}v1/disclosures?{e(urlencode(links))}">CSV</a> · '
           f'<a href="{e(base)}v1/disclosures?{e(urlencode({k: v for k, v in links.items() if k != "format"}))}">'
           f'JSON</a></nav>')
    return ("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>肇庆市扶贫资金项目公告公示</title><style>{_CSS}</style></head><body>"
            "<header><h1>扶贫资金项目公告公示</h1><p>肇庆市 · 市县分配结果一律公开，镇村项目安排和资金使用一律公示</p></header>"
            f"<main>{nav}{body}</main><footer>监督举报电话 {SUPERVISION_PHONE} · 本页面不含任何个人信息</footer>"
            "</body></html>")
