"""Pure rules of asset income (资产收益, task 3): assets formed by projects are quantified as shares to
village collectives (折股量化); their income reaches households as a guaranteed part plus a dividend by
shares (保底收益 + 按股分红)."""
from __future__ import annotations

import re
from enum import StrEnum

from fupin_funds.divisions import DivisionLevel, ancestor_at, level_of

WHOLE_BP = 10_000
FORMING_STATUSES = frozenset({"completed", "accepted"})
PERIOD = re.compile(r"^(20\d\d)(H[12]|Q[1-4])?$")


class ShareError(StrEnum):
    EXCEED_WHOLE = "shares_exceed_whole"
    DUPLICATE_VILLAGE = "duplicate_village"
    NOT_A_VILLAGE = "not_a_village"
    OUTSIDE_COUNTY = "village_outside_asset_county"


def share_errors(shares: list[tuple[str, int]], *, asset_division: str) -> list[ShareError]:
    """Shares go to village collectives of the asset's county and add up to at most the whole asset."""
    errors: list[ShareError] = []
    codes = [code for code, _ in shares]
    if len(set(codes)) != len(codes):
        errors.append(ShareError.DUPLICATE_VILLAGE)
    if sum(bp for _, bp in shares) > WHOLE_BP:
        errors.append(ShareError.EXCEED_WHOLE)
    if any(level_of(code) != DivisionLevel.VILLAGE for code in codes):
        errors.append(ShareError.NOT_A_VILLAGE)
    county = ancestor_at(asset_division, DivisionLevel.COUNTY)
    if any(ancestor_at(code, DivisionLevel.COUNTY) != county for code in codes):
        errors.append(ShareError.OUTSIDE_COUNTY)
    return errors


def split_pro_rata(total_fen: int, weights: list[int]) -> list[int]:
    """Split ``total_fen`` by ``weights`` in whole fen (largest remainder, ties to the earlier entry):
    the parts always add up to the total exactly."""
    if total_fen < 0 or any(w < 0 for w in weights):
        raise ValueError("amounts and weights must not be negative")
    whole = sum(weights)
    if whole == 0:
        if total_fen:
            raise ValueError("cannot split a positive amount over zero weights")
        return [0] * len(weights)
    parts = [total_fen * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total_fen * weights[i] % whole), i))
    for i in remainders[: total_fen - sum(parts)]:
        parts[i] += 1
    return parts


def payouts(*, guaranteed_per_household_fen: int, dividend_fen: int,
            recipients: list[tuple[str, int]]) -> list[tuple[str, int, int]]:
    """Each household: the guaranteed amount plus its share of the dividend pool by its shares."""
    dividends = split_pro_rata(dividend_fen, [shares for _, shares in recipients])
    return [(household, guaranteed_per_household_fen, dividend)
            for (household, _), dividend in zip(recipients, dividends, strict=True)]


class DistributionError(StrEnum):
    VILLAGE_HOLDS_NO_SHARE = "village_holds_no_share"
    NO_RECIPIENTS = "no_recipients"
    BAD_PERIOD = "period_not_like_2019_2019H1_2019Q3"
    PERIOD_YEAR_MISMATCH = "period_year_mismatch"


def distribution_errors(*, village_share_bp: int | None, recipients: int, period: str, year: int
                        ) -> list[DistributionError]:
    errors = []
    if not village_share_bp:
        errors.append(DistributionError.VILLAGE_HOLDS_NO_SHARE)
    if recipients == 0:
        errors.append(DistributionError.NO_RECIPIENTS)
    match = PERIOD.match(period)
    if match is None:
        errors.append(DistributionError.BAD_PERIOD)
    elif int(match.group(1)) != year:
        errors.append(DistributionError.PERIOD_YEAR_MISMATCH)
    return errors
