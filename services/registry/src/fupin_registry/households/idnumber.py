"""Citizen identity numbers (公民身份号码), GB 11643-1999.

18 characters: a 6-digit area code, the birth date (YYYYMMDD), a 3-digit sequence number (odd for
men, even for women) and a check character computed with ISO 7064 MOD 11-2 (weights 2^(17-i) mod 11;
a value of 10 is written ``X``). The area code is *not* checked against a list: codes are merged and
renamed over the years, and a person keeps the number they were given, so an unknown area code is
not an error.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date

WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
CHECK_CHARS = "10X98765432"  # index = weighted sum mod 11
_DIGITS = frozenset("0123456789")


_WEIGHT_SUM_ZERO = 48 * sum(WEIGHTS)  # the weighted sum of the ASCII codes of "0"


def check_character(first17: str) -> str:
    """The check character of the first 17 digits."""
    if len(first17) != 17:
        raise ValueError("17 digits expected")
    return CHECK_CHARS[(sum(map(operator.mul, first17.encode("ascii"), WEIGHTS)) - _WEIGHT_SUM_ZERO) % 11]


@dataclass(frozen=True, slots=True)
class IdNumber:
    value: str
    area_code: str
    birth_date: date
    sequence: int

    @property
    def sex(self) -> str:
        return "male" if self.sequence % 2 == 1 else "female"


class InvalidIdNumber(ValueError):
    """Raised by :func:`parse` with a message fit for a per-field error."""


def normalise(value: str) -> str:
    return value.strip().upper()


def parse(value: str, *, today: date | None = None) -> IdNumber:
    """Parse and verify an 18-character identity number (check character, real birth date)."""
    text = normalise(value)
    if len(text) != 18:
        raise InvalidIdNumber("must be 18 characters")
    body, check = text[:17], text[17]
    if not _DIGITS.issuperset(body) or (check not in _DIGITS and check != "X"):
        raise InvalidIdNumber("must be 17 digits followed by a digit or X")
    try:
        born = date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        raise InvalidIdNumber("contains an impossible birth date") from None
    if born.year < 1880 or born > (today or date.today()):
        raise InvalidIdNumber("contains a birth date outside 1880..today")
    if check_character(body) != check:
        raise InvalidIdNumber("check character does not match (GB 11643)")
    return IdNumber(value=text, area_code=body[:6], birth_date=born, sequence=int(body[14:17]))


def problem(value: str, *, today: date | None = None) -> str | None:
    """None when ``value`` is a valid number, else the reason."""
    try:
        parse(value, today=today)
    except InvalidIdNumber as exc:
        return str(exc)
    return None


def make(area_code: str, born: date, sequence: int) -> str:
    """Build a valid number (used by the demo-data generator and tests)."""
    body = f"{area_code}{born:%Y%m%d}{sequence:03d}"
    return body + check_character(body)
