"""Pure rules of the division tree (12-digit statistical codes)."""
from __future__ import annotations

from fupin_shared.auth.principal import division_prefix

LEVEL_BY_PREFIX = {2: "province", 4: "city", 6: "county", 9: "town", 12: "village"}


def level_of(code: str) -> str:
    return LEVEL_BY_PREFIX[len(division_prefix(code))]


def ancestors(code: str) -> list[str]:
    """Codes of the city, county and town above ``code`` (top first), within the city tree."""
    prefix = division_prefix(code)
    out = []
    for length in (4, 6, 9):
        if length < len(prefix):
            out.append(prefix[:length].ljust(12, "0"))
    return out


def is_ancestor(candidate: str, code: str) -> bool:
    return candidate in ancestors(code)


def designation_changes(current: dict[str, bool], recorded: dict[str, bool]) -> list[tuple[str, bool]]:
    """Village designations to publish, in code order: each village whose provincial poor-village flag
    (``current``) differs from the last one published (``recorded``); a village never flagged and never
    published needs no event."""
    return [(code, flag) for code in sorted(set(current) | set(recorded))
            if (flag := current.get(code, False)) != recorded.get(code, False)]
