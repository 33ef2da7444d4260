"""Turns the rows of one household into the table rows and events the import writes, or into per-row
errors. Pure (no I/O); the household and member rules are the same functions the API uses
(``households.domain``), so an import accepts exactly what ``POST /v1/households`` accepts.

Speed matters here (the importer feeds ``COPY`` at about a million persons a minute): rows are plain
lists, events are built as dicts (their fields are checked against the contracts in the tests) and
serialised once with orjson.
"""
from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from fupin_registry import codelists
from fupin_registry.households import domain
from fupin_registry.households.domain import MemberDraft, Status
from fupin_registry.imports import layout
from fupin_registry.records import domain as records_domain
from fupin_registry.schemas import YEAR_MAX, YEAR_MIN
from fupin_shared.auth.principal import division_range

SOURCE = "/fupin/registry"
T_REGISTERED = "fupin.registry.household.registered.v1"
T_IDENTIFIED = "fupin.registry.household.identified.v1"
T_EXITED = "fupin.registry.household.exited.v1"
T_RETURNED = "fupin.registry.household.returned.v1"
T_REMOVED = "fupin.registry.household.removed.v1"
T_MEMBER = "fupin.registry.member.added.v1"
T_INCOME = "fupin.registry.household.income_recorded.v1"
T_GUARANTEES = "fupin.registry.household.guarantees_assessed.v1"

IMPORT_STATUSES = frozenset({Status.APPLIED, Status.APPRAISED, Status.TOWN_REVIEWED, Status.IDENTIFIED,
                             Status.PRE_EXIT, Status.EXITED, Status.RETURNED, Status.REJECTED, Status.REMOVED})
NEEDS_IDENTIFIED_YEAR = frozenset({Status.IDENTIFIED, Status.PRE_EXIT, Status.EXITED, Status.RETURNED})

HOUSEHOLD_COLUMNS = (
    "id", "household_no", "village_code", "status", "head_name", "head_id_number", "persons", "labour_type",
    "guarantee_type", "poverty_causes", "cause_mask", "assisting_cadre", "assisting_cadre_phone", "assisting_unit",
    "phone", "one_card_account", "address", "registered_year", "identified_year", "exit_year", "exit_path",
    "return_year", "return_cause", "removal_year", "removal_reason", "import_hash", "version", "created_at",
    "updated_at")
MEMBER_COLUMNS = (
    "id", "household_id", "id_number", "name", "sex", "birth_date", "relation", "in_school", "education", "health",
    "disability_grade", "medical_insurance", "pension_insurance", "labour_skill", "employment", "active", "version",
    "created_at", "updated_at")
INCOME_COLUMNS = ("household_id", "year", "wage_fen", "production_fen", "production_cost_fen", "property_fen",
                  "transfer_fen", "disposable_fen", "persons", "per_capita_fen", "version", "recorded_at")
GUARANTEE_COLUMNS = ("household_id", "year", "food", "clothing", "compulsory_education", "basic_medical",
                     "housing_safety", "drinking_water", "compliant", "version", "assessed_at")
OUTBOX_COLUMNS = ("event_id", "type", "source", "subject", "division", "actor", "data", "occurred_at")


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str | None
    reason: str
    household_no: str | None = None


@dataclass(slots=True)
class Prepared:
    """One valid household, ready to write."""

    household_no: str
    digest: str
    village_code: str
    rows: list[int]
    household: tuple
    members: list[tuple]
    id_numbers: list[tuple[str, int]]
    income: tuple | None
    guarantee: tuple | None
    events: list[tuple]


@dataclass
class Context:
    """What preparation needs to know about the world (read once per job)."""

    villages: frozenset[str]
    division: str
    actor: str
    today: date
    lines: dict[int, int] = field(default_factory=dict)
    """year -> household line (fen), for the line carried by income and exit events."""

    def __post_init__(self) -> None:
        self._range = division_range(self.division)

    def in_division(self, code: str) -> bool:
        low, high = self._range
        return low <= code <= high


_random = random.Random()  # seeded from os.urandom; ids need to be unique, not secret


