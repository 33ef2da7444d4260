"""Fixtures of the assessment suite: a running service on a fresh migrated database, and helpers
to put other services' events on the bus the service consumes."""
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from fupin_assessment.app import MIGRATIONS, create_app
from fupin_assessment.settings import AssessmentSettings
from fupin_shared.bus import InProcessTransport
from fupin_shared.contracts.base import Contract
from fupin_shared.events import Envelope
from fupin_shared.testing import ServiceHarness


class Bus:
    """Publishes contracts as another service would (CloudEvents on ``fupin.<service>.v1``)."""

    def __init__(self, transport: Any, settings: AssessmentSettings) -> None:
        self.transport = transport
        self.settings = settings

    async def publish(self, event: Contract, *, subject: str, time: datetime | None = None) -> Envelope:
        envelope = Envelope(id=uuid.uuid4(), source=f"/fupin/{event.service}", type=event.event_type(),
                            subject=subject, time=time or datetime.now(UTC), data=event.model_dump(mode="json"))
        await self.transport.publish(self.settings.topic(event.service), [(subject.encode(), envelope.to_json())])
        return envelope


def cache_tokens(harness: ServiceHarness) -> ServiceHarness:
    """Minting an RS256 token costs ~0.1 s; the suite reuses one per (scopes, division, unit)."""
    minted: dict[str, dict[str, str]] = {}
    mint = harness.auth

    def auth(**kwargs: Any) -> dict[str, str]:
        key = repr(sorted(kwargs.items()))
        if key not in minted:
            minted[key] = mint(**kwargs)
        return dict(minted[key])

    harness.auth = auth  # type: ignore[method-assign]
    return harness


@pytest.fixture
async def service(migrated_pg, key_file, topic_prefix, tmp_path) -> AsyncIterator[tuple[ServiceHarness, Bus]]:  # noqa: ANN001
    url = await migrated_pg(MIGRATIONS)
    settings = AssessmentSettings(database_url=url, auth_key_file=key_file, topic_prefix=topic_prefix, bus="memory",
                                  data_dir=tmp_path, relay_poll_seconds=0.05)
    transport = InProcessTransport()
    harness = cache_tokens(ServiceHarness(create_app, settings, transport=transport))
    async with harness.running():
        yield harness, Bus(transport, settings)


@pytest.fixture
async def sqlite_service(key_file, topic_prefix, tmp_path) -> AsyncIterator[tuple[ServiceHarness, Bus]]:  # noqa: ANN001
    settings = AssessmentSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'assessment.db'}",
                                  auth_key_file=key_file, topic_prefix=topic_prefix, bus="memory", data_dir=tmp_path,
                                  relay_poll_seconds=0.05)
    transport = InProcessTransport()
    harness = cache_tokens(ServiceHarness(create_app, settings, transport=transport))
    async with harness.running():
        yield harness, Bus(transport, settings)
