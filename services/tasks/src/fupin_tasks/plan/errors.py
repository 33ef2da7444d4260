from fupin_shared.http.problems import Conflict, InvalidInput, NotFound


class InvalidPlan(InvalidInput):
    slug, title = "invalid-plan", "The plan document is not valid"

    def __init__(self, problems: list[str]) -> None:
        super().__init__([{"pointer": "#/plan", "detail": p} for p in problems],
                         detail=f"The plan has {len(problems)} problem(s); nothing was loaded.")


class PlanNotFound(NotFound):
    slug, title = "plan-not-found", "No such plan"

    def __init__(self, plan_id: str | None) -> None:
        super().__init__("No plan is loaded." if plan_id is None else f"Plan {plan_id!r} is not loaded.")


class TaskNotFound(NotFound):
    slug, title = "task-not-found", "No such task"

    def __init__(self, plan_id: str, number: int) -> None:
        super().__init__(f"Plan {plan_id} has no task {number}.")


class UnitNotFound(NotFound):
    slug, title = "unit-not-found", "No such unit"

    def __init__(self, name: str) -> None:
        super().__init__(f"{name!r} is not a unit of the responsibility matrix.")


class PlanRevisionRemovesTasks(Conflict):
    slug, title = "plan-revision-removes-tasks", "A plan revision may not remove tasks"

    def __init__(self, plan_id: str, numbers: list[int]) -> None:
        super().__init__(f"Plan {plan_id} would lose tasks {numbers}; load the next plan under a new id instead.",
                         tasks=numbers)
