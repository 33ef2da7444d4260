from fupin_shared.http.problems import NotFound


class TargetNotFound(NotFound):
    slug, title = "target-not-found", "No such target"

    def __init__(self, plan_id: str, target_id: str) -> None:
        super().__init__(f"Plan {plan_id} has no target {target_id}.")
