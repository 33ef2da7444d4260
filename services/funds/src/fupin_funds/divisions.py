"""Division codes as the funds service needs them: levels, subtree tests, the city's counties.

Pure functions (no I/O). Names of towns and villages are not the funds service's data; they come
with the records that carry them (a project's ``location``, a notice's ``division_name``).
"""
from __future__ import annotations

from enum import StrEnum

from fupin_shared.auth.principal import division_prefix

CITY_CODE = "441200000000"
COUNTY_NAMES = {
    "441200000000": "肇庆市",
    "441202000000": "端州区",
    "441203000000": "鼎湖区",
    "441204000000": "高要区",
    "441223000000": "广宁县",
    "441224000000": "怀集县",
    "441225000000": "封开县",
    "441226000000": "德庆县",
    "441284000000": "四会市",
}
COUNTIES = [code for code in COUNTY_NAMES if code != CITY_CODE]


class DivisionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"


_LEVEL_BY_PREFIX = {2: DivisionLevel.PROVINCE, 4: DivisionLevel.CITY, 6: DivisionLevel.COUNTY,
                    9: DivisionLevel.TOWN, 12: DivisionLevel.VILLAGE}
DEPTH = {DivisionLevel.PROVINCE: 0, DivisionLevel.CITY: 1, DivisionLevel.COUNTY: 2, DivisionLevel.TOWN: 3,
         DivisionLevel.VILLAGE: 4}
PREFIX_LENGTH = {level: length for length, level in _LEVEL_BY_PREFIX.items()}


def level_of(code: str) -> DivisionLevel:
    """441223000000 → county; 441223101000 → town; 441223101201 → village."""
    return _LEVEL_BY_PREFIX[len(division_prefix(code))]


def within(code: str, ancestor: str) -> bool:
    """``code`` is ``ancestor`` or lies in its subtree."""
    return code.startswith(division_prefix(ancestor))


def strictly_below(code: str, ancestor: str) -> bool:
    return within(code, ancestor) and DEPTH[level_of(code)] > DEPTH[level_of(ancestor)]


def child_level(code: str) -> DivisionLevel | None:
    """The level directly below ``code`` (None for a village)."""
    order = [DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY, DivisionLevel.TOWN,
             DivisionLevel.VILLAGE]
    index = order.index(level_of(code))
    return order[index + 1] if index + 1 < len(order) else None


def ancestor_at(code: str, level: DivisionLevel) -> str:
    """The 12-digit code of ``code``'s ancestor at ``level`` (441223101201, county → 441223000000)."""
    length = PREFIX_LENGTH[level]
    return code[:length] + "0" * (12 - length)


def county_name(code: str) -> str | None:
    return COUNTY_NAMES.get(ancestor_at(code, DivisionLevel.COUNTY)) if DEPTH[level_of(code)] >= 2 else \
        COUNTY_NAMES.get(code)
