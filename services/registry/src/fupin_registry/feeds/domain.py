"""De-identified microdata and change feeds: pure rules (no I/O).

- No names, ID numbers, phones, addresses or accounts leave in a feed.
- Households and persons carry pseudonymous ids stable for one consumer and different across
  consumers: ``HMAC-SHA256(consumer_key, str(uuid))[:32]`` with
  ``consumer_key = HMAC-SHA256(settings.pseudonym_key, client_id)``.
- Ages are bands as at the export date; village aggregates below ``SMALL_CELL`` are withheld.
- A removed (清退) or rejected household and a member who left are *tombstones* (``op = delete``).
"""
from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Iterable
from datetime import date

FEEDS = ("households", "persons")
AGGREGATES = "village-aggregates"
SMALL_CELL = 5
OUT_STATUSES = ("removed", "rejected")

AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 5, "0-5"), (6, 15, "6-15"), (16, 29, "16-29"), (30, 44, "30-44"), (45, 59, "45-59"), (60, 69, "60-69"),
    (70, None, "70+"))

HOUSEHOLD_COLUMNS = ("op", "seq", "household_id", "village_code", "status", "persons", "labour_type",
                     "guarantee_type", "poverty_causes", "registered_year", "identified_year", "exit_year",
                     "exit_path", "return_year", "return_cause", "removal_year", "removal_reason", "updated_at")
PERSON_COLUMNS = ("op", "seq", "person_id", "household_id", "village_code", "sex", "age_band", "relation",
                  "in_school", "education", "health", "disability_grade", "medical_insurance", "pension_insurance",
                  "labour_skill", "employment", "left_reason", "updated_at")
COLUMNS = {"households": HOUSEHOLD_COLUMNS, "persons": PERSON_COLUMNS}


def consumer_key(pseudonym_key: str, client_id: str) -> bytes:
    return hmac.new(pseudonym_key.encode(), client_id.encode(), hashlib.sha256).digest()


def pseudonym(key: bytes, ident: uuid.UUID | str) -> str:
    return hmac.new(key, str(ident).encode(), hashlib.sha256).hexdigest()[:32]


def age_on(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_band(birth: date | None, on: date) -> str | None:
    age = age_on(birth, on)
    if age is None:
        return None
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return AGE_BANDS[0][2]


def age_band_sql(age: str) -> str:
    """The same bands as a SQL CASE over an integer age expression."""
    whens = " ".join(f"WHEN {age} <= {high} THEN '{label}'" for _, high, label in AGE_BANDS if high is not None)
    return f"CASE WHEN {age} IS NULL THEN NULL {whens} ELSE '{AGE_BANDS[-1][2]}' END"


def parse_cursor(since: str | None) -> int:
    """The cursor is the registry's event sequence (assigned by its single relay, so it never becomes
    visible out of order). Empty or ``0`` = from the beginning (a snapshot of the current state)."""
    if since in (None, ""):
        return 0
    value = int(since)
    if value < 0:
        raise ValueError("since must be >= 0")
    return value


def household_record(row: dict, *, key: bytes, seq: int) -> dict:
    return {
        "op": "delete" if row["status"] in OUT_STATUSES else "upsert", "seq": seq,
        "household_id": pseudonym(key, row["id"]), "village_code": row["village_code"], "status": row["status"],
        "persons": row["persons"], "labour_type": row["labour_type"], "guarantee_type": row["guarantee_type"],
        "poverty_causes": "|".join(row["poverty_causes"] or []), "registered_year": row["registered_year"],
        "identified_year": row["identified_year"], "exit_year": row["exit_year"], "exit_path": row["exit_path"],
        "return_year": row["return_year"], "return_cause": row["return_cause"], "removal_year": row["removal_year"],
        "removal_reason": row["removal_reason"], "updated_at": row["updated_at"]}


def person_record(row: dict, *, key: bytes, seq: int, on: date) -> dict:
    gone = not row["active"] or row["household_status"] in OUT_STATUSES
    return {
        "op": "delete" if gone else "upsert", "seq": seq, "person_id": pseudonym(key, row["id"]),
        "household_id": pseudonym(key, row["household_id"]), "village_code": row["village_code"], "sex": row["sex"],
        "age_band": age_band(row["birth_date"], on), "relation": row["relation"], "in_school": row["in_school"],
        "education": row["education"], "health": row["health"], "disability_grade": row["disability_grade"],
        "medical_insurance": row["medical_insurance"], "pension_insurance": row["pension_insurance"],
        "labour_skill": row["labour_skill"], "employment": row["employment"],
        "left_reason": row["left_reason"] or (
            "household_" + row["household_status"] if row["household_status"] in OUT_STATUSES else None),
        "updated_at": row["updated_at"]}


def suppress(rows: Iterable[dict], fields: Iterable[str]) -> list[dict]:
    """Village aggregates with every count 1..4 withheld (``None`` and listed in ``suppressed``)."""
    fields = tuple(fields)
    out = []
    for row in rows:
        row = dict(row)
        hidden = [f for f in fields if row.get(f) is not None and 0 < row[f] < SMALL_CELL]
        for f in hidden:
            row[f] = None
        row["suppressed"] = "|".join(hidden)
        out.append(row)
    return out
