"""The DCI asynchronous search: the background job that answers queued transactions with the caller's
scope and POSTs the ``on-search`` answer to the sender's ``sender_uri``, retried with backoff, signed like
webhook deliveries (``fupin_shared.http.signing``) with the client's registered secret. The URL is checked
against the client's registered callback prefixes again before each attempt (the registration may have
been withdrawn since the search was queued).

A transaction is leased (compare-and-set on ``next_attempt_at``) so two processes never work on the same
one; the answer is stored before the callback is tried, so a sender can always poll ``txn/status``."""
from __future__ import annotations

import asyncio
import logging
import os
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson

from fupin_registry.dci import repository as repo
from fupin_registry.dci import service
from fupin_registry.dci.models import DciTransaction
from fupin_registry.dci.schemas import DciSearchRequest
from fupin_shared.auth.principal import Principal
from fupin_shared.db import utc_now
from fupin_shared.http.signing import signature_headers
from fupin_shared.jobs import run_rounds

log = logging.getLogger("fupin.registry.dci")
WAKE = "dci_wake"
LEASE = timedelta(seconds=60)


def retry_after(attempts: int, now: datetime) -> datetime | None:
    """The next callback attempt after ``attempts`` failures (base · 2^(n-1), capped at an hour), none
    after the last (env: FUPIN_DCI_CALLBACK_RETRY_BASE_SECONDS 10, FUPIN_DCI_CALLBACK_MAX_ATTEMPTS 6)."""
    base = float(os.environ.get("FUPIN_DCI_CALLBACK_RETRY_BASE_SECONDS", "10"))
    if attempts >= int(os.environ.get("FUPIN_DCI_CALLBACK_MAX_ATTEMPTS", "6")):
        return None
    return now + timedelta(seconds=min(3600.0, base * 2 ** (attempts - 1)))


async def _answer(runtime: Any, txn: DciTransaction) -> dict[str, Any]:
    actor = Principal(sub=txn.actor, client_id=txn.client_id, scopes=frozenset(txn.scopes), division=txn.division_code)
    return await service.search(runtime.uow, DciSearchRequest.model_validate(txn.request), actor=actor)


async def _callback(client: httpx.AsyncClient, partners: Any, txn: DciTransaction) -> str | None:
    url = txn.sender_uri or ""
    partner = service.callback_partner(partners, txn.client_id, url)
    if partner is None:
        return "the callback URL is no longer registered for this client"
    body = orjson.dumps(txn.response)
    headers = {"Content-Type": "application/json", **signature_headers(partner.secrets, body)}
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"


async def work_due(runtime: Any, client: httpx.AsyncClient, *, limit: int = 20) -> int:
    """Answer and call back every due transaction once; returns how many were worked on."""
    now = utc_now()
    async with runtime.sessionmaker() as session:
        due = await repo.due_transactions(session, now, limit)
        claimed = [t for t in due if await repo.claim_transaction(session, t.id, t.next_attempt_at, now + LEASE)]
        await session.commit()
    for txn in claimed:
        values: dict[str, Any] = {}
        if txn.response is None:
            txn.response = await _answer(runtime, txn)
            values = {"response": txn.response, "status": txn.response["header"]["status"], "completed_at": utc_now()}
        if txn.sender_uri is None:
            values["next_attempt_at"] = None
        else:
            error = await _callback(client, runtime.settings.dci_partners, txn)
            attempts = txn.attempts + 1
            next_at = None if error is None else retry_after(attempts, utc_now())
            values.update(attempts=attempts, last_error=error and error[:500], next_attempt_at=next_at,
                          callback_status="delivered" if error is None else ("pending" if next_at else "failed"))
            if error is not None:
                log.warning("DCI callback of %s to %s failed (attempt %d): %s", txn.transaction_id, txn.sender_uri,
                            attempts, error)
        async with runtime.sessionmaker() as session:
            await repo.settle_transaction(session, txn.id, **values)
            await session.commit()
    return len(claimed)


async def dci_worker(runtime: Any) -> None:
    """Background job: work on due transactions; wake on a new one or every second."""
    wake: asyncio.Event = runtime.extras.setdefault(WAKE, asyncio.Event())
    timeout = float(os.environ.get("FUPIN_DCI_CALLBACK_TIMEOUT_SECONDS", "10"))
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
        await run_rounds(lambda: work_due(runtime, client), wake, name="DCI transactions")
