"""What a re-imported household changes: attributes, members by ID number, the year's records; status,
lifecycle years and the head are refused (they change through the lifecycle and the API)."""
import copy
from datetime import date

import orjson

from fupin_registry.divisions import generate
from fupin_registry.households import idnumber
from fupin_registry.imports import changes as ch
from fupin_registry.imports import layout, reader
from fupin_registry.imports import prepare as p

VILLAGES = frozenset(v[0] for v in generate.generate()["villages"])
CTX = p.Context(villages=VILLAGES, division="441200000000", actor="tester", today=date(2026, 1, 1))
FIELDS = [c.field for c in layout.COLUMNS]
TEMPLATE = layout.template_rows()[1:3]  # household 4412230001: head and daughter, exited, 2019 records


def _prepared(rows: list[list[str]]) -> p.Prepared:
    numbered = [(n, {f: v for f, v in zip(FIELDS, cells, strict=True) if v}, cells)
                for n, cells in enumerate(rows, start=2)]
    [group] = list(reader.households(iter(numbered)))
    prepared = p.prepare(group, CTX)
    assert isinstance(prepared, p.Prepared), prepared
    return prepared


def _stored(prepared: p.Prepared):
    """The registry's state after ``prepared`` was imported (what the service reads back)."""
    household = dict(zip(p.HOUSEHOLD_COLUMNS, prepared.household, strict=True))
    household["poverty_causes"] = orjson.loads(household["poverty_causes"])
    members = [{k: v for k, v in zip(p.MEMBER_COLUMNS, m, strict=True) if k in ("id_number", *ch.MEMBER_FIELDS)}
               for m in prepared.members]
    income = {k: v for k, v in zip(p.INCOME_COLUMNS, prepared.income, strict=True) if k in ch.INCOME_FIELDS}
    guarantee = {k: v for k, v in zip(p.GUARANTEE_COLUMNS, prepared.guarantee, strict=True)
                 if k in ch.GUARANTEE_FIELDS}
    return household, members, income, guarantee


def _edited(**cells_by_row) -> list[list[str]]:
    rows = copy.deepcopy(TEMPLATE)
    for key, value in cells_by_row.items():
        row, field = key.split("__")
        rows[int(row[1:])][FIELDS.index(field)] = value
    return rows


def test_the_same_rows_change_nothing():
    stored = _stored(_prepared(TEMPLATE))
    assert not ch.changes(_prepared(TEMPLATE), *stored)


def test_changed_attributes_members_and_records_are_found():
    stored = _stored(_prepared(TEMPLATE))
    rows = _edited(r0__guarantee_type="低保", r0__village_code="441223101201", r1__health="长期慢性病",
                   r0__wage="20000", r0__drinking_water="否")
    found = ch.changes(_prepared(rows), *stored)
    assert found.household == {"village_code": "441223101201", "guarantee_type": "dibao"}
    assert found.updated == {"441223201005011243": {"health": "chronic"}}
    assert found.added == [] and found.left == []
    assert found.income["wage_fen"] == 2_000_000 and found.guarantee["drinking_water"] is False


def test_members_missing_from_the_file_leave_and_new_ones_join():
    stored = _stored(_prepared(TEMPLATE))
    son = TEMPLATE[1].copy()
    son_number = idnumber.make("441223", date(2012, 6, 1), 17)
    son[FIELDS.index("name")], son[FIELDS.index("id_number")] = "黄小明", son_number
    son[FIELDS.index("sex")], son[FIELDS.index("birth_date")], son[FIELDS.index("relation")] = "男", "2012-06-01", "之子"
    found = ch.changes(_prepared([TEMPLATE[0], son]), *stored)
    assert [m["id_number"] for m in found.added] == [son_number]
    assert found.left == ["441223201005011243"]


def test_status_lifecycle_years_and_the_head_are_refused():
    stored = _stored(_prepared(TEMPLATE))
    refused = ch.changes(_prepared(_edited(r0__exit_year="2020")), *stored)
    assert isinstance(refused, p.RowError) and refused.row == 2 and refused.column == "脱贫年度"
    assert "lifecycle" in refused.reason
    household, members, income, guarantee = stored
    other_head = {**household, "head_id_number": "441223197005010000"}
    refused = ch.changes(_prepared(TEMPLATE), other_head, members, income, guarantee)
    assert isinstance(refused, p.RowError) and "head" in refused.reason
    removed = {**household, "status": "removed"}
    assert isinstance(ch.changes(_prepared(TEMPLATE), removed, members, income, guarantee), p.RowError)
