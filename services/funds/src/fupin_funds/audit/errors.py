from __future__ import annotations

import uuid

from fupin_shared.http.problems import Conflict, NotFound, Unprocessable


class FindingNotFound(NotFound):
    slug, title = "audit-finding-not-found", "No such audit finding"

    def __init__(self, finding_id: uuid.UUID) -> None:
        super().__init__(f"Audit finding {finding_id} does not exist or is outside your division.")


class FindingInvalid(Unprocessable):
    slug, title = "audit-finding-invalid", "The finding is not valid"

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(f"Refused: {', '.join(reasons)}.", reasons=reasons)


class ClosureRefused(Conflict):
    slug, title = "audit-finding-closure-refused", "The finding cannot be closed"

    def __init__(self, finding_id: uuid.UUID, reasons: list[str]) -> None:
        super().__init__(f"Finding {finding_id}: {', '.join(reasons)}.", reasons=reasons)
