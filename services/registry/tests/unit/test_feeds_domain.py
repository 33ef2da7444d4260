"""Feed rules: pseudonyms per consumer, age bands (Python and SQL agree), cursors, suppression."""
import uuid
from datetime import date

import pytest

from fupin_registry.feeds import domain


def test_pseudonyms_are_stable_per_consumer_and_differ_across_consumers() -> None:
    ident = uuid.uuid4()
    a, b = domain.consumer_key("secret", "stats-bureau"), domain.consumer_key("secret", "health")
    assert domain.pseudonym(a, ident) == domain.pseudonym(a, str(ident))
    assert domain.pseudonym(a, ident) != domain.pseudonym(b, ident)
    assert domain.pseudonym(a, ident) != domain.pseudonym(domain.consumer_key("other", "stats-bureau"), ident)
    assert len(domain.pseudonym(a, ident)) == 32 and str(ident) not in domain.pseudonym(a, ident)


@pytest.mark.parametrize(("born", "band"), [
    (date(2021, 6, 1), "0-5"), (date(2020, 6, 2), "0-5"), (date(2020, 6, 1), "6-15"), (date(2010, 6, 2), "6-15"),
    (date(2010, 6, 1), "16-29"), (date(1966, 6, 1), "60-69"), (date(1956, 6, 2), "60-69"), (date(1930, 1, 1), "70+"),
    (None, None)])
def test_age_bands(born: date | None, band: str | None) -> None:
    assert domain.age_band(born, date(2026, 6, 1)) == band


def test_sql_bands_cover_the_same_limits() -> None:
    sql = domain.age_band_sql("a")
    assert "WHEN a <= 5 THEN '0-5'" in sql and "WHEN a <= 69 THEN '60-69'" in sql and "ELSE '70+'" in sql


def test_cursor() -> None:
    assert domain.parse_cursor(None) == 0 and domain.parse_cursor("") == 0 and domain.parse_cursor("42") == 42
    for bad in ("-1", "abc", "1.5"):
        with pytest.raises(ValueError):
            domain.parse_cursor(bad)


def test_small_cells_withheld() -> None:
    rows = domain.suppress([{"village_code": "v", "households": 4, "persons": 12},
                            {"village_code": "w", "households": 0, "persons": 5}], ("households", "persons"))
    assert rows[0] == {"village_code": "v", "households": None, "persons": 12, "suppressed": "households"}
    assert rows[1]["suppressed"] == "" and rows[1]["households"] == 0


def test_tombstones() -> None:
    key = domain.consumer_key("k", "c")
    base = {"id": uuid.uuid4(), "village_code": "441223101200", "persons": 2, "labour_type": None,
            "guarantee_type": "none", "poverty_causes": ["illness"], "registered_year": 2016, "identified_year": 2016,
            "exit_year": None, "exit_path": None, "return_year": None, "return_cause": None, "removal_year": 2020,
            "removal_reason": "property", "updated_at": None}
    assert domain.household_record({**base, "status": "removed"}, key=key, seq=7)["op"] == "delete"
    assert domain.household_record({**base, "status": "identified"}, key=key, seq=7)["op"] == "upsert"
    person = {"id": uuid.uuid4(), "household_id": base["id"], "village_code": "441223101200",
              "household_status": "identified", "sex": "female", "birth_date": date(2000, 1, 1), "relation": "spouse",
              "in_school": False, "education": None, "health": "healthy", "disability_grade": None,
              "medical_insurance": True, "pension_insurance": False, "labour_skill": None, "employment": None,
              "active": False, "left_reason": "moved", "updated_at": None}
    rec = domain.person_record(person, key=key, seq=9, on=date(2026, 1, 1))
    assert rec["op"] == "delete" and rec["left_reason"] == "moved" and rec["age_band"] == "16-29"
    assert "birth_date" not in rec and rec["household_id"] == domain.pseudonym(key, base["id"])
