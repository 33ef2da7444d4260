"""Village exit (出列) rules, action plan 一(二): village per-capita disposable income at or above 60% of
the provincial rural figure (11,599 yuan as measured), roads hardened to every natural village of
20 or more households, the clean-village standard, safe drinking water and network access."""
from __future__ import annotations

from dataclasses import dataclass

from fupin_registry.records.domain import Failure

ROAD_THRESHOLD_HOUSEHOLDS = 20


@dataclass(frozen=True, slots=True)
class VillageEvidence:
    per_capita_income_fen: int
    hardened_roads: frozenset[str]
    clean_village: bool
    drinking_water: bool
    network: bool


def natural_villages_needing_roads(natural_villages: list[tuple[str, int]]) -> list[str]:
    """Ids of the natural villages of 20+ households (whose road must be hardened)."""
    return [nv_id for nv_id, households in natural_villages if households >= ROAD_THRESHOLD_HOUSEHOLDS]


def village_exit_failures(evidence: VillageEvidence | None, *, line_fen: int | None,
                          natural_villages: list[tuple[str, int]]) -> list[Failure]:
    if evidence is None:
        return [Failure("no_record", "no village record for the year")]
    failed: list[Failure] = []
    if line_fen is None:
        failed.append(Failure("no_line", "no poverty line is set for the year"))
    elif evidence.per_capita_income_fen < line_fen:
        failed.append(Failure("income_below_line", f"village per-capita disposable income "
                                                   f"{evidence.per_capita_income_fen} fen is below {line_fen} fen"))
    missing = [nv for nv in natural_villages_needing_roads(natural_villages) if nv not in evidence.hardened_roads]
    if missing:
        failed.append(Failure("roads_not_hardened", f"{len(missing)} natural village(s) of 20+ households without a "
                                                    f"hardened road: {', '.join(missing[:10])}"))
    if not evidence.clean_village:
        failed.append(Failure("clean_village", "the clean-village standard (整洁村) is not met"))
    if not evidence.drinking_water:
        failed.append(Failure("drinking_water", "drinking water is not safe"))
    if not evidence.network:
        failed.append(Failure("network", "no network access"))
    return failed