def uuid7_text() -> str:
    """A time-ordered UUID (RFC 9562 v7) as text — asyncpg encodes text UUIDs in C, and building a
    ``uuid.UUID`` per row would be the importer's largest cost."""
    ms = time.time_ns() // 1_000_000
    rand = _random.getrandbits(74)
    return "%08x-%04x-7%03x-%04x-%012x" % (ms >> 16, ms & 0xFFFF, rand >> 62, 0x8000 | (rand >> 48) & 0x3FFF,
                                           rand & 0xFFFFFFFFFFFF)


_REPEATABLE = frozenset(layout.HOUSEHOLD_FIELDS) - {"household_no"}
UUID_COLUMNS = frozenset({"id", "household_id", "event_id"})
"""Columns holding UUIDs as text (SQLite stores them as 32 hex digits)."""


class _Invalid(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        self.field_name, self.reason = field_name, reason


def _code(field_name: str, raw: str, *, default: str | None = None) -> str | None:
    if raw == "":
        return default
    value = layout.LOOKUPS[field_name].get(raw) or layout.LOOKUPS[field_name].get(raw.lower())
    if value is None:
        raise _Invalid(field_name, f"unknown value {raw!r}")
    return value


def _bool(field_name: str, raw: str, *, default: bool = False) -> bool:
    if raw == "":
        return default
    lowered = raw.lower()
    if lowered in layout.YES:
        return True
    if lowered in layout.NO:
        return False
    raise _Invalid(field_name, f"expected 是 or 否, got {raw!r}")


def _year(field_name: str, raw: str, today: date) -> int | None:
    if raw == "":
        return None
    if not raw.isdigit() or len(raw) != 4:
        raise _Invalid(field_name, f"expected a year like 2019, got {raw!r}")
    year = int(raw)
    if not YEAR_MIN <= year <= min(YEAR_MAX, today.year):
        raise _Invalid(field_name, f"year {year} outside {YEAR_MIN}..{min(YEAR_MAX, today.year)}")
    return year


def _fen(field_name: str, raw: str) -> int:
    """Yuan with up to two decimals -> integer fen (never a float on the way)."""
    if raw == "":
        return 0
    text = raw.replace(",", "").replace("，", "")
    whole, dot, cents = text.partition(".")
    if whole.isdigit() and (not dot or (cents.isdigit() and len(cents) <= 2)):
        value = int(whole) * 100 + (int(cents.ljust(2, "0")) if dot else 0)
    else:
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise _Invalid(field_name, f"expected an amount in yuan, got {raw!r}") from None
        if amount != amount.quantize(Decimal("0.01")) or not amount.is_finite():
            raise _Invalid(field_name, "at most two decimals (fen)")
        value = int(amount * 100)
    if value < 0:
        raise _Invalid(field_name, "may not be negative")
    if value > 10**13:
        raise _Invalid(field_name, "implausibly large")
    return value


def _date(field_name: str, raw: str) -> date | None:
    if raw == "":
        return None
    text = raw.replace("/", "-").replace(".", "-")
    try:
        if len(text) == 8 and text.isdigit():
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return date.fromisoformat(text[:10])
    except ValueError:
        raise _Invalid(field_name, f"expected a date like 1970-05-01, got {raw!r}") from None


def _text(field_name: str, raw: str, max_length: int) -> str | None:
    if raw == "":
        return None
    if len(raw) > max_length:
        raise _Invalid(field_name, f"longer than {max_length} characters")
    return raw


def _causes(raw: str) -> list[str]:
    parts = [p.strip() for p in raw.replace("；", ";").replace("、", ";").replace("，", ";").replace(",", ";")
             .replace("/", ";").split(";")]
    return [_code("poverty_causes", p) for p in parts if p]  # type: ignore[misc]


def digest(rows: list[list[str]]) -> str:
    """Fingerprint of a household's rows: re-importing the same rows changes nothing."""
    h = hashlib.blake2b(digest_size=16)
    for row in rows:
        h.update("\x1f".join(row).encode())
        h.update(b"\x1e")
    return h.hexdigest()


def _member(row: dict[str, str]) -> MemberDraft:
    grade = row.get("disability_grade", "")
    if grade and not grade.isdigit():
        raise _Invalid("disability_grade", f"expected 1–4, got {grade!r}")
    name = row.get("name", "")
    if not name:
        raise _Invalid("name", "required")
    if len(name) > 60:
        raise _Invalid("name", "longer than 60 characters")
    number = row.get("id_number", "")
    if not number:
        raise _Invalid("id_number", "required")
    relation = _code("relation", row.get("relation", ""))
    if relation is None:
        raise _Invalid("relation", "required")
    return MemberDraft(
        id_number=number, name=name, relation=relation, sex=_code("sex", row.get("sex", "")),
        birth_date=_date("birth_date", row.get("birth_date", "")),
        in_school=_bool("in_school", row.get("in_school", "")), education=_code("education", row.get("education", "")),
        health=_code("health", row.get("health", ""), default="healthy"),  # type: ignore[arg-type]
        disability_grade=int(grade) if grade else None,
        medical_insurance=_bool("medical_insurance", row.get("medical_insurance", "")),
        pension_insurance=_bool("pension_insurance", row.get("pension_insurance", "")),
        labour_skill=_code("labour_skill", row.get("labour_skill", "")),
        employment=_code("employment", row.get("employment", "")))


def row_error(row: int, field_name: str | None, reason: str, household_no: str | None) -> RowError:
    column = layout.BY_FIELD[field_name].header if field_name in layout.BY_FIELD else field_name
    return RowError(row, column, reason, household_no)


def prepare(group: list[tuple[int, dict[str, str], list[str]]], ctx: Context) -> Prepared | list[RowError]:
    """Validate one household (its rows: number, fields, raw cells) and build what to write."""
    first_row, head_row, _ = group[0]
    household_no = head_row.get("household_no", "")
    errors: list[RowError] = []

    def fail(row: int, field_name: str | None, reason: str) -> None:
        errors.append(row_error(row, field_name, reason, household_no or None))

    # household columns: from the first row; later rows may repeat them or leave them empty
    for number, row, _ in group[1:]:
        for name, value in row.items():
            if name in _REPEATABLE and value != head_row.get(name, ""):
                fail(number, name, "differs from the household's first row")
    h: dict[str, Any] = {}
    try:
        if len(household_no) > 30 or not household_no.replace("-", "").isalnum():
            raise _Invalid("household_no", "required: letters, digits and '-', at most 30")
        village = head_row.get("village_code", "")
        if len(village) != 12 or not village.isdigit() or village not in ctx.villages:
            raise _Invalid("village_code", f"{village!r} is not a known village code")
        if not ctx.in_division(village):
            raise _Invalid("village_code", f"{village} is outside your division {ctx.division}")
        h["status"] = _code("status", head_row.get("status", ""), default=Status.IDENTIFIED.value)
        if h["status"] not in IMPORT_STATUSES:
            raise _Invalid("status", "a household under public notice is imported after the notice ends")
        h["labour_type"] = _code("labour_type", head_row.get("labour_type", ""))
        if h["labour_type"] is None:
            raise _Invalid("labour_type", "required")
        h["guarantee_type"] = _code("guarantee_type", head_row.get("guarantee_type", ""), default="none")
        h["poverty_causes"] = _causes(head_row.get("poverty_causes", ""))
        for name in ("identified_year", "exit_year", "return_year", "removal_year", "income_year"):
            h[name] = _year(name, head_row.get(name, ""), ctx.today)
        h["exit_path"] = _code("exit_path", head_row.get("exit_path", ""))
        h["return_cause"] = _code("return_cause", head_row.get("return_cause", ""))
        h["removal_reason"] = _code("removal_reason", head_row.get("removal_reason", ""))
        for name, size in (("assisting_cadre", 60), ("assisting_unit", 120), ("address", 200)):
            h[name] = _text(name, head_row.get(name, ""), size)
        for name, size in (("assisting_cadre_phone", 20), ("phone", 20), ("one_card_account", 40)):
            value = _text(name, head_row.get(name, ""), size)
            if value is not None and not value.replace("-", "").replace("+", "").isdigit():
                raise _Invalid(name, "digits only")
            h[name] = value
        money = {name: _fen(name, head_row.get(name, "")) for name in layout.INCOME_FIELDS}
        checks = {name: head_row.get(name, "") for name in layout.GUARANTEE_FIELDS}
    except _Invalid as exc:
        fail(first_row, exc.field_name, exc.reason)
        return errors
    lifecycle_problem = _lifecycle_problem(h)
    if lifecycle_problem:
        fail(first_row, *lifecycle_problem)
    income_year = h["income_year"]
    if income_year is None and any(money.values()):
        fail(first_row, "income_year", "required when income columns are filled")
    if any(checks.values()) and income_year is None:
        fail(first_row, "income_year", "required when 两不愁三保障 columns are filled")

    drafts: list[MemberDraft] = []
    numbers: list[int] = []
    for number, row, _ in group:
        try:
            drafts.append(_member(row))
            numbers.append(number)
        except _Invalid as exc:
            fail(number, exc.field_name, exc.reason)
    if errors:
        return errors
    for problem in domain.validate_household(members=drafts, labour_type=h["labour_type"],
                                             poverty_causes=h["poverty_causes"], today=ctx.today,
                                             pointers=[str(n) for n in numbers], members_pointer=str(first_row)):
        row_text, _, field_name = problem.pointer.partition("/")
        if row_text.startswith("#"):
            fail(first_row, row_text[2:], problem.detail)
        else:
            fail(int(row_text), field_name or "relation", problem.detail)
    guarantee_values = None
    if income_year is not None and any(checks.values()):
        try:
            guarantee_values = [_bool(n, checks[n]) if n != "housing_safety" else _code(n, checks[n])
                                for n in layout.GUARANTEE_FIELDS]
            if guarantee_values[4] is None:
                raise _Invalid("housing_safety", "required with the other 两不愁三保障 columns")
        except _Invalid as exc:
            fail(first_row, exc.field_name, exc.reason)
    if errors:
        return errors
    return _build(group, h, drafts, numbers, money, guarantee_values, ctx)


def _lifecycle_problem(h: dict[str, Any]) -> tuple[str, str] | None:
    status = h["status"]
    if status in NEEDS_IDENTIFIED_YEAR and h["identified_year"] is None:
        return "identified_year", f"required for status {status}"
    if status in (Status.EXITED, Status.RETURNED):
        if h["exit_year"] is None or h["exit_path"] is None:
            return "exit_year", "an exited household needs its exit year and exit path"
        if h["identified_year"] and h["exit_year"] < h["identified_year"]:
            return "exit_year", "before the year of identification"
        if h["labour_type"] == "no_labour" and h["exit_path"] != "social_security":
            return "exit_path", "a household without labour capacity exits through 社会保障兜底"
    if status == Status.RETURNED:
        if h["return_year"] is None or h["return_cause"] is None:
            return "return_year", "a returned household needs its return year and cause"
        if h["return_year"] < h["exit_year"]:
            return "return_year", "before the exit year"
    if status == Status.REMOVED and (h["removal_year"] is None or h["removal_reason"] is None):
        return "removal_year", "a removed household needs its removal year and reason"
    return None


def _build(group: list[tuple[int, dict[str, str], list[str]]], h: dict[str, Any], drafts: list[MemberDraft],
           numbers: list[int], money: dict[str, int], guarantee_values: list[Any] | None, ctx: Context) -> Prepared:
    head_row = group[0][1]
    household_no = head_row["household_no"]
    village = head_row["village_code"]
    now = datetime.now(UTC)
    hid = uuid7_text()
    status = h["status"]
    persons = len(drafts)
    head = next(d for d in drafts if d.relation == "head")
    active = status != Status.REMOVED
    causes = h["poverty_causes"]
    mask = codelists.cause_mask(causes)
    registered_year = h["identified_year"] or h["income_year"] or ctx.today.year
    fingerprint = digest([cells for _, _, cells in group])
    household = (hid, household_no, village, status, head.name, head.id_number, persons, h["labour_type"],
                 h["guarantee_type"], orjson.dumps(causes).decode(), mask, h["assisting_cadre"],
                 h["assisting_cadre_phone"], h["assisting_unit"], h["phone"], h["one_card_account"], h["address"],
                 registered_year, h["identified_year"], h["exit_year"] if status in (Status.EXITED, Status.RETURNED)
                 else None, h["exit_path"] if status in (Status.EXITED, Status.RETURNED) else None,
                 h["return_year"], h["return_cause"], h["removal_year"], h["removal_reason"], fingerprint, 1, now, now)
    base = {"household_id": hid, "village_code": village, "status": status, "persons": persons}
    actor, division = ctx.actor, village
    subject = hid
    events: list[tuple] = []

    def event(event_type: str, data: dict[str, Any]) -> None:
        events.append((uuid7_text(), event_type, SOURCE, subject, division, actor, orjson.dumps(data).decode(), now))

    event(T_REGISTERED, {**base, "labour_type": h["labour_type"], "poverty_causes": causes,
                         "guarantee_type": h["guarantee_type"], "year": registered_year})
    members = []
    id_numbers = []
    for draft, number in zip(drafts, numbers, strict=True):
        mid = uuid7_text()
        members.append((mid, hid, draft.id_number, draft.name, draft.sex, draft.birth_date, draft.relation,
                        draft.in_school, draft.education, draft.health, draft.disability_grade,
                        draft.medical_insurance, draft.pension_insurance, draft.labour_skill, draft.employment,
                        active, 1, now, now))
        id_numbers.append((draft.id_number, number))
        event(T_MEMBER, {**base, "member_id": mid, "birth_date": draft.birth_date, "sex": draft.sex,
                         "in_school": draft.in_school, "health": draft.health,
                         "disability_grade": draft.disability_grade, "medical_insurance": draft.medical_insurance,
                         "relation": draft.relation, "education": draft.education,
                         "pension_insurance": draft.pension_insurance, "labour_skill": draft.labour_skill,
                         "employment": draft.employment, "active": active})
    income = guarantee = None
    income_year = h["income_year"]
    per_capita = None
    if income_year is not None:
        amounts = records_domain.Income(money["wage"], money["production"], money["production_cost"],
                                        money["property"], money["transfer"])
        per_capita = records_domain.per_capita_fen(amounts, persons)
        income = (hid, income_year, amounts.wage_fen, amounts.production_fen, amounts.production_cost_fen,
                  amounts.property_fen, amounts.transfer_fen, amounts.disposable_fen, persons, per_capita, 1, now)
        event(T_INCOME, {**base, "year": income_year, "per_capita_income_fen": per_capita,
                         "line_fen": ctx.lines.get(income_year, 0), "labour_capacity": h["labour_type"] != "no_labour",
                         "disposable_fen": amounts.disposable_fen, "members_counted": persons})
        if guarantee_values is not None:
            g = records_domain.Guarantees(*guarantee_values)
            guarantee = (hid, income_year, *guarantee_values, g.compliant, 1, now)
            event(T_GUARANTEES, {**base, "year": income_year, "food": g.food, "clothing": g.clothing,
                                 "compulsory_education": g.compulsory_education, "basic_medical": g.basic_medical,
                                 "housing_safety": g.housing_safety, "drinking_water": g.drinking_water,
                                 "compliant": g.compliant})
    if h["identified_year"] is not None and status != Status.REJECTED:
        event(T_IDENTIFIED, {**base, "year": h["identified_year"], "poverty_causes": causes,
                             "labour_type": h["labour_type"]})
    if status in (Status.EXITED, Status.RETURNED):
        exit_year = h["exit_year"]
        income_track = h["labour_type"] != "no_labour"
        event(T_EXITED, {**base, "year": exit_year, "exit_path": h["exit_path"],
                         "per_capita_income_fen": per_capita if income_year == exit_year else None,
                         "line_fen": ctx.lines.get(exit_year) if income_track else None})
    if status == Status.RETURNED:
        event(T_RETURNED, {**base, "year": h["return_year"], "cause": h["return_cause"], "new_poverty": False})
    if status == Status.REMOVED:
        event(T_REMOVED, {**base, "year": h["removal_year"], "reason": h["removal_reason"]})
    return Prepared(household_no=household_no, digest=fingerprint, village_code=village,
                    rows=[n for n, _, _ in group], household=household, members=members, id_numbers=id_numbers,
                    income=income, guarantee=guarantee, events=events)
