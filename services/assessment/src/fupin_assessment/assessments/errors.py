from fupin_shared.http.problems import Conflict, Forbidden, NotFound


class AssessmentNotFound(NotFound):
    slug, title = "assessment-not-found", "No assessment for this year"

    def __init__(self, year: int) -> None:
        super().__init__(f"No assessment has been opened for {year}.", year=year)


class AssessmentExists(Conflict):
    slug, title = "assessment-exists", "The year's assessment already exists"

    def __init__(self, year: int) -> None:
        super().__init__(f"An assessment for {year} already exists; there is one per year.", year=year)


class FrameworkNotDefined(Conflict):
    slug, title = "framework-not-defined", "Define the year's framework first"

    def __init__(self, year: int) -> None:
        super().__init__(f"Define the {year} framework (PUT /v1/frameworks/{year}) before opening its assessment.",
                         year=year)


class IllegalTransition(Conflict):
    slug, title = "illegal-transition", "The assessment cannot move to that state"

    def __init__(self, current: str, target: str, allowed: list[str]) -> None:
        super().__init__(f"An assessment in {current} cannot move to {target}.", state=current,
                         requested=target, allowed=allowed)


class WrongState(Conflict):
    slug, title = "assessment-wrong-state", "Not possible in the assessment's current state"

    def __init__(self, action: str, state: str, needed: list[str]) -> None:
        super().__init__(f"{action} needs the assessment in {' or '.join(needed)}; it is in {state}.",
                         state=state, needed=needed)


class SnapshotMissing(Conflict):
    slug, title = "snapshot-missing", "No frozen year-end snapshot for this year"

    def __init__(self, year: int) -> None:
        super().__init__(f"Monitoring has not published a frozen year-end snapshot for {year}; scoring starts "
                         "from one (the assessment stays in collecting until it arrives).", year=year)


class ScoresIncomplete(Conflict):
    slug, title = "scores-incomplete", "Some indicators have no score yet"

    def __init__(self, missing: list[dict[str, str]]) -> None:
        super().__init__(f"{len(missing)} indicator score(s) are still missing; reviewers score them first.",
                         missing=missing[:50], missing_count=len(missing))


class SubjectNotFound(NotFound):
    slug, title = "subject-not-found", "No such subject in this assessment"

    def __init__(self, year: int, subject: str) -> None:
        super().__init__(f"{subject} is not a subject of the {year} assessment, or is outside your division.",
                         year=year, subject=subject)


class IndicatorNotFound(NotFound):
    slug, title = "indicator-not-found", "No such indicator for this subject"

    def __init__(self, subject: str, code: str) -> None:
        super().__init__(f"Indicator {code} does not apply to {subject}.", subject=subject, indicator=code)


class ScoreIsAutomatic(Conflict):
    slug, title = "score-is-automatic", "This indicator is scored from the snapshot"

    def __init__(self, subject: str, code: str) -> None:
        super().__init__(f"{code} of {subject} was scored from the frozen snapshot and cites it; a reviewer "
                         "scores only manual indicators and those the snapshot lacks (a published result "
                         "changes by a correction).", subject=subject, indicator=code)


class VersionNotFound(NotFound):
    slug, title = "result-version-not-found", "No such published version"

    def __init__(self, year: int, version: int) -> None:
        super().__init__(f"The {year} assessment has no published version {version}.", year=year, version=version)


class AppealWindowClosed(Conflict):
    slug, title = "appeal-window-closed", "The appeal window has closed"

    def __init__(self, deadline: str | None) -> None:
        super().__init__(f"Appeals were open until {deadline}." if deadline else "The results are not published.",
                         appeal_deadline=deadline)


class AppealNotFound(NotFound):
    slug, title = "appeal-not-found", "No such appeal"

    def __init__(self, appeal_id: object) -> None:
        super().__init__(f"Appeal {appeal_id} does not exist or is outside your division.")


class AppealAlreadyDecided(Conflict):
    slug, title = "appeal-already-decided", "The appeal has been decided"

    def __init__(self, state: str) -> None:
        super().__init__(f"The appeal was already {state}.", state=state)


class CityReviewerRequired(Forbidden):
    slug, title = "city-reviewer-required", "Only city-level reviewers may do this"

    def __init__(self) -> None:
        super().__init__("Scoring, the workflow, publication and corrections are done by the city's assessment "
                         "office: a token for division 441200000000 with assessment:write.")
