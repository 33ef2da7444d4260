"""Opaque keyset cursors bound to the query's filters, and the page model."""
from __future__ import annotations

import base64
import hashlib
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel

from fupin_shared.http.problems import InvalidCursor

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def _filters_hash(filters: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(filters, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()[:16]


def encode_cursor(last_key: list[Any], filters: dict[str, Any]) -> str:
    raw = orjson.dumps({"k": last_key, "f": _filters_hash(filters)}, default=str)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, filters: dict[str, Any]) -> list[Any] | None:
    """Return the last key of the previous page, or None for the first page.

    A cursor made for other filters is refused (400) rather than silently skipping rows."""
    if not cursor:
        return None
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        key, fingerprint = data["k"], data["f"]
    except Exception as exc:  # noqa: BLE001 - any malformed cursor is the client's error
        raise InvalidCursor("The cursor could not be decoded.") from exc
    if fingerprint != _filters_hash(filters) or not isinstance(key, list):
        raise InvalidCursor("The cursor belongs to a query with other filters.")
    return key


def page_of(rows: list[T], limit: int, key_of, filters: dict[str, Any]) -> tuple[list[T], str | None]:  # noqa: ANN001
    """Given ``limit + 1`` rows, return the page and the cursor of the next one."""
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor(key_of(rows[-1]), filters)
    return rows, None
