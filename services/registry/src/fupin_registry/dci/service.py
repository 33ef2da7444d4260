"""DCI registry search: each search request answered on its own (``succ`` with records, or ``rjct``
with a reason code), scoped to the caller's division, personal data masked unless pii:read (each
unmasked household logged). Synchronous, or asynchronous: queued with the caller's scope, answered by
the DCI worker (``dci/worker.py``) to ``sender_uri`` and pollable with ``txn/status``."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from fupin_registry.codelists import CAUSE_BITS
from fupin_registry.db import RegistryUow
from fupin_registry.dci import repository as repo
from fupin_registry.dci.domain import callback_allowed, partner_of
from fupin_registry.dci.models import DciTransaction
from fupin_registry.dci.schemas import DciSearchRequest, DciTxnStatusRequest, IdTypeValue, Predicate, SearchRequest
from fupin_registry.households import idnumber
from fupin_registry.settings import DciPartner
from fupin_shared.auth.deps import check_division
from fupin_shared.auth.masking import mask_id_number, mask_name
from fupin_shared.auth.principal import Principal
from fupin_shared.db import utc_now, uuid7
from fupin_shared.http.handlers import request_id_var
from fupin_shared.http.problems import DomainError, Unprocessable

RECEIVER = "fupin-registry"
ID_TYPES = {"ID_NUMBER", "NIN", "UIN"}
ATTRIBUTES = {"status": "status", "labour_type": "labour_type", "guarantee_type": "guarantee_type",
              "household_no": "household_no", "village_code": "village_code", "poverty_cause": "poverty_cause"}


class CallbackNotRegistered(Unprocessable):
    slug, title = "callback-not-registered", "The callback URL is not registered for this client"


def callback_partner(partners: Mapping[str, DciPartner], client_id: str, url: str) -> DciPartner | None:
    """The partner entry whose registered prefixes hold ``url`` for this client, else none."""
    partner = partner_of(partners, client_id)
    return partner if partner is not None and callback_allowed(url, partner.callback_prefixes) else None


class Rejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def household_record(h: Any, members: list[Any], unmasked: bool) -> dict[str, Any]:
    identifiers = [{"identifier_type": "HOUSEHOLD_ID", "identifier_value": str(h.id)}]
    if h.household_no:
        identifiers.append({"identifier_type": "HOUSEHOLD_NO", "identifier_value": h.household_no})
    return {
        "identifier": identifiers, "group_type": "household", "group_size": h.persons,
        "location": {"admin_area_code": h.village_code}, "status": h.status,
        "poverty_causes": list(h.poverty_causes or []), "labour_type": h.labour_type,
        "guarantee_type": h.guarantee_type, "registered_year": h.registered_year,
        "identified_year": h.identified_year, "exit_year": h.exit_year,
        "members": [{
            "identifier": [{"identifier_type": "ID_NUMBER",
                            "identifier_value": m.id_number if unmasked else mask_id_number(m.id_number)}],
            "name": {"full_name": m.name if unmasked else mask_name(m.name)}, "sex": m.sex,
            "birth_date": m.birth_date.isoformat(), "relationship_to_head": m.relation, "active": m.active}
            for m in members],
    }


def _predicate_filters(query: list[Predicate], actor: Principal) -> tuple[str, dict[str, list[Any]]]:
    within = actor.division
    filters: dict[str, list[Any]] = {}
    for predicate in query:
        for expression in (predicate.expression1, predicate.expression2):
            if expression is None:
                continue
            name = expression.attribute_name
            values = expression.attribute_value if expression.operator == "in" else [expression.attribute_value]
            if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
                raise Rejected("rjct.query.invalid", f"{name}: give a string (eq) or a list of strings (in)")
            if name == "admin_area_code":
                if len(values) != 1:
                    raise Rejected("rjct.query.invalid", "admin_area_code takes one value")
                try:
                    within = check_division(actor, values[0])
                except DomainError as exc:
                    raise Rejected("rjct.permission.denied", exc.detail) from None
                continue
            if name not in ATTRIBUTES:
                raise Rejected("rjct.query.invalid", f"unknown attribute {name!r}; one of admin_area_code, "
                                                     + ", ".join(sorted(ATTRIBUTES)))
            if name == "poverty_cause" and any(v not in CAUSE_BITS for v in values):
                raise Rejected("rjct.query.invalid", "unknown poverty_cause")
            filters[ATTRIBUTES[name]] = values
    return within, filters


async def _answer(uow: RegistryUow, request: SearchRequest, actor: Principal) -> dict[str, Any]:
    criteria = request.search_criteria
    page = criteria.pagination
    if criteria.query_type == "idtype-value":
        if not isinstance(criteria.query, IdTypeValue):
            raise Rejected("rjct.query.invalid", "idtype-value takes {type, value}")
        kind, value = criteria.query.type.upper(), criteria.query.value.strip()
        if kind in ID_TYPES:
            if idnumber.problem(value) is not None:
                raise Rejected("rjct.query.invalid", "not a valid GB 11643 ID number")
            rows = await repo.by_id_number(uow.session, idnumber.normalise(value), within=actor.division)
        elif kind == "HOUSEHOLD_ID":
            try:
                rows = await repo.by_household(uow.session, within=actor.division, household_id=uuid.UUID(value))
            except ValueError:
                raise Rejected("rjct.query.invalid", "HOUSEHOLD_ID is a UUID") from None
        elif kind == "HOUSEHOLD_NO":
            rows = await repo.by_household(uow.session, within=actor.division, household_no=value)
        else:
            raise Rejected("rjct.query.invalid", "identifier type: ID_NUMBER, HOUSEHOLD_ID or HOUSEHOLD_NO")
        total = len(rows)
        rows = rows[(page.page_number - 1) * page.page_size:page.page_number * page.page_size]
    else:
        if not isinstance(criteria.query, list) or not criteria.query:
            raise Rejected("rjct.query.invalid", "predicate takes a list of expressions")
        within, filters = _predicate_filters(criteria.query, actor)
        rows, total = await repo.by_attributes(uow.session, within=within, filters=filters,
                                               offset=(page.page_number - 1) * page.page_size, limit=page.page_size)
    members = await repo.members_of(uow.session, [h.id for h in rows])
    if actor.may_read_pii:
        for h in rows:
            uow.log_access(actor=actor.sub, division=h.village_code, action="household.dci_search",
                           resource=f"household/{h.id}", request_id=request_id_var.get())
    return {"records": [household_record(h, members[h.id], actor.may_read_pii) for h in rows], "total": total}


async def search(uows: Callable[[], RegistryUow], envelope: DciSearchRequest, *, actor: Principal) -> dict[str, Any]:
    responses = []
    async with uows() as uow:
        for request in envelope.message.search_request:
            page = request.search_criteria.pagination
            base = {"reference_id": request.reference_id, "timestamp": utc_now().isoformat(),
                    "locale": request.locale or "zh"}
            try:
                found = await _answer(uow, request, actor)
            except Rejected as exc:
                responses.append({**base, "status": "rjct", "status_reason_code": exc.code,
                                  "status_reason_message": exc.message})
                continue
            responses.append({**base, "status": "succ", "data": {
                "version": "1.0.0", "reg_type": "fupin:registry:poverty_household", "reg_record_type": "household",
                "reg_records": found["records"]},
                "pagination": {"page_size": page.page_size, "page_number": page.page_number,
                               "total_count": found["total"]}})
        if actor.may_read_pii:
            await uow.commit()
    completed = sum(r["status"] == "succ" for r in responses)
    header = _header("on-search", "succ" if completed else "rjct", receiver=envelope.header.sender_id,
                     total=len(responses), completed=completed)
    return {"signature": None, "header": header, "message": {
        "transaction_id": envelope.message.transaction_id, "correlation_id": envelope.header.message_id,
        "search_response": responses}}


# -- asynchronous search ---------------------------------------------------------------------------

def _header(action: str, status: str, *, receiver: str, total: int = 1, completed: int = 0) -> dict[str, Any]:
    return {"version": "1.0.0", "message_id": str(uuid7()), "message_ts": utc_now().isoformat(), "action": action,
            "status": status, "total_count": total, "completed_count": completed, "sender_id": RECEIVER,
            "receiver_id": receiver, "is_msg_encrypted": False}


async def submit(uow: RegistryUow, envelope: DciSearchRequest, *, actor: Principal,
                 partners: Mapping[str, DciPartner]) -> DciTransaction:
    """Queue an asynchronous search under the caller's scope (answered by the DCI worker); the same
    ``transaction_id`` sent again by the same client is the same transaction. A ``sender_uri`` must lie
    under a callback URL prefix registered for the client (422, nothing queued): the registry calls
    nothing else."""
    sender_uri = str(envelope.header.sender_uri) if envelope.header.sender_uri else None
    if sender_uri is not None and callback_partner(partners, actor.client_id, sender_uri) is None:
        raise CallbackNotRegistered(
            f"header.sender_uri {sender_uri!r} is not under a callback URL registered for client "
            f"{actor.client_id!r}; register it with the registry's operators, or poll txn/status.",
            errors=[{"pointer": "#/header/sender_uri", "detail": "not a registered callback URL of this client"}])
    async with uow:
        found = await repo.transaction(uow.session, client_id=actor.client_id,
                                       transaction_id=envelope.message.transaction_id)
        if found is not None:
            return found
        txn = DciTransaction(
            id=uuid7(), client_id=actor.client_id, transaction_id=envelope.message.transaction_id,
            message_id=envelope.header.message_id, sender_id=envelope.header.sender_id,
            sender_uri=sender_uri, actor=actor.sub, division_code=actor.division,
            scopes=sorted(actor.scopes), request=envelope.model_dump(mode="json"), response=None, status="pdng",
            callback_status="pending" if sender_uri else None, attempts=0,
            next_attempt_at=utc_now(), created_at=utc_now())
        uow.session.add(txn)
        await uow.commit()
    return txn


def acknowledgement(envelope: DciSearchRequest, txn: DciTransaction) -> dict[str, Any]:
    """The DCI ``ACK`` of an asynchronous request: the answer follows as ``on-search`` to ``sender_uri``
    and can be polled with ``txn/status``."""
    return {"signature": None, "header": _header("search", "rcvd", receiver=envelope.header.sender_id,
                                                 total=len(envelope.message.search_request)),
            "message": {"ack_status": "ACK", "timestamp": utc_now().isoformat(),
                        "correlation_id": txn.transaction_id}}


async def transaction_status(uow: RegistryUow, request: DciTxnStatusRequest, *, actor: Principal) -> dict[str, Any]:
    """``on-txn-status`` of one of the caller's own search transactions: ``pdng`` while queued, else the
    ``on-search`` message it was answered with; ``rjct`` for a transaction this client never sent."""
    query = request.message.txnstatus_request
    async with uow:
        txn = await repo.transaction(uow.session, client_id=actor.client_id, transaction_id=query.attribute_value)
    base = {"reference_id": query.reference_id, "txn_type": "search"}
    if txn is None:
        status = "rjct"
        response = {**base, "status": "rjct", "status_reason_code": "rjct.reference_id.invalid",
                    "status_reason_message": f"no search transaction {query.attribute_value!r} of this client"}
    else:
        status = "succ"
        response = {**base, "status": "succ", "txn_status": txn.status,
                    "callback_status": txn.callback_status, "txn_message": (txn.response or {}).get("message")}
    return {"signature": None,
            "header": _header("on-txn-status", status, receiver=request.header.sender_id,
                              completed=int(status == "succ")),
            "message": {"transaction_id": request.message.transaction_id,
                        "correlation_id": request.header.message_id, "txnstatus_response": response}}
