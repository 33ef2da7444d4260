"""The DCI (Digital Convergence Initiative) social-registry search envelope, as far as Fupin serves it:
``header`` + ``message.search_request[]`` with ``search_criteria`` (``idtype-value`` or ``predicate``
queries, ``pagination``), answered ``on-search`` with one ``search_response`` per request."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class DciHeader(_Open):
    version: str = "1.0.0"
    message_id: str = Field(min_length=1, max_length=200)
    message_ts: datetime
    action: Literal["search"]
    sender_id: str = Field(min_length=1, max_length=200)
    sender_uri: str | None = None
    receiver_id: str | None = None
    total_count: int | None = None
    is_msg_encrypted: bool = False


class IdTypeValue(_Open):
    type: str = Field(description="ID_NUMBER (GB 11643, also NIN/UIN), HOUSEHOLD_ID or HOUSEHOLD_NO")
    value: str = Field(min_length=1, max_length=64)


class Expression(_Open):
    attribute_name: str
    operator: Literal["eq", "in"] = "eq"
    attribute_value: Any


class Predicate(_Open):
    seq_num: int | None = None
    expression1: Expression
    condition: Literal["and"] | None = None
    expression2: Expression | None = None


class Pagination(_Open):
    page_size: int = Field(10, ge=1, le=100)
    page_number: int = Field(1, ge=1, le=1000)


class SearchCriteria(_Open):
    version: str = "1.0.0"
    reg_type: str | None = None
    query_type: Literal["idtype-value", "predicate"]
    query: IdTypeValue | list[Predicate]
    pagination: Pagination = Field(default_factory=Pagination)


class SearchRequest(_Open):
    reference_id: str = Field(min_length=1, max_length=200)
    timestamp: datetime
    search_criteria: SearchCriteria
    locale: str | None = None


class SearchMessage(_Open):
    transaction_id: str = Field(min_length=1, max_length=200)
    search_request: list[SearchRequest] = Field(min_length=1, max_length=10)


class DciSearchRequest(_Open):
    signature: str | None = None
    header: DciHeader
    message: SearchMessage


class DciSearchResponse(BaseModel):
    signature: str | None = None
    header: dict[str, Any]
    message: dict[str, Any]
