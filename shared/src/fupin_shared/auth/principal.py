"""The authenticated caller and the division rules (a county sees only its own subtree)."""
from __future__ import annotations

from dataclasses import dataclass, field

CITY = "441200000000"


def division_prefix(code: str) -> str:
    """The statistical-code prefix a division's subtree shares: 441223000000 -> '441223'."""
    code = code.strip()
    if len(code) != 12 or not code.isdigit():
        raise ValueError(f"division code must be 12 digits: {code!r}")
    for length in (2, 4, 6, 9):
        if code[length:] == "0" * (12 - length):
            return code[:length]
    return code


def division_range(code: str) -> tuple[str, str]:
    """Inclusive [low, high] of the subtree's codes, usable with BETWEEN (index-friendly)."""
    prefix = division_prefix(code)
    pad = 12 - len(prefix)
    return prefix + "0" * pad, prefix + "9" * pad


def in_division(code: str | None, scope_division: str) -> bool:
    return code is not None and code.startswith(division_prefix(scope_division))


@dataclass(frozen=True)
class Principal:
    sub: str
    client_id: str
    scopes: frozenset[str] = field(default_factory=frozenset)
    division: str = CITY
    unit: str | None = None

    def has(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def may_read_pii(self) -> bool:
        return "pii:read" in self.scopes

    def sees(self, division_code: str | None) -> bool:
        return in_division(division_code, self.division)

    @property
    def division_range(self) -> tuple[str, str]:
        return division_range(self.division)
