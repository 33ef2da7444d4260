from uuid import UUID

from fupin_shared.http.problems import Conflict, InvalidInput, NotFound


class WorkPlanNotFound(NotFound):
    slug, title = "work-plan-not-found", "No such work plan"

    def __init__(self, work_plan_id: UUID) -> None:
        super().__init__(f"Work plan {work_plan_id} does not exist on this task or is outside your division.")


class WorkPlanExists(Conflict):
    slug, title = "work-plan-exists", "This unit already has a work plan for this task and year"

    def __init__(self, unit: str, task_number: int, year: int, work_plan_id: UUID) -> None:
        super().__init__(f"{unit} already has work plan {work_plan_id} for task {task_number} in {year}; "
                         "revise it (PUT with If-Match).", work_plan_id=str(work_plan_id))


class InvalidMilestones(InvalidInput):
    pass
