"""Request and response models for households and members."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, Field, StringConstraints

from fupin_registry.households.domain import MemberDraft
from fupin_registry.schemas import (DivisionCode, Education, Employment, ExitPath, GuaranteeType, Health, LabourSkill,
                                    LabourType, LeaveReason, Note, PovertyCause, Relation, RemovalReason, Schema, Sex,
                                    Year)
from fupin_shared.auth import mask_account, mask_id_number, mask_name, mask_phone
from fupin_shared.auth.principal import Principal

IdNumberText = Annotated[str, StringConstraints(min_length=1, max_length=18, to_upper=True)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=60)]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9+\-]{5,20}$")]
Account = Annotated[str, StringConstraints(pattern=r"^[0-9]{8,40}$")]
HouseholdNo = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z\-]{1,30}$")]


class MemberAttributes(Schema):
    sex: Sex | None = None
    """Derived from the ID number when omitted; refused when it contradicts it."""
    birth_date: date | None = None
    """Derived from the ID number when omitted; refused when it contradicts it."""
    in_school: bool = False
    education: Education | None = None
    health: Health = "healthy"
    disability_grade: Annotated[int | None, Field(ge=1, le=4)] = None
    medical_insurance: bool = False
    """Enrolled in basic medical insurance (城乡居民基本医疗保险)."""
    pension_insurance: bool = False
    """Enrolled in basic pension insurance (城乡居民基本养老保险)."""
    labour_skill: LabourSkill | None = None
    employment: Employment | None = None


class HeadIn(MemberAttributes):
    id_number: IdNumberText
    """18 characters with the GB 11643 check character."""
    name: Name

    def draft(self) -> MemberDraft:
        return MemberDraft(relation="head", **self.model_dump())


class MemberIn(MemberAttributes):
    id_number: IdNumberText
    name: Name
    relation: Relation

    def draft(self) -> MemberDraft:
        return MemberDraft(**self.model_dump())


class HouseholdCreate(Schema):
    village_code: DivisionCode
    head: HeadIn
    members: Annotated[list[MemberIn], Field(max_length=29)] = []
    """Members other than the head."""
    labour_type: LabourType
    poverty_causes: Annotated[list[PovertyCause], Field(min_length=1, max_length=5)]
    """Main cause first."""
    guarantee_type: GuaranteeType = "none"
    household_no: HouseholdNo | None = None
    """The county's household number (户编号), unique."""
    year: Year | None = None
    """Year of application; this year when omitted."""
    assisting_cadre: Annotated[str | None, Field(max_length=60)] = None
    assisting_cadre_phone: Phone | None = None
    assisting_unit: Annotated[str | None, Field(max_length=120)] = None
    phone: Phone | None = None
    one_card_account: Account | None = None
    """一卡通 account subsidies are paid into."""
    address: Annotated[str | None, Field(max_length=200)] = None
    persons: Annotated[int | None, Field(ge=1, le=30)] = None
    """Deprecated: derived from the members; when sent it must equal 1 + len(members)."""


class HouseholdUpdate(Schema):
    village_code: DivisionCode | None = None
    """Move the household to another village (both villages must be in the caller's division)."""
    labour_type: LabourType | None = None
    guarantee_type: GuaranteeType | None = None
    poverty_causes: Annotated[list[PovertyCause] | None, Field(min_length=1, max_length=5)] = None
    household_no: HouseholdNo | None = None
    assisting_cadre: Annotated[str | None, Field(max_length=60)] = None
    assisting_cadre_phone: Phone | None = None
    assisting_unit: Annotated[str | None, Field(max_length=120)] = None
    phone: Phone | None = None
    one_card_account: Account | None = None
    address: Annotated[str | None, Field(max_length=200)] = None


class MemberUpdate(Schema):
    name: Name | None = None
    relation: Relation | None = None
    in_school: bool | None = None
    education: Education | None = None
    health: Health | None = None
    disability_grade: Annotated[int | None, Field(ge=1, le=4)] = None
    medical_insurance: bool | None = None
    pension_insurance: bool | None = None
    labour_skill: LabourSkill | None = None
    employment: Employment | None = None


class MemberLeave(Schema):
    reason: LeaveReason
    on: date | None = None
    new_head_member_id: uuid.UUID | None = None
    """Required when the head leaves and others stay."""
    note: Note = None


