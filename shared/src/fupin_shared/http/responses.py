"""Fast JSON responses (orjson) from pydantic models or plain data."""
from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import Response
from pydantic import BaseModel


def _default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_response(content: Any, *, status_code: int = 200, headers: dict[str, str] | None = None,
                  media_type: str = "application/json") -> Response:
    if isinstance(content, BaseModel):
        body = content.__pydantic_serializer__.to_json(content)
    elif isinstance(content, list) and content and isinstance(content[0], BaseModel):
        body = b"[" + b",".join(item.__pydantic_serializer__.to_json(item) for item in content) + b"]"
    else:
        body = orjson.dumps(content, default=_default)
    return Response(body, status_code=status_code, headers=headers, media_type=media_type)
