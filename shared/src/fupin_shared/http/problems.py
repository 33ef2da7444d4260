"""RFC 9457 problem details. Raise a DomainError subclass; one handler renders it."""
from __future__ import annotations

from typing import Any, ClassVar

PROBLEM_BASE = "https://fupin.zhaoqing.gov.cn/problems/"
PROBLEM_JSON = "application/problem+json"


class DomainError(Exception):
    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extensions = extensions
        self.headers: dict[str, str] = {}

    def body(self) -> dict[str, Any]:
        return {"type": PROBLEM_BASE + self.slug, "title": self.title, "status": self.status,
                "detail": self.detail, **self.extensions}


class BadRequest(DomainError):
    status, slug, title = 400, "bad-request", "Bad request"


class Unauthorized(DomainError):
    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail, **extensions)
        self.headers = {"WWW-Authenticate": 'Bearer realm="fupin"'}


class Forbidden(DomainError):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(DomainError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Conflict with the current state"


class StaleVersion(DomainError):
    status, slug, title = 412, "stale-version", "The resource changed since you read it"


class PreconditionRequired(DomainError):
    status, slug, title = 428, "if-match-required", "If-Match header required"


class Unprocessable(DomainError):
    status, slug, title = 422, "unprocessable", "The request cannot be processed"


class InvalidInput(Unprocessable):
    """Validation problem with per-field ``errors`` ([{pointer, detail}])."""

    slug, title = "validation-error", "The request is not valid"

    def __init__(self, errors: list[dict[str, str]], detail: str | None = None) -> None:
        super().__init__(detail or f"{len(errors)} field(s) are not valid.", errors=errors)


class InvalidCursor(BadRequest):
    slug, title = "invalid-cursor", "The cursor is not valid for this query"


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries declaring the problem types a route can return."""
    descriptions = {400: "Bad request", 401: "Not authenticated", 403: "Not allowed", 404: "Not found",
                    409: "Conflict", 412: "Stale version", 422: "Validation error",
                    428: "If-Match required"}
    schema = {"type": "object", "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "instance": {"type": "string"}, "request_id": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "pointer": {"type": "string"}, "detail": {"type": "string"}}}}},
        "additionalProperties": True}
    codes = sorted({401, 403, 422, *statuses})
    return {code: {"description": descriptions.get(code, "Problem"),
                   "content": {PROBLEM_JSON: {"schema": schema}}} for code in codes}