# -- lifecycle bodies --------------------------------------------------------------------------------

class StepIn(Schema):
    on: date | None = None
    """The day the step was taken (today when omitted; never in the future)."""
    note: Note = None


class NoticeIn(StepIn):
    days: Annotated[int, Field(ge=7, le=60)] = 7
    """Length of the public notice: at least 7 days."""


class IdentificationStepIn(StepIn):
    days: Annotated[int, Field(ge=7, le=60)] = 7
    """notice: length of the public notice (at least 7 days)."""
    year: Year | None = None
    """approve: the year of identification (the year of ``on`` when omitted)."""


class NewPovertyIn(StepIn):
    cause: PovertyCause
    """illness or disaster."""
    year: Year


class PreExitIn(StepIn):
    year: Year
    exit_path: ExitPath | None = None


class ExitNoticeIn(NoticeIn):
    year: Year


class ExitIn(StepIn):
    year: Year
    exit_path: ExitPath


class CancelExitIn(StepIn):
    pass


class FollowUpIn(StepIn):
    pass


class ReturnIn(StepIn):
    cause: PovertyCause
    year: Year


class RemovalIn(StepIn):
    reason: RemovalReason
    year: Year


# -- responses ---------------------------------------------------------------------------------------

class HeadRead(BaseModel):
    name: str
    id_number: str


class MemberRead(BaseModel):
    id: uuid.UUID
    id_number: str
    name: str
    sex: str
    birth_date: date
    relation: str
    in_school: bool
    education: str | None
    health: str
    disability_grade: int | None
    medical_insurance: bool
    pension_insurance: bool
    labour_skill: str | None
    employment: str | None
    active: bool
    left_on: date | None
    left_reason: str | None
    version: int

    @classmethod
    def for_viewer(cls, m: Any, unmasked: bool) -> Self:
        # built from stored rows, so validation is skipped (model_construct): the hot read path
        return cls.model_construct(id=m.id, id_number=m.id_number if unmasked else mask_id_number(m.id_number),
                   name=m.name if unmasked else mask_name(m.name), sex=m.sex, birth_date=m.birth_date,
                   relation=m.relation, in_school=m.in_school, education=m.education, health=m.health,
                   disability_grade=m.disability_grade, medical_insurance=m.medical_insurance,
                   pension_insurance=m.pension_insurance, labour_skill=m.labour_skill, employment=m.employment,
                   active=m.active, left_on=m.left_on, left_reason=m.left_reason, version=m.version)


class Notice(BaseModel):
    kind: str
    started_on: date | None
    ends_on: date | None


class HouseholdRead(BaseModel):
    id: uuid.UUID
    household_no: str | None
    village_code: str
    status: str
    head: HeadRead
    persons: int
    labour_type: str | None
    guarantee_type: str
    poverty_causes: list[str]
    assisting_cadre: str | None
    assisting_cadre_phone: str | None
    assisting_unit: str | None
    phone: str | None
    one_card_account: str | None
    address: str | None
    registered_year: int | None
    identified_year: int | None
    exit_year: int | None
    exit_path: str | None
    return_year: int | None
    return_cause: str | None
    removal_year: int | None
    removal_reason: str | None
    notice: Notice | None
    allowed_steps: list[str]
    members: list[MemberRead]
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def for_viewer(cls, h: Any, members: list[Any], viewer: Principal) -> Self:
        """Mask personal data unless the viewer holds pii:read."""
        from fupin_registry.households.domain import allowed_steps

        u = viewer.may_read_pii
        return cls.model_construct(
            id=h.id, household_no=h.household_no, village_code=h.village_code, status=h.status,
            head=HeadRead.model_construct(name=h.head_name if u else mask_name(h.head_name),
                                          id_number=h.head_id_number if u else mask_id_number(h.head_id_number)),
            persons=h.persons, labour_type=h.labour_type, guarantee_type=h.guarantee_type,
            poverty_causes=list(h.poverty_causes or []), assisting_cadre=h.assisting_cadre,
            assisting_cadre_phone=h.assisting_cadre_phone, assisting_unit=h.assisting_unit,
            phone=h.phone if u else mask_phone(h.phone),
            one_card_account=h.one_card_account if u else mask_account(h.one_card_account),
            address=h.address if u else mask_name(h.address), registered_year=h.registered_year,
            identified_year=h.identified_year, exit_year=h.exit_year, exit_path=h.exit_path,
            return_year=h.return_year, return_cause=h.return_cause, removal_year=h.removal_year,
            removal_reason=h.removal_reason,
            notice=Notice.model_construct(kind=h.notice_kind, started_on=h.notice_started_on,
                                          ends_on=h.notice_ends_on) if h.notice_kind else None,
            allowed_steps=allowed_steps(h.status),
            members=[MemberRead.for_viewer(m, u) for m in members], version=h.version, created_at=h.created_at,
            updated_at=h.updated_at)


