"""The unit of work: the only place that commits.

A use case opens the unit of work, loads and changes state through repositories, records events
with :meth:`UnitOfWork.record` and calls :meth:`UnitOfWork.commit`: the state change and its outbox
rows are committed in one transaction or not at all. Leaving the block without committing rolls
everything back.
"""
from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fupin_shared.db.types import utc_now

if TYPE_CHECKING:
    from fupin_shared.contracts.base import Contract
    from fupin_shared.outbox.tables import InfrastructureTables
    from fupin_shared.http.idempotency import IdempotencyClaim


class UnitOfWork:
    """Subclass per service: set ``infra`` (its infrastructure tables) and ``source``; open
    repositories in ``_open``."""

    infra: InfrastructureTables
    source: str = "/fupin/service"

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], *,
                 outbox_signal: asyncio.Event | None = None, outbox_channel: str | None = None) -> None:
        """``outbox_signal`` wakes a relay in this process after a commit with outbox rows;
        ``outbox_channel`` (PostgreSQL) is NOTIFYed in that commit, for a relay in another process."""
        self._sessionmaker = sessionmaker
        self._outbox_signal = outbox_signal
        self._outbox_channel = outbox_channel
        self._recorded = 0
        self.idempotency_claim: IdempotencyClaim | None = None
        self._held: AsyncSession | None = None
        self.session: AsyncSession

    async def __aenter__(self) -> Self:
        if self._held is not None:  # a deferred commit keeps the transaction open for the caller
            self.session = self._held
            return self
        self.session = self._sessionmaker()
        self._recorded = 0
        self._open(self.session)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self.idempotency_claim is not None and exc_info[0] is None:
            # Idempotency.run finishes this transaction itself, with the stored response in it
            self._held = self.session
            return
        await self.release()

    @property
    def holds_transaction(self) -> bool:
        return self._held is not None

    async def release(self) -> None:
        """Roll back whatever was not committed and close the session."""
        self._held = None
        # close() detaches every object before it rolls back, so objects read in the block stay readable
        await self.session.close()

    def _open(self, session: AsyncSession) -> None:
        """Hook: attach repositories (``self.households = HouseholdRepository(session)``)."""

    def record(self, event: Contract, *, subject: uuid.UUID | str, division: str | None = None,
               actor: str | None = None, traceparent: str | None = None) -> None:
        """Append ``event`` to the outbox in the current transaction."""
        self.session.add(self.infra.Outbox(**self.outbox_row(event, subject=subject, division=division, actor=actor,
                                                             traceparent=traceparent)))

    def outbox_row(self, event: Contract, *, subject: uuid.UUID | str, division: str | None = None,
                   actor: str | None = None, traceparent: str | None = None) -> dict[str, Any]:
        """``event`` as the column values of its outbox row, for a use case that inserts the row itself in
        the same transaction (e.g. in one statement with the state it records); counted like
        :meth:`record`, so the relay is woken after the commit."""
        self._recorded += 1
        return {"event_id": uuid.uuid4(), "type": event.event_type(), "source": self.source, "subject": str(subject),
                "division": division, "actor": actor, "traceparent": traceparent,
                "data": event.model_dump(mode="json"), "occurred_at": utc_now()}

    @property
    def idempotency_model(self) -> Any:
        return self.infra.IdempotencyRecord

    def log_access(self, *, actor: str, division: str | None, action: str, resource: str,
                   request_id: str | None = None) -> None:
        """Record an unmasked read of personal data (PIPL art. 51; kept at least six months)."""
        self.session.add(self.infra.AccessLog(actor=actor, division=division, action=action,
                                              resource=resource, request_id=request_id, at=utc_now()))

    async def commit(self) -> None:
        """Commit state and outbox rows together. Under an Idempotency-Key the commit is deferred:
        the changes are flushed, and :meth:`commit_with_response` commits them together with the
        key's claim and the response, so a crash can never leave an effect without its record."""
        if self.idempotency_claim is not None:
            await self.session.flush()
            return
        await self._notify()
        await self.session.commit()
        self._signal()

    async def commit_with_response(self, claim_row: Any) -> None:
        self.session.add(claim_row)
        await self._notify()
        try:
            await self.session.commit()
        finally:
            self.idempotency_claim = None
        self._signal()

    async def _notify(self) -> None:
        """NOTIFY the relay's channel in this transaction: delivered at commit, dropped on rollback."""
        if self._recorded and self._outbox_channel is not None:
            await self.session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": self._outbox_channel})

    def _signal(self) -> None:
        if self._recorded and self._outbox_signal is not None:
            self._outbox_signal.set()
        self._recorded = 0
