"""The importer's pure parts: the layout, row validation, event shapes (checked against the contracts),
the streaming readers, and the demo-data generator that feeds it."""
import csv
import io
from datetime import date

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin_registry import demodata
from fupin_registry.divisions import generate
from fupin_registry.imports import layout, reader, templates
from fupin_registry.imports import prepare as p
from fupin_shared.contracts import contract_for

VILLAGES = frozenset(v[0] for v in generate.generate()["villages"])
CTX = p.Context(villages=VILLAGES, division="441200000000", actor="tester", today=date(2026, 1, 1),
                lines={2018: 869_900, 2019: 869_900, 2020: 869_900})
FIELDS = [c.field for c in layout.COLUMNS]


def _rows(rows: list[list[str]]):
    for number, cells in enumerate(rows, start=2):
        yield number, {f: v for f, v in zip(FIELDS, cells, strict=True) if v}, cells


def template_groups():
    return list(reader.households(_rows(layout.template_rows()[1:])))


def test_template_households_prepare_cleanly():
    first, second = [p.prepare(g, CTX) for g in template_groups()]
    assert isinstance(first, p.Prepared) and isinstance(second, p.Prepared)
    assert len(first.members) == 2 and first.income is not None and first.guarantee is not None
    assert first.household[p.HOUSEHOLD_COLUMNS.index("status")] == "exited"
    assert second.household[p.HOUSEHOLD_COLUMNS.index("guarantee_type")] == "dibao"
    income = dict(zip(p.INCOME_COLUMNS, first.income, strict=True))
    assert (income["transfer_fen"], income["disposable_fen"], income["per_capita_fen"]) == (120_050, 2_620_050,
                                                                                           1_310_025)


def test_event_payloads_are_exactly_the_contracts_with_every_field():
    prepared = [p.prepare(g, CTX) for g in template_groups()]
    seen = set()
    for household in prepared:
        for event_id, event_type, source, subject, division, actor, data, _ in household.events:
            contract = contract_for(event_type)
            assert contract is not None, event_type
            payload = orjson.loads(data)
            model = contract.model_validate(payload)
            assert set(payload) == set(contract.model_fields), event_type
            assert model.model_dump(mode="json") == payload
            assert (source, subject, division, actor) == ("/fupin/registry", str(household.household[0]),
                                                         household.village_code, "tester")
            seen.add(event_type.split(".")[3])
    assert seen == {"registered", "added", "income_recorded", "guarantees_assessed", "identified", "exited"}


def _edit(field, value, row=0):
    rows = [list(r) for r in layout.template_rows()[1:3]]
    rows[row][layout.COLUMNS.index(layout.BY_FIELD[field])] = value
    return list(reader.households(_rows(rows)))[0]


@pytest.mark.parametrize("field, value, row, column, reason", [
    ("id_number", "441223197005011235", 0, "证件号码", "check character"),
    ("birth_date", "1971-05-01", 0, "出生日期", "does not match"),
    ("sex", "女", 0, "性别", "does not match"),
    ("village_code", "441223101999", 0, "村代码", "not a known village"),
    ("poverty_causes", "因穷", 0, "致贫原因", "unknown value"),
    ("wage", "-5", 0, "工资性收入(元)", "negative"),
    ("wage", "12.345", 0, "工资性收入(元)", "two decimals"),
    ("relation", "户主", 1, "与户主关系", "exactly one member must be the head"),
    ("exit_year", "", 0, "脱贫年度", "exit year and exit path"),
    ("identified_year", "2009", 0, "识别年度", "outside"),
    ("labour_type", "", 0, "劳动能力类型", "required"),
    ("in_school", "maybe", 1, "在校生", "是 or 否"),
    ("village_code", "441224100200", 1, "村代码", "differs from the household's first row"),
    ("status", "识别公示中", 0, "户状态", "under public notice"),
])
def test_bad_rows_are_refused_with_row_column_and_reason(field, value, row, column, reason):
    result = p.prepare(_edit(field, value, row), CTX)
    assert isinstance(result, list), result
    if reason.startswith("exactly one"):
        row = 0  # a household-wide rule is reported on the household's first row
    assert any(e.row == row + 2 and e.column == column and reason in e.reason for e in result), result


def test_rows_outside_the_callers_division_are_refused():
    county = p.Context(villages=VILLAGES, division="441224000000", actor="x", today=date(2026, 1, 1))
    errors = p.prepare(template_groups()[0], county)
    assert errors[0].column == "村代码" and "outside your division" in errors[0].reason


def test_no_labour_household_must_exit_through_social_security():
    result = p.prepare(_edit("labour_type", "无劳动能力"), CTX)
    assert any(e.column in ("脱贫途径", "劳动能力类型") for e in result)


def test_digest_is_stable_and_sensitive():
    a, b = p.prepare(template_groups()[0], CTX), p.prepare(template_groups()[0], CTX)
    assert a.digest == b.digest and a.household[0] != b.household[0]
    changed = p.prepare(_edit("phone", "13900000000"), CTX)
    assert changed.digest != a.digest


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), min_size=len(FIELDS), max_size=len(FIELDS)), min_size=1, max_size=4))
def test_garbage_rows_never_crash_and_are_reported(rows):
    for group in reader.households(_rows(rows)):
        result = p.prepare(group, CTX)
        assert isinstance(result, p.Prepared) or (result and all(e.reason for e in result))


def test_csv_reader_streams_utf8_and_gb18030():
    text = "\n".join(",".join(r) for r in layout.template_rows())
    for encoded in (text.encode("utf-8-sig"), text.encode("gb18030")):
        fields, rows = reader.read_csv(io.BufferedReader(io.BytesIO(encoded)))
        rows = list(rows)
        assert [r[0] for r in rows] == [2, 3, 4] and rows[0][1]["name"] == "黄大明"


def test_csv_reader_refuses_a_wrong_header():
    with pytest.raises(reader.UnreadableFile, match="missing required column"):
        reader.read_csv(io.BufferedReader(io.BytesIO("姓名,证件号码\n".encode())))


def test_shipped_templates_match_the_layout(tmp_path):
    assert templates.CSV_FILE.read_bytes() == templates.csv_bytes()
    fields, rows = reader.read_xlsx(templates.XLSX_FILE)
    assert [r[2] for r in rows] == layout.template_rows()[1:]
    assert list(csv.reader(io.StringIO(templates.csv_bytes().decode("utf-8-sig"))))[0][0] == "户编号"


def test_demo_generator_is_reproducible_and_valid():
    first = list(demodata.Generator(5).households(300))
    assert first == list(demodata.Generator(5).households(300))
    persons = sum(len(h) for h in first)
    assert 2.0 < persons / len(first) < 2.7
    results = [p.prepare(g, CTX) for g in demodata.as_rows(iter(first))]
    assert all(isinstance(r, p.Prepared) for r in results), [r for r in results if not isinstance(r, p.Prepared)][:2]
    statuses = {r.household[p.HOUSEHOLD_COLUMNS.index("status")] for r in results}
    assert {"exited", "identified", "removed"} <= statuses