class HouseholdPage(BaseModel):
    items: list[HouseholdRead]
    next_cursor: str | None = None


class MemberPage(BaseModel):
    items: list[MemberRead]
    next_cursor: str | None = None


class HistoryEntry(BaseModel):
    id: uuid.UUID
    type: str
    time: datetime
    sequence: int | None
    actor: str | None
    data: dict


class HouseholdAsOf(BaseModel):
    """A household as its events describe it at ``as_of`` (names and ID numbers are not in events)."""

    id: uuid.UUID
    as_of: datetime
    village_code: str | None
    status: str | None
    persons: int
    labour_type: str | None
    guarantee_type: str | None
    poverty_causes: list[str]
    registered_year: int | None
    identified_year: int | None
    exit_year: int | None
    exit_path: str | None
    return_year: int | None
    return_cause: str | None
    removal_year: int | None
    removal_reason: str | None
    members: list[dict[str, Any]]
    incomes: dict[int, dict[str, Any]]
    guarantees: dict[int, dict[str, Any]]
    measures: list[dict[str, Any]]
    events: int
    """How many events were applied."""
    last_event_at: datetime | None


# -- the hot read path: the same document as HouseholdRead, built as plain data (no pydantic per request) --

def member_document(m: Any, unmasked: bool) -> dict[str, Any]:
    return {"id": m.id, "id_number": m.id_number if unmasked else mask_id_number(m.id_number),
            "name": m.name if unmasked else mask_name(m.name), "sex": m.sex, "birth_date": m.birth_date,
            "relation": m.relation, "in_school": m.in_school, "education": m.education, "health": m.health,
            "disability_grade": m.disability_grade, "medical_insurance": m.medical_insurance,
            "pension_insurance": m.pension_insurance, "labour_skill": m.labour_skill, "employment": m.employment,
            "active": m.active, "left_on": m.left_on, "left_reason": m.left_reason, "version": m.version}


def household_document(h: Any, members: list[Any], viewer: Principal) -> dict[str, Any]:
    """``HouseholdRead.for_viewer(...).model_dump(mode="json")`` without building models (a unit test keeps
    the two identical)."""
    from fupin_registry.households.domain import allowed_steps

    u = viewer.may_read_pii
    return {
        "id": h.id, "household_no": h.household_no, "village_code": h.village_code, "status": h.status,
        "head": {"name": h.head_name if u else mask_name(h.head_name),
                 "id_number": h.head_id_number if u else mask_id_number(h.head_id_number)},
        "persons": h.persons, "labour_type": h.labour_type, "guarantee_type": h.guarantee_type,
        "poverty_causes": list(h.poverty_causes or []), "assisting_cadre": h.assisting_cadre,
        "assisting_cadre_phone": h.assisting_cadre_phone, "assisting_unit": h.assisting_unit,
        "phone": h.phone if u else mask_phone(h.phone),
        "one_card_account": h.one_card_account if u else mask_account(h.one_card_account),
        "address": h.address if u else mask_name(h.address), "registered_year": h.registered_year,
        "identified_year": h.identified_year, "exit_year": h.exit_year, "exit_path": h.exit_path,
        "return_year": h.return_year, "return_cause": h.return_cause, "removal_year": h.removal_year,
        "removal_reason": h.removal_reason,
        "notice": {"kind": h.notice_kind, "started_on": h.notice_started_on, "ends_on": h.notice_ends_on}
        if h.notice_kind else None,
        "allowed_steps": allowed_steps(h.status), "members": [member_document(m, u) for m in members],
        "version": h.version, "created_at": h.created_at, "updated_at": h.updated_at}
