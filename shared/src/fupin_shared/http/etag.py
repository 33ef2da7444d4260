"""Strong ETags from a version column, and If-Match parsing (412 stale, 428 missing)."""
from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header

from fupin_shared.http.problems import PreconditionRequired, StaleVersion

_ETAG = re.compile(r'^"v(\d{1,18})"$')


def etag_for(version: int) -> str:
    return f'"v{version}"'


def parse_if_match(value: str | None) -> int:
    if value is None or not value.strip():
        raise PreconditionRequired("Send If-Match with the ETag you read, e.g. If-Match: \"v3\".")
    match = _ETAG.match(value.strip())
    if match is None:
        # weak or foreign tags never match under RFC 9110 strong comparison
        raise StaleVersion(f"If-Match {value!r} does not match the current version.")
    return int(match.group(1))


def require_version(current: int, expected: int) -> None:
    if current != expected:
        raise StaleVersion(f"Version v{expected} is stale; the current version is v{current}.",
                           current_etag=etag_for(current))


async def if_match_version(if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> int:
    return parse_if_match(if_match)
