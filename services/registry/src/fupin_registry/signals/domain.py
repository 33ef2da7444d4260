"""Pure rules of incoming signals: the kinds, what each must carry, where an unmatched one belongs."""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from fupin_shared.auth.principal import in_division


class SignalKind(StrEnum):
    MEDICAL_BILL = "medical_bill"              # 医保: a large out-of-pocket medical bill
    DISABILITY_CERTIFICATE = "disability_certificate"  # 残联: a new disability certificate
    SCHOOL_DROPOUT = "school_dropout"          # 教育: a pupil left compulsory schooling
    HOUSING_SAFETY = "housing_safety"          # 住建: a housing safety rating (A–D)
    DISASTER = "disaster"                      # 应急: a household hit by a disaster


REQUIRED: dict[SignalKind, tuple[str, ...]] = {
    SignalKind.MEDICAL_BILL: ("amount_fen",),
    SignalKind.DISABILITY_CERTIFICATE: ("disability_grade",),
    SignalKind.SCHOOL_DROPOUT: (),
    SignalKind.HOUSING_SAFETY: ("rating",),
    SignalKind.DISASTER: ("disaster_type",),
}


def detail_errors(kind: SignalKind, detail: dict[str, Any]) -> list[dict[str, str]]:
    """Per-field problems of a signal's detail (pointers into the request body)."""
    errors = [{"pointer": f"#/detail/{name}", "detail": "is required for this kind"}
              for name in REQUIRED[kind] if detail.get(name) is None]
    if kind is SignalKind.MEDICAL_BILL and detail.get("amount_fen") is not None:
        if not isinstance(detail["amount_fen"], int) or detail["amount_fen"] <= 0:
            errors.append({"pointer": "#/detail/amount_fen", "detail": "must be a positive integer (fen)"})
    if kind is SignalKind.DISABILITY_CERTIFICATE and detail.get("disability_grade") is not None:
        if detail["disability_grade"] not in (1, 2, 3, 4):
            errors.append({"pointer": "#/detail/disability_grade", "detail": "must be 1, 2, 3 or 4"})
    if kind is SignalKind.HOUSING_SAFETY and detail.get("rating") is not None:
        if detail["rating"] not in ("A", "B", "C", "D"):
            errors.append({"pointer": "#/detail/rating", "detail": "must be A, B, C or D"})
    return errors


def unmatched_division(id_number: str, poster_division: str) -> str:
    """Where an unmatched signal is listed: the county of the ID number's area code when the poster
    may see it, else the poster's own division."""
    county = id_number[:6] + "000000"
    return county if in_division(county, poster_division) else poster_division
