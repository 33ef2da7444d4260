"""Who may do what: city-level reviewers run the assessment; everybody reads within their division."""
from __future__ import annotations

from fupin_assessment.assessments.errors import CityReviewerRequired
from fupin_shared.auth.principal import Principal, division_prefix


def require_city(principal: Principal) -> None:
    """Scoring, the workflow, frameworks, publication, corrections and sampling are the city's
    (the leading group's office organises the assessment, plan task 27)."""
    if len(division_prefix(principal.division)) > 4:
        raise CityReviewerRequired()


def may_see(principal: Principal, division_code: str, subject: str) -> bool:
    """A county token sees its own county's results; units sit at city level (their own unit's
    result is visible to a unit token, which is city-level anyway)."""
    return principal.sees(division_code) or (principal.unit is not None and principal.unit == subject)
