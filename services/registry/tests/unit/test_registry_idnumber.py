"""GB 11643 identity numbers: our own check-character implementation, checked by properties."""
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fupin_registry.households import idnumber

TODAY = date(2026, 1, 1)
areas = st.from_regex(r"[1-9][0-9]{5}", fullmatch=True)
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


def test_known_number_from_the_standard():
    # the example of GB 11643-1999 annex: 11010519491231002X
    assert idnumber.check_character("11010519491231002") == "X"
    parsed = idnumber.parse("11010519491231002x", today=TODAY)
    assert parsed.value.endswith("X") and parsed.birth_date == date(1949, 12, 31) and parsed.sex == "female"


def test_weights_are_powers_of_two_mod_11():
    assert idnumber.WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@given(areas, births, sequences)
def test_made_numbers_parse_back(area, born, sequence):
    number = idnumber.make(area, born, sequence)
    parsed = idnumber.parse(number, today=TODAY)
    assert (parsed.area_code, parsed.birth_date, parsed.sequence) == (area, born, sequence)
    assert parsed.sex == ("male" if sequence % 2 else "female")


@given(areas, births, sequences, st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_is_caught(area, born, sequence, position, delta):
    number = idnumber.make(area, born, sequence)
    changed_digit = str((int(number[position]) + delta) % 10)
    tampered = number[:position] + changed_digit + number[position + 1:]
    assert idnumber.problem(tampered, today=TODAY) is not None


@given(areas, births, sequences, st.integers(0, 15))
def test_any_adjacent_transposition_is_caught(area, born, sequence, position):
    number = idnumber.make(area, born, sequence)
    assume(number[position] != number[position + 1])
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2:]
    assert idnumber.problem(swapped, today=TODAY) is not None


@settings(max_examples=300)
@given(st.text(max_size=25))
def test_arbitrary_text_never_crashes(text):
    result = idnumber.problem(text, today=TODAY)
    assert result is None or isinstance(result, str)


def test_unknown_area_code_is_not_an_error():
    number = idnumber.make("999999", date(1980, 1, 1), 11)
    assert idnumber.problem(number, today=TODAY) is None


@pytest.mark.parametrize("value, reason", [
    ("44122319700501123", "18 characters"),
    ("4412231970050112A6", "17 digits"),
    ("441223197002301236", "impossible birth date"),
    ("441223207005011236", "outside"),
])
def test_bad_numbers_are_refused_with_a_reason(value, reason):
    assert reason in idnumber.problem(value, today=TODAY)
