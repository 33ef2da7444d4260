"""The DCI (Digital Convergence Initiative) social-registry search envelope, as far as Fupin serves it:
``header`` + ``message.search_request[]`` with ``search_criteria`` (``idtype-value`` or ``predicate``
queries, ``pagination``), answered ``on-search`` with one ``search_response`` per request."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class DciHeader(_Open):
    version: str = "1.0.0"
    message_id: str = Field(min_length=1, max_length=200)
    message_ts: datetime
    action: Literal["search"]
    sender_id: str = Field(min_length=1, max_length=200)
    sender_uri: AnyHttpUrl | None = Field(None, description=(
        "asynchronous search: the on-search answer is POSTed here (retried with backoff)"))
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
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "header": {"version": "1.0.0", "message_id": "msg-0001", "message_ts": "2026-11-29T02:00:00Z",
                   "action": "search", "sender_id": "civil-affairs",
                   "sender_uri": "https://mca.example.gov.cn/dci/registry/on-search"},
        "message": {"transaction_id": "txn-0001", "search_request": [
            {"reference_id": "ref-1", "timestamp": "2026-11-29T02:00:00Z", "search_criteria": {
                "query_type": "idtype-value", "query": {"type": "ID_NUMBER", "value": "441223198001011234"}}},
            {"reference_id": "ref-2", "timestamp": "2026-11-29T02:00:00Z", "search_criteria": {
                "query_type": "predicate", "query": [{"expression1": {
                    "attribute_name": "poverty_cause", "operator": "in", "attribute_value": ["illness"]}}],
                "pagination": {"page_size": 20, "page_number": 1}}}]}}]})

    signature: str | None = None
    header: DciHeader
    message: SearchMessage


class DciSearchResponse(BaseModel):
    signature: str | None = None
    header: dict[str, Any]
    message: dict[str, Any]


class TxnStatusHeader(DciHeader):
    action: Literal["txn-status"]  # type: ignore[assignment]


class TxnStatusQuery(_Open):
    reference_id: str = Field(min_length=1, max_length=200)
    txn_type: Literal["search"] = "search"
    attribute_type: Literal["transaction_id"] = "transaction_id"
    attribute_value: str = Field(min_length=1, max_length=200, description="the search's transaction_id")


class TxnStatusMessage(_Open):
    transaction_id: str = Field(min_length=1, max_length=200)
    txnstatus_request: TxnStatusQuery


class DciTxnStatusRequest(_Open):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "header": {"version": "1.0.0", "message_id": "msg-0002", "message_ts": "2026-11-29T02:01:00Z",
                   "action": "txn-status", "sender_id": "civil-affairs"},
        "message": {"transaction_id": "txn-0002", "txnstatus_request": {
            "reference_id": "ref-s1", "txn_type": "search", "attribute_type": "transaction_id",
            "attribute_value": "txn-0001"}}}]})

    signature: str | None = None
    header: TxnStatusHeader
    message: TxnStatusMessage
