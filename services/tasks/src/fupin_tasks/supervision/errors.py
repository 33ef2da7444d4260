from uuid import UUID

from fupin_shared.http.problems import Conflict, Forbidden, InvalidInput, NotFound


class FindingNotFound(NotFound):
    slug, title = "finding-not-found", "No such supervision finding"

    def __init__(self, finding_id: UUID) -> None:
        super().__init__(f"Finding {finding_id} does not exist or is outside your division.")


class FindingTransitionRefused(Conflict):
    slug, title = "finding-transition-refused", "The finding is not in a state that allows this"

    def __init__(self, state: str, action: str) -> None:
        super().__init__(f"A finding that is {state} cannot be {action}.", state=state, action=action)


class NotResponsibleForFinding(Forbidden):
    slug, title = "not-responsible-for-finding", "Only the responsible unit submits rectification evidence"


class InvalidFindingDates(InvalidInput):
    pass
