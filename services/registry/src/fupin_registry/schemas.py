"""Building blocks of the registry's request and response models."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from fupin_registry import codelists

YEAR_MIN, YEAR_MAX = 2014, 2035
"""建档立卡 began in 2014; years outside this range are refused."""

DivisionCode = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
Fen = Annotated[int, Field(ge=0, le=10**13, description="Money in fen (1/100 yuan), an integer ≥ 0")]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Note = Annotated[str | None, Field(max_length=500)]


def _codes(code_list: codelists.CodeList):  # noqa: ANN202 - a Literal type built from the list
    return Literal[tuple(c.code for c in code_list.codes)]  # type: ignore[valid-type]


PovertyCause = _codes(codelists.POVERTY_CAUSE)
HouseholdStatus = _codes(codelists.HOUSEHOLD_STATUS)
ExitPath = _codes(codelists.EXIT_PATH)
LabourType = _codes(codelists.LABOUR_TYPE)
GuaranteeType = _codes(codelists.GUARANTEE_TYPE)
Sex = _codes(codelists.SEX)
Relation = _codes(codelists.RELATION)
Health = _codes(codelists.HEALTH)
Education = _codes(codelists.EDUCATION)
LabourSkill = _codes(codelists.LABOUR_SKILL)
Employment = _codes(codelists.EMPLOYMENT)
HousingSafety = _codes(codelists.HOUSING_SAFETY)
MeasureType = _codes(codelists.MEASURE_TYPE)
LeaveReason = _codes(codelists.LEAVE_REASON)
RemovalReason = _codes(codelists.REMOVAL_REASON)


class Schema(BaseModel):
    """Request bodies: unknown fields refused, strings stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Failed(BaseModel):
    criterion: str
    detail: str
