"""Division codes (12-digit statistical codes): levels and ancestors. Pure functions.

city 441200000000 → county 441223000000 (first 6 digits) → town 441223101000 (first 9) → village.
The read model keeps every counter at each level of a code's chain, so any division's figures are
one indexed lookup instead of a scan of its subtree.
"""
from __future__ import annotations

from functools import lru_cache

CITY = "441200000000"

# The city's 8 county-level divisions (real names; towns and villages are named by the registry).
COUNTY_NAMES: dict[str, str] = {
    "441202000000": "端州区", "441203000000": "鼎湖区", "441204000000": "高要区", "441223000000": "广宁县",
    "441224000000": "怀集县", "441225000000": "封开县", "441226000000": "德庆县", "441284000000": "四会市",
}
COUNTY_NAMES_EN: dict[str, str] = {
    "441202000000": "Duanzhou", "441203000000": "Dinghu", "441204000000": "Gaoyao", "441223000000": "Guangning",
    "441224000000": "Huaiji", "441225000000": "Fengkai", "441226000000": "Deqing", "441284000000": "Sihui",
}
NAMES: dict[str, str] = {CITY: "肇庆市", **COUNTY_NAMES}
NAMES_EN: dict[str, str] = {CITY: "Zhaoqing", **COUNTY_NAMES_EN}

LEVELS = ("province", "city", "county", "town", "village")


def is_code(code: str | None) -> bool:
    return isinstance(code, str) and len(code) == 12 and code.isdigit()


@lru_cache(maxsize=65536)
def level_of(code: str) -> str:
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "city"
    if code[6:] == "0" * 6:
        return "county"
    if code[9:] == "000":
        return "town"
    return "village"


@lru_cache(maxsize=65536)
def chain(code: str) -> tuple[str, ...]:
    """The code and its ancestors up to the city, most specific first (the province is not kept)."""
    out = [code]
    level = level_of(code)
    if level == "village":
        out.append(code[:9] + "000")
    if level in ("village", "town"):
        out.append(code[:6] + "000000")
    if level in ("village", "town", "county"):
        out.append(code[:4] + "00000000")
    return tuple(out)


def parent_of(code: str) -> str | None:
    ancestors = chain(code)
    return ancestors[1] if len(ancestors) > 1 else None


def child_level(code: str) -> str | None:
    return {"city": "county", "county": "town", "town": "village"}.get(level_of(code))


def county_of(code: str) -> str | None:
    return code[:6] + "000000" if level_of(code) in ("county", "town", "village") else None


def within(code: str, scope: str) -> bool:
    """True when ``code`` lies in the subtree of ``scope``."""
    return chain(code)[-1] == scope if level_of(scope) == "city" else scope in chain(code)
