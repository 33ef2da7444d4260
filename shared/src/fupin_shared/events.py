"""The CloudEvents 1.0 envelope (structured JSON mode) carried in the Kafka message value."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"


class Envelope(BaseModel):
    """A CloudEvent with Fupin's extensions ``sequence``, ``actor``, ``division``, ``traceparent``."""

    model_config = ConfigDict(extra="allow")

    specversion: str = "1.0"
    id: uuid.UUID
    source: str
    type: str
    subject: str | None = None
    time: datetime
    datacontenttype: str = "application/json"
    data: dict[str, Any] = Field(default_factory=dict)
    sequence: int | None = None
    actor: str | None = None
    division: str | None = None
    traceparent: str | None = None

    def to_json(self) -> bytes:
        return orjson.dumps(self.model_dump(mode="json", exclude_none=True))

    @classmethod
    def from_json(cls, raw: bytes | str) -> "Envelope":
        return cls.model_validate_json(raw)

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        return [("content-type", CLOUDEVENTS_CONTENT_TYPE.encode())]
