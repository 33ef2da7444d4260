import uuid

from fupin_shared.http.problems import Conflict, NotFound


class AlertNotFound(NotFound):
    slug, title = "alert-not-found", "No such alert"

    def __init__(self, alert_id: uuid.UUID) -> None:
        super().__init__(f"Alert {alert_id} does not exist or is outside your division.")


class AlertTransitionRefused(Conflict):
    slug, title = "alert-transition-refused", "The alert cannot make this move"

    def __init__(self, alert_id: uuid.UUID, state: str, action: str) -> None:
        super().__init__(f"Alert {alert_id} is {state}; it cannot be {action}ed "
                         "(open → assigned → resolved; resolved is final).", state=state, action=action)
