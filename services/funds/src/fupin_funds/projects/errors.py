from __future__ import annotations

import uuid

from fupin_shared.http.problems import Conflict, NotFound


class ProjectNotFound(NotFound):
    slug, title = "project-not-found", "No such project"

    def __init__(self, project_id: uuid.UUID) -> None:
        super().__init__(f"Project {project_id} does not exist or is outside your division.")


class TargetNotFound(NotFound):
    slug, title = "performance-target-not-found", "No such performance target"

    def __init__(self, target_id: uuid.UUID) -> None:
        super().__init__(f"Performance target {target_id} does not exist on this project.")


class IllegalTransition(Conflict):
    slug, title = "project-transition-refused", "The project cannot move to that status"

    def __init__(self, project_id: uuid.UUID, current: str, to: str, reasons: list[str]) -> None:
        super().__init__(f"Project {project_id} cannot move from '{current}' to '{to}'.", current=current, to=to,
                         reasons=reasons)


class ProjectNotAmendable(Conflict):
    slug, title = "project-not-amendable", "Only projects in reserve or approved can be amended"

    def __init__(self, project_id: uuid.UUID, status: str) -> None:
        super().__init__(f"Project {project_id} is '{status}'; its plan is fixed.", status=status)


class BudgetBelowFunded(Conflict):
    slug, title = "project-budget-below-funded", "The budget cannot drop below what was allocated"

    def __init__(self, project_id: uuid.UUID, funded_fen: int) -> None:
        super().__init__(f"Project {project_id} has {funded_fen} fen allocated.", funded_fen=funded_fen)


class ResultsNotYet(Conflict):
    slug, title = "performance-results-not-yet", "Results are recorded once the project is being implemented"

    def __init__(self, project_id: uuid.UUID, status: str) -> None:
        super().__init__(f"Project {project_id} is '{status}'.", status=status)
