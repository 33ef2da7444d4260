"""Pure rules for households and members (no I/O): validation, the lifecycle and its transition
table, notice periods, and the reconstruction of a household's state from its events."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from fupin_registry import codelists
from fupin_registry.households import idnumber

NOTICE_MIN_DAYS = 7
"""Public notices (公示) of identification and exit last at least 7 days (一周)."""
COMPULSORY_SCHOOL_AGES = range(6, 16)
"""义务教育: ages 6 to 15 inclusive."""
WORKING_SKILLS = frozenset({"skilled", "ordinary", "weak"})
NEW_POVERTY_CAUSES = frozenset({"illness", "disaster"})
MAX_CAUSES = 5
MAX_MEMBERS = 30


class Status(StrEnum):
    APPLIED = "applied"
    APPRAISED = "appraised"
    IDENTIFICATION_NOTICE = "identification_notice"
    TOWN_REVIEWED = "town_reviewed"
    IDENTIFIED = "identified"
    PRE_EXIT = "pre_exit"
    EXIT_NOTICE = "exit_notice"
    EXITED = "exited"
    RETURNED = "returned"
    REJECTED = "rejected"
    REMOVED = "removed"


class Step(StrEnum):
    APPRAISE = "appraise"
    START_NOTICE = "start_notice"
    TOWN_REVIEW = "town_review"
    APPROVE = "approve"
    REJECT = "reject"
    REAPPLY = "reapply"
    NEW_POVERTY = "new_poverty"
    PRE_EXIT = "pre_exit"
    START_EXIT_NOTICE = "start_exit_notice"
    CANCEL_EXIT = "cancel_exit"
    EXIT = "exit"
    FOLLOW_UP = "follow_up"
    RETURN = "return"
    REMOVE = "remove"


S = Status
_IN_IDENTIFICATION = (S.APPLIED, S.APPRAISED, S.IDENTIFICATION_NOTICE, S.TOWN_REVIEWED)

TRANSITIONS: dict[tuple[Status, Step], Status] = {
    # identification: application -> village democratic appraisal -> public notice (>= 7 days)
    # -> town review -> county approval (action plan task 24: 提高精准识别质量)
    (S.APPLIED, Step.APPRAISE): S.APPRAISED,
    (S.APPRAISED, Step.START_NOTICE): S.IDENTIFICATION_NOTICE,
    (S.IDENTIFICATION_NOTICE, Step.TOWN_REVIEW): S.TOWN_REVIEWED,
    (S.TOWN_REVIEWED, Step.APPROVE): S.IDENTIFIED,
    **{(s, Step.REJECT): S.REJECTED for s in _IN_IDENTIFICATION},
    (S.REJECTED, Step.REAPPLY): S.APPLIED,
    # new poverty from disaster or illness is brought in at once (及时纳入帮扶范围)
    **{(s, Step.NEW_POVERTY): S.IDENTIFIED for s in _IN_IDENTIFICATION},
    # exit: pre-exit -> public notice (>= 7 days) -> exit with its exit path
    (S.IDENTIFIED, Step.PRE_EXIT): S.PRE_EXIT,
    (S.RETURNED, Step.PRE_EXIT): S.PRE_EXIT,
    (S.PRE_EXIT, Step.START_EXIT_NOTICE): S.EXIT_NOTICE,
    (S.PRE_EXIT, Step.CANCEL_EXIT): S.IDENTIFIED,
    (S.EXIT_NOTICE, Step.CANCEL_EXIT): S.IDENTIFIED,
    (S.EXIT_NOTICE, Step.EXIT): S.EXITED,
    # after exit: follow-up visits (脱贫不脱政策), return to poverty (返贫)
    (S.EXITED, Step.FOLLOW_UP): S.EXITED,
    (S.EXITED, Step.RETURN): S.RETURNED,
    # removal (清退) of an ineligible household, from any status but rejected/removed
    **{(s, Step.REMOVE): S.REMOVED for s in Status if s not in (S.REJECTED, S.REMOVED)},
}

NOTICE_STEPS = {Step.START_NOTICE: "identification", Step.START_EXIT_NOTICE: "exit"}
"""Steps that open a public notice, and the notice they open."""
STEPS_AFTER_NOTICE = {Step.TOWN_REVIEW: "identification", Step.EXIT: "exit"}
"""Steps allowed only once the named notice has run its course."""
IN_POVERTY = frozenset({S.IDENTIFIED, S.PRE_EXIT, S.EXIT_NOTICE, S.RETURNED})


def next_status(status: str, step: str) -> Status | None:
    """The status ``step`` leads to from ``status``; None when the transition is not allowed."""
    try:
        return TRANSITIONS.get((Status(status), Step(step)))
    except ValueError:
        return None


_ALLOWED_STEPS = {status.value: sorted(step.value for (s, step) in TRANSITIONS if s == status) for status in Status}


def allowed_steps(status: str) -> list[str]:
    return list(_ALLOWED_STEPS.get(status, ()))


def notice_ends_on(started_on: date, days: int) -> date:
    """The first day the next step may be taken: ``days`` full days after the notice started."""
    return started_on + timedelta(days=days)


def notice_problem(kind_required: str, *, notice_kind: str | None, ends_on: date | None, on: date) -> str | None:
    """Why a step that needs a finished notice may not be taken on ``on`` (None: it may)."""
    if notice_kind != kind_required or ends_on is None:
        return f"no {kind_required} public notice was started"
    if on < ends_on:
        return f"the {kind_required} public notice runs until {ends_on.isoformat()} (at least {NOTICE_MIN_DAYS} days)"
    return None


def age_on(birth_date: date, on: date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


# -- validation -----------------------------------------------------------------------------------

@dataclass(slots=True)
class MemberDraft:
    """A member as submitted (API body or import row), before it is stored."""

    id_number: str
    name: str
    relation: str
    sex: str | None = None
    birth_date: date | None = None
    in_school: bool = False
    education: str | None = None
    health: str = "healthy"
    disability_grade: int | None = None
    medical_insurance: bool = False
    pension_insurance: bool = False
    labour_skill: str | None = None
    employment: str | None = None


@dataclass(frozen=True, slots=True)
class FieldError:
    pointer: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "detail": self.detail}


def complete_member(member: MemberDraft, pointer: str, *, today: date) -> list[FieldError]:
    """Check the ID number (GB 11643) and fill or check birth date and sex against it, in place."""
    errors: list[FieldError] = []
    try:
        parsed = idnumber.parse(member.id_number, today=today)
    except idnumber.InvalidIdNumber as exc:
        return [FieldError(f"{pointer}/id_number", str(exc))]
    member.id_number = parsed.value
    if member.birth_date is None:
        member.birth_date = parsed.birth_date
    elif member.birth_date != parsed.birth_date:
        errors.append(FieldError(f"{pointer}/birth_date",
                                 f"does not match the ID number's birth date {parsed.birth_date.isoformat()}"))
    if member.sex is None:
        member.sex = parsed.sex
    elif member.sex != parsed.sex:
        errors.append(FieldError(f"{pointer}/sex", f"does not match the ID number (which says {parsed.sex})"))
    if member.disability_grade is not None and not 1 <= member.disability_grade <= 4:
        errors.append(FieldError(f"{pointer}/disability_grade", "must be 1 to 4"))
    return errors


def validate_household(*, members: list[MemberDraft], labour_type: str | None, poverty_causes: list[str],
                       today: date, pointers: list[str] | None = None,
                       members_pointer: str = "#/members") -> list[FieldError]:
    """Rules of a household as a whole: every member valid, exactly one head, no ID number twice,
    causes listed once, and a household 'with labour capacity' has at least one member who can work.
    ``pointers`` locate each member in the request (``#/members/<i>`` by default)."""
    errors: list[FieldError] = []
    where_of = pointers or [f"{members_pointer}/{i}" for i in range(len(members))]
    seen: dict[str, str] = {}
    heads = 0
    for member, where in zip(members, where_of, strict=True):
        errors += complete_member(member, where, today=today)
        if member.relation == "head":
            heads += 1
        if member.id_number in seen:
            errors.append(FieldError(f"{where}/id_number", f"appears twice in the household (also at {seen[member.id_number]})"))
        seen.setdefault(member.id_number, where)
    if heads != 1:
        errors.append(FieldError(members_pointer, f"exactly one member must be the head (户主); found {heads}"))
    if len(members) > MAX_MEMBERS:
        errors.append(FieldError(members_pointer, f"at most {MAX_MEMBERS} members"))
    if not poverty_causes:
        errors.append(FieldError("#/poverty_causes", "at least one cause of poverty is required"))
    elif len(set(poverty_causes)) != len(poverty_causes):
        errors.append(FieldError("#/poverty_causes", "each cause may be listed once"))
    elif len(poverty_causes) > MAX_CAUSES:
        errors.append(FieldError("#/poverty_causes", f"at most {MAX_CAUSES} causes"))
    if labour_type == "labour" and members and all(m.labour_skill is not None for m in members) \
            and not any(m.labour_skill in WORKING_SKILLS for m in members):
        errors.append(FieldError("#/labour_type", "a household with labour capacity needs a member who can work "
                                                  "(labour_skill skilled, ordinary or weak)"))
    return errors


def schooling_gaps(members: list[tuple[date, bool]], on: date) -> int:
    """How many members of compulsory-school age (6–15) are out of school."""
    return sum(1 for born, in_school in members if age_on(born, on) in COMPULSORY_SCHOOL_AGES and not in_school)


# -- state as of a past time ----------------------------------------------------------------------

@dataclass
class Snapshot:
    """A household as its events describe it at some time (no names or ID numbers: events carry none)."""

    household_id: str
    village_code: str | None = None
    status: str | None = None
    persons: int = 0
    labour_type: str | None = None
    guarantee_type: str | None = None
    poverty_causes: list[str] = field(default_factory=list)
    registered_year: int | None = None
    identified_year: int | None = None
    exit_year: int | None = None
    exit_path: str | None = None
    return_year: int | None = None
    return_cause: str | None = None
    removal_year: int | None = None
    removal_reason: str | None = None
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    incomes: dict[int, dict[str, Any]] = field(default_factory=dict)
    guarantees: dict[int, dict[str, Any]] = field(default_factory=dict)
    measures: list[dict[str, Any]] = field(default_factory=list)
    events: int = 0
    last_event_at: Any = None


_MEMBER_FIELDS = ("birth_date", "sex", "relation", "in_school", "education", "health", "disability_grade",
                  "medical_insurance", "pension_insurance", "labour_skill", "employment")


def fold(snapshot: Snapshot, event_type: str, data: dict[str, Any], at: Any) -> Snapshot:
    """Apply one registry event (type ``fupin.registry.<aggregate>.<verb>.v1``) to a snapshot."""
    s = replace(snapshot, events=snapshot.events + 1, last_event_at=at)
    s.village_code = data.get("village_code", s.village_code)
    s.status = data.get("status", s.status)
    s.persons = data.get("persons", s.persons)
    _, _, aggregate, verb, _ = event_type.split(".", 4)
    if aggregate == "household":
        for name in ("labour_type", "guarantee_type"):
            if data.get(name) is not None:
                setattr(s, name, data[name])
        if data.get("poverty_causes") is not None:
            s.poverty_causes = list(data["poverty_causes"])
        if verb == "registered":
            s.registered_year = data.get("year")
        elif verb == "updated":
            for name, value in (data.get("values") or {}).items():
                if hasattr(s, name) and name not in {"members", "incomes", "guarantees", "measures"}:
                    setattr(s, name, value)
        elif verb == "identified":
            s.identified_year = data.get("year")
        elif verb == "exited":
            s.exit_year, s.exit_path = data.get("year"), data.get("exit_path")
        elif verb == "returned":
            s.return_year, s.return_cause = data.get("year"), data.get("cause")
            if data.get("new_poverty"):
                s.identified_year = data.get("year")
        elif verb == "removed":
            s.removal_year, s.removal_reason = data.get("year"), data.get("reason")
        elif verb == "income_recorded":
            s.incomes = {**s.incomes, data["year"]: {
                "per_capita_income_fen": data["per_capita_income_fen"], "line_fen": data.get("line_fen"),
                "labour_capacity": data.get("labour_capacity")}}
        elif verb == "guarantees_assessed":
            s.guarantees = {**s.guarantees, data["year"]: {
                k: data.get(k) for k in ("food", "clothing", "compulsory_education", "basic_medical",
                                         "housing_safety", "drinking_water", "compliant")}}
        elif verb == "measure_recorded":
            s.measures = [*s.measures, {k: data.get(k) for k in ("measure_id", "measure_type", "amount_fen",
                                                                  "on", "plan_task")}]
    elif aggregate == "member":
        member_id = str(data["member_id"])
        current = dict(s.members.get(member_id, {"member_id": member_id, "active": True}))
        for name in _MEMBER_FIELDS:
            if data.get(name) is not None:
                current[name] = data[name]
        if verb == "left":
            current["active"] = False
            current["left_reason"] = data.get("reason")
        s.members = {**s.members, member_id: current}
    return s


def cause_mask(causes: list[str]) -> int:
    return codelists.cause_mask(causes)
