"""Fuzzing the registry's ID-number parser and its CSV/XLSX importer (hypothesis): no crash on any input,
every bad row reported with its row number and a reason."""
from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin_registry.divisions import generate
from fupin_registry.households import idnumber
from fupin_registry.imports import layout, reader
from fupin_registry.imports import prepare as p

VILLAGES = frozenset(v[0] for v in generate.generate()["villages"])
CTX = p.Context(villages=VILLAGES, division="441200000000", actor="fuzzer", today=date(2026, 1, 1),
                lines={2018: 869_900, 2019: 869_900, 2020: 869_900})
HEADER = layout.template_rows()[0]
TEMPLATE = layout.template_rows()[1:]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=30) | st.from_regex(r"[0-9]{17}[0-9Xx]", fullmatch=True))
def test_id_parser_returns_or_refuses_never_crashes(value):
    try:
        parsed = idnumber.parse(value, today=date(2026, 1, 1))
    except idnumber.InvalidIdNumber as exc:
        assert str(exc)
    else:
        assert len(parsed.value) == 18 and parsed.sex in {"male", "female"}
        assert idnumber.check_character(parsed.value[:17]) == parsed.value[17]


@FUZZ
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)), st.integers(0, 999),
       st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_of_a_valid_number_is_refused(born, seq, position, char):
    valid = idnumber.make("441223", born, seq)
    assert idnumber.parse(valid, today=date(2026, 1, 1)).birth_date == born
    mutated = valid[:position] + char + valid[position + 1:]
    if mutated != valid:
        try:
            idnumber.parse(mutated, today=date(2026, 1, 1))
        except idnumber.InvalidIdNumber:
            return
        raise AssertionError(f"{mutated} (from {valid}) accepted")


def _reported(fields, rows) -> tuple[int, set[int]]:
    """Run the importer's pure pipeline over read rows: (households prepared, row numbers reported bad)."""
    ok, bad = 0, set()
    for group in reader.households(rows):
        result = p.prepare(group, CTX)
        if isinstance(result, p.Prepared):
            ok += 1
        else:
            assert result and all(e.reason and e.row >= 2 for e in result), result
            bad |= {e.row for e in result}
    return ok, bad


@FUZZ
@given(st.binary(max_size=400))
def test_csv_reader_on_arbitrary_bytes(data):
    try:
        fields, rows = reader.read_csv(io.BufferedReader(io.BytesIO(data)))
        _reported(fields, rows)
    except reader.UnreadableFile as exc:
        assert str(exc)


def _csv(rows: list[list[str]]) -> io.BufferedReader:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return io.BufferedReader(io.BytesIO(buffer.getvalue().encode("utf-8")))


@FUZZ
@given(st.data())
def test_template_with_corrupted_cells_reports_each_bad_row(data):
    rows = [list(r) for r in TEMPLATE]
    for _ in range(data.draw(st.integers(1, 4))):
        r = data.draw(st.integers(0, len(rows) - 1))
        c = data.draw(st.integers(0, len(HEADER) - 1))
        rows[r][c] = data.draw(st.text(max_size=10) | st.sampled_from(["", "X", "-1", "99999999999999999999",
                                                                         "2030-01-01", "是否", "\x00", "=1+1"]))
    fields, read = reader.read_csv(_csv(rows))
    ok, bad = _reported(fields, read)
    assert ok + len(bad) >= 1
    assert bad <= set(range(2, len(rows) + 2))


@FUZZ
@given(st.lists(st.lists(st.one_of(st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                                   st.text(st.characters(min_codepoint=32, exclude_categories=['Cs']), max_size=8), st.dates()), min_size=len(HEADER), max_size=len(HEADER)),
                min_size=1, max_size=4))
def test_xlsx_reader_with_arbitrary_cell_values(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("x") / "fuzz.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([v if not (isinstance(v, str) and v.startswith("=")) else "'" + v for v in row])
    book.save(path)
    fields, read = reader.read_xlsx(path)
    _reported(fields, read)


@FUZZ
@given(st.binary(min_size=1, max_size=300))
def test_garbage_named_xlsx_is_refused(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("g") / "garbage.xlsx"
    path.write_bytes(data)
    try:
        fields, rows = reader.read_xlsx(path)
        _reported(fields, rows)
    except reader.UnreadableFile as exc:
        assert str(exc)
