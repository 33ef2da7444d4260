"""Verification sampling frames for field checks (抽查), by Guangdong's 2018 rule: per city at least
2 counties, per county 2 towns, per town 2 villages, per village at least 10 pre-exit households
including at least 1 with a disabled member.

Reproducible: every choice orders candidates by SHA-256 of ``seed|level|code``, so the same seed
and the same frame give the same sample, and a change in one county's frame does not reshuffle
the others. Areas that can meet the rule in full are preferred; when the frame cannot meet it
(too few villages, households or disabled members), the best available is taken and the
shortfall is named."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

GUANGDONG_MINIMUMS = {"counties": 2, "towns_per_county": 2, "villages_per_town": 2,
                      "households_per_village": 10, "disabled_min": 1}
DEFAULT_STATUSES = ("pre_exit", "exit_notice")
"""Registry statuses of households in the exit procedure (预退出, exit public notice)."""


def normalise_status(status: str) -> str:
    return status.strip().lower().replace("-", "_").replace(" ", "_")


def town_of(village_code: str) -> str:
    return village_code[:9] + "000"


def county_of(village_code: str) -> str:
    return village_code[:6] + "000000"


@dataclass(frozen=True, slots=True)
class FrameHousehold:
    household_id: str
    village_code: str
    status: str
    persons: int
    has_disabled: bool


@dataclass(frozen=True, slots=True)
class SamplingRule:
    counties: int = 2
    towns_per_county: int = 2
    villages_per_town: int = 2
    households_per_village: int = 10
    disabled_min: int = 1
    statuses: tuple[str, ...] = DEFAULT_STATUSES


def rule_problems(rule: SamplingRule) -> list[dict[str, str]]:
    """Parameters below Guangdong's minimums are refused."""
    errors = []
    for name, minimum in GUANGDONG_MINIMUMS.items():
        if getattr(rule, name) < minimum:
            errors.append({"pointer": f"#/{name}", "detail": f"Guangdong's rule requires at least {minimum}"})
    if rule.disabled_min > rule.households_per_village:
        errors.append({"pointer": "#/disabled_min", "detail": "cannot exceed households_per_village"})
    if not rule.statuses:
        errors.append({"pointer": "#/statuses", "detail": "at least one household status"})
    return errors


@dataclass(frozen=True, slots=True)
class SampledHousehold:
    county_code: str
    town_code: str
    village_code: str
    household_id: str
    status: str
    persons: int
    has_disabled: bool


@dataclass(frozen=True, slots=True)
class Sample:
    households: tuple[SampledHousehold, ...]
    shortfalls: tuple[str, ...]
    frame_households: int
    frame_fingerprint: str
    counties: tuple[str, ...] = field(default=())
    villages: int = 0


def _order(seed: str, level: str, code: str) -> str:
    return hashlib.sha256(f"{seed}|{level}|{code}".encode()).hexdigest()


def frame_fingerprint(frame: Iterable[FrameHousehold]) -> str:
    """SHA-256 over the frame in a canonical order: equal fingerprints mean equal frames."""
    digest = hashlib.sha256()
    for h in sorted(frame, key=lambda h: h.household_id):
        digest.update(f"{h.household_id}|{h.village_code}|{normalise_status(h.status)}|{int(h.has_disabled)}\n".encode())
    return digest.hexdigest()


def draw_sample(frame: Sequence[FrameHousehold], rule: SamplingRule, seed: str) -> Sample:
    statuses = {normalise_status(s) for s in rule.statuses}
    eligible = [h for h in frame if normalise_status(h.status) in statuses]
    by_village: dict[str, list[FrameHousehold]] = defaultdict(list)
    for h in eligible:
        by_village[h.village_code].append(h)

    def village_full(code: str) -> bool:
        rows = by_village[code]
        return len(rows) >= rule.households_per_village and sum(h.has_disabled for h in rows) >= rule.disabled_min

    villages_of_town: dict[str, list[str]] = defaultdict(list)
    for code in by_village:
        villages_of_town[town_of(code)].append(code)
    towns_of_county: dict[str, list[str]] = defaultdict(list)
    for town in villages_of_town:
        towns_of_county[county_of(town)].append(town)

    def town_full(town: str) -> bool:
        return sum(village_full(v) for v in villages_of_town[town]) >= rule.villages_per_town

    def county_full(county: str) -> bool:
        return sum(town_full(t) for t in towns_of_county[county]) >= rule.towns_per_county

    def pick(codes: Iterable[str], level: str, k: int, full) -> list[str]:  # noqa: ANN001
        ranked = sorted(codes, key=lambda c: (not full(c), _order(seed, level, c)))
        return sorted(ranked[:k])

    shortfalls: list[str] = []
    chosen: list[SampledHousehold] = []
    counties = pick(towns_of_county, "county", rule.counties, county_full)
    if len(counties) < rule.counties:
        shortfalls.append(f"only {len(counties)} count(ies) have households in the frame; the rule asks for {rule.counties}")
    village_count = 0
    for county in counties:
        towns = pick(towns_of_county[county], "town", rule.towns_per_county, town_full)
        if len(towns) < rule.towns_per_county:
            shortfalls.append(f"county {county}: {len(towns)} town(s) in the frame, {rule.towns_per_county} asked")
        for town in towns:
            villages = pick(villages_of_town[town], "village", rule.villages_per_town, village_full)
            if len(villages) < rule.villages_per_town:
                shortfalls.append(f"town {town}: {len(villages)} village(s) in the frame, {rule.villages_per_town} asked")
            for village in villages:
                village_count += 1
                rows = sorted(by_village[village], key=lambda h: _order(seed, "household", h.household_id))
                disabled = [h for h in rows if h.has_disabled][:rule.disabled_min]
                taken = {h.household_id for h in disabled}
                rest = [h for h in rows if h.household_id not in taken][
                    :max(0, rule.households_per_village - len(disabled))]
                picked = disabled + rest
                if len(picked) < rule.households_per_village:
                    shortfalls.append(f"village {village}: {len(picked)} household(s) in the frame, "
                                      f"{rule.households_per_village} asked")
                if len(disabled) < rule.disabled_min:
                    shortfalls.append(f"village {village}: {len(disabled)} household(s) with a disabled member, "
                                      f"{rule.disabled_min} asked")
                for h in sorted(picked, key=lambda h: h.household_id):
                    chosen.append(SampledHousehold(county, town, village, h.household_id,
                                                   normalise_status(h.status), h.persons, h.has_disabled))
    return Sample(households=tuple(chosen), shortfalls=tuple(shortfalls), frame_households=len(eligible),
                  frame_fingerprint=frame_fingerprint(eligible), counties=tuple(counties), villages=village_count)
