from __future__ import annotations

import uuid
from datetime import date

from fupin_shared.http.problems import Conflict, Forbidden, NotFound, Unprocessable


class ProjectNotDisclosed(Conflict):
    slug, title = "project-not-disclosed", "The project's arrangement is not posted, or its notice period is not over"

    def __init__(self, project_id: uuid.UUID, reason: str, *, kinds: list[str], notice_ends_on: date | None) -> None:
        detail = (f"Project {project_id}: post its arrangement in a published notice ({', '.join(kinds)}) and wait "
                  "until the notice period is over before money flows to it.")
        super().__init__(detail, reason=reason, kinds=kinds,
                         notice_ends_on=notice_ends_on.isoformat() if notice_ends_on else None)


class DisclosureNotFound(NotFound):
    slug, title = "disclosure-not-found", "No such notice"

    def __init__(self, disclosure_id: uuid.UUID) -> None:
        super().__init__(f"Notice {disclosure_id} does not exist or is outside your division.")


class DisclosureRuleNotFound(NotFound):
    slug, title = "disclosure-rule-not-found", "No such disclosure rule"

    def __init__(self, kind: str) -> None:
        super().__init__(f"There is no disclosure rule for kind {kind!r}.")


class NoticeRefused(Unprocessable):
    slug, title = "notice-refused", "The notice does not satisfy its disclosure rule"

    def __init__(self, reasons: list[str], *, min_notice_days: int) -> None:
        super().__init__(f"Notice refused: {', '.join(reasons)}.", reasons=reasons, min_notice_days=min_notice_days)


class NoticeItemsInvalid(Unprocessable):
    slug, title = "notice-items-invalid", "Items of the notice do not belong to its division and year"

    def __init__(self, items: list[str]) -> None:
        super().__init__("Every allocation or project posted must lie in the notice's division and year.", items=items)


class AlreadyPublished(Conflict):
    slug, title = "disclosure-already-published", "The notice is already published"

    def __init__(self, disclosure_id: uuid.UUID) -> None:
        super().__init__(f"Notice {disclosure_id} is published; a published notice never changes.")


class RuleChangeForbidden(Forbidden):
    slug, title = "disclosure-rule-city-only", "Disclosure rules are set by the city"

    def __init__(self) -> None:
        super().__init__("Only a caller whose division is the whole city changes the disclosure rules.")
