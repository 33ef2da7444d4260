"""Disclosure rules as data, the disbursement gate, the notice layout and its public renderings."""
import csv
import io
import uuid
from datetime import UTC, date, datetime

from fupin_funds.disclosure import domain, render
from fupin_funds.disclosure.domain import GateError, NoticeError, NoticeLine, Posting, RuleView
from fupin_funds.disclosure.models import Disclosure

RULES = [RuleView("allocation_result", ["city", "county"], True, 0, False),
         RuleView("village_project_arrangement", ["village"], True, 10, True),
         RuleView("fund_use", ["town", "village"], True, 10, False)]


def test_only_rules_that_gate_disbursement_at_that_level_count():
    assert domain.gating_kinds(RULES, "village") == {"village_project_arrangement"}
    assert domain.gating_kinds(RULES, "town") == set()
    changed = RULES + [RuleView("town_project_arrangement", ["town"], True, 7, True)]
    assert domain.gating_kinds(changed, "town") == {"town_project_arrangement"}


def test_money_flows_only_after_the_notice_period():
    posting = Posting("village_project_arrangement", date(2019, 3, 1), date(2019, 3, 10))
    assert domain.gate_error([], date(2019, 4, 1)) == GateError.NOT_POSTED
    assert domain.gate_error([posting], date(2019, 3, 10)) == GateError.NOTICE_NOT_OVER
    assert domain.gate_error([posting], date(2019, 3, 11)) is None


def test_notice_period_counts_both_ends():
    assert domain.notice_days(date(2019, 3, 1), date(2019, 3, 10)) == 10
    assert domain.default_notice_end(date(2019, 3, 1), 10) == date(2019, 3, 10)
    assert domain.default_notice_end(date(2019, 3, 1), 0) == date(2019, 3, 1)


def test_notice_refused_for_a_short_period_a_wrong_level_or_nothing_to_post():
    rule = RULES[1]
    assert domain.notice_errors(rule, division_level="village", starts_on=date(2019, 3, 1), ends_on=date(2019, 3, 10),
                                rows=1) == []
    errors = domain.notice_errors(rule, division_level="county", starts_on=date(2019, 3, 1),
                                  ends_on=date(2019, 3, 9), rows=0)
    assert set(errors) == {NoticeError.LEVEL_NOT_COVERED, NoticeError.PERIOD_TOO_SHORT, NoticeError.NOTHING_TO_POST}
    private = RuleView("fund_use", ["village"], False, 0, False)
    assert domain.notice_errors(private, division_level="village", starts_on=date(2019, 1, 1),
                                ends_on=date(2019, 1, 1), rows=1) == [NoticeError.NOT_PUBLIC]


def test_standard_layout_sources_by_level_table_and_total():
    lines = [NoticeLine("村道硬底化", "古水镇某村", "硬化2公里", 300_000, "古水镇人民政府", {"central": 300_000}),
             NoticeLine("饮水工程", "古水镇某村", "蓄水池2座", 200_000, "古水镇人民政府",
                        {"provincial": 150_000, "pending": 50_000})]
    notice = domain.build_notice("village_project_arrangement", division_name="古水镇某村", year=2019, lines=lines)
    assert notice.title == "古水镇某村2019年度扶贫项目安排公示"
    assert notice.sources_by_level == {"central": 300_000, "provincial": 150_000, "city": 0, "county": 0,
                                       "pending": 50_000}
    assert [r["no"] for r in notice.rows] == [1, 2]
    assert set(notice.rows[0]) == {"no", "project", "location", "content", "amount_fen", "responsible_unit",
                                   "project_id", "allocation_id"}
    assert notice.total_amount_fen == 500_000


def test_amounts_in_wan_yuan_exact_to_the_yuan():
    assert domain.yuan_wan(123_456_700) == "123.4567"
    assert domain.yuan_wan(100) == "0.0001"
    assert domain.yuan(-12_345) == "-123.45"


def _published(**overrides) -> Disclosure:
    values = dict(id=uuid.uuid4(), kind="village_project_arrangement", division_code="441223101201",
                  division_name="古水镇<b>某村</b>", year=2019, title="古水镇某村2019年度扶贫项目安排公示",
                  principles="民主评议", sources_by_level={"central": 300_000, "city": 0},
                  rows=[{"no": 1, "project": "村道<script>", "location": "某村", "content": "硬化", "amount_fen": 300_000,
                         "responsible_unit": "古水镇人民政府", "project_id": str(uuid.uuid4()),
                         "allocation_id": None}],
                  total_amount_fen=300_000, publisher="古水镇扶贫办", supervision_phone="12317", local_phone="0758-1234567",
                  notice_starts_on=date(2019, 3, 1), notice_ends_on=date(2019, 3, 10), status="published",
                  public_seq=7, published_at=datetime(2019, 3, 1, tzinfo=UTC), version=2)
    values.update(overrides)
    return Disclosure(**values)


def test_csv_has_one_line_per_table_row_with_sources_and_phone():
    text = "".join(render.csv_lines([_published()]))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1
    assert rows[0]["amount_yuan"] == "3000.00" and rows[0]["source_central_fen"] == "300000"
    assert rows[0]["supervision_phone"] == "12317" and rows[0]["public_seq"] == "7"


def test_public_page_is_chinese_mobile_escaped_and_shows_12317():
    html = render.page_html([_published()], base="/funds/public/", division=None, year=None, years=[2019])
    assert '<html lang="zh-CN">' in html and 'name="viewport"' in html
    assert "12317" in html and "tel:12317" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "0.3000 万元" in html and "资金来源" in html and "分配原则" in html


def test_public_item_carries_only_public_fields():
    item = render.public_item(_published())
    assert set(item["rows"][0]) == {"no", "project", "location", "content", "amount_fen", "responsible_unit",
                                    "project_id", "amount_yuan"}
    assert item["kind_label"] == "村级项目安排公示"
