"""The service app factory and its runtime (engine, bus, relay, consumers, verifier).

Nothing connects at import: everything is built from settings in the lifespan. In the embedded
default the caller passes one shared in-process transport to every service.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from fupin_shared.auth.verify import JwksVerifier
from fupin_shared.bus import Transport, make_transport
from fupin_shared.consuming import Consumer, HandlerRegistry
from fupin_shared.db.engine import create_engine_from_url
from fupin_shared.db.migrations import upgrade
from fupin_shared.db.uow import UnitOfWork
from fupin_shared.events import Envelope
from fupin_shared.http.handlers import install_problem_handlers
from fupin_shared.http.observability import HttpMiddleware, health_router
from fupin_shared.outbox.relay import Relay
from fupin_shared.outbox.tables import InfrastructureTables
from fupin_shared.settings import ServiceSettings

GZIP_MIN_BYTES = 1024
"""Responses from this size on are gzipped for clients that accept it; the middleware then adds
``Vary: Accept-Encoding`` itself (a route that compresses on its own sets Content-Encoding first)."""

log = logging.getLogger(__name__)


@dataclass
class ConsumerSpec:
    """A consumer group of this service: which services' topics it reads and its handlers."""

    name: str
    sources: list[str]
    handlers: HandlerRegistry
    on_applied: Callable[["ServiceRuntime", list[Envelope]], Awaitable[None]] | None = None


@dataclass
class ServiceDefinition:
    settings: ServiceSettings
    title: str
    description: str
    infra: InfrastructureTables
    uow_class: type[UnitOfWork]
    migrations_dir: Path
    routers: list[APIRouter]
    consumers: list[ConsumerSpec] = field(default_factory=list)
    on_startup: Callable[["ServiceRuntime"], Awaitable[None]] | None = None
    on_shutdown: Callable[["ServiceRuntime"], Awaitable[None]] | None = None
    """Releases what ``on_startup`` acquired (called before the engine is disposed)."""
    background: list[Callable[["ServiceRuntime"], Awaitable[None]]] = field(default_factory=list)
    """Periodic jobs (e.g. overdue detection) run as tasks beside the relay."""


@dataclass
class ServiceRuntime:
    settings: ServiceSettings
    definition: ServiceDefinition
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    transport: Transport
    relay: Relay
    verifier: JwksVerifier
    consumers: list[Consumer] = field(default_factory=list)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    def uow(self) -> UnitOfWork:
        # the NOTIFY (one statement more per write) only when the leading relay runs elsewhere
        return self.definition.uow_class(self.sessionmaker, outbox_signal=self.relay.signal,
                                         outbox_channel=None if self.relay.leading else self.relay.channel)

    def build_consumers(self) -> list[Consumer]:
        out = []
        for spec in self.definition.consumers:
            hook = None
            if spec.on_applied is not None:
                callback = spec.on_applied

                async def hook(events: list[Envelope], _cb=callback) -> None:
                    await _cb(self, events)
            out.append(Consumer(
                group=self.settings.group(spec.name), topics=[self.settings.topic(s) for s in spec.sources],
                transport=self.transport, engine=self.engine, processed_model=self.definition.infra.ProcessedEvent,
                handlers=spec.handlers, batch_size=self.settings.relay_batch_size, on_applied=hook))
        return out


async def build_runtime(defn: ServiceDefinition, *, transport: Transport | None = None,
                        migrate: bool = True) -> ServiceRuntime:
    settings = defn.settings
    engine = create_engine_from_url(settings.effective_database_url, pool_size=settings.db_pool_size,
                                    max_overflow=settings.db_max_overflow)
    if migrate:
        await asyncio.to_thread(upgrade, defn.migrations_dir, settings.effective_database_url)
    transport = transport or make_transport(settings)
    relay = Relay(service=settings.service_name, engine=engine, outbox_model=defn.infra.Outbox,
                  transport=transport, topic=settings.topic(), batch_size=settings.relay_batch_size,
                  poll_seconds=settings.relay_poll_seconds)
    verifier = JwksVerifier(issuer=settings.auth_issuer, audience=settings.auth_audience,
                            jwks_source=settings.auth_jwks, key_file=settings.auth_key_file)
    return ServiceRuntime(settings=settings, definition=defn, engine=engine,
                          sessionmaker=async_sessionmaker(engine, expire_on_commit=False),
                          transport=transport, relay=relay, verifier=verifier)


async def start_workers(runtime: ServiceRuntime, *, relay: bool = True, consumers: bool = True) -> None:
    settings = runtime.settings
    topics = [settings.topic()] + [settings.topic(s) for spec in runtime.definition.consumers for s in spec.sources]
    with contextlib.suppress(Exception):
        await runtime.transport.ensure_topics(sorted(set(topics)), partitions=settings.topic_partitions)
    if relay:
        runtime.tasks.append(asyncio.create_task(runtime.relay.run(), name="relay"))
    if consumers:
        runtime.consumers = runtime.build_consumers()
        for consumer in runtime.consumers:
            runtime.tasks.append(asyncio.create_task(consumer.run(), name=f"consumer:{consumer.group}"))
        for job in runtime.definition.background:
            runtime.tasks.append(asyncio.create_task(job(runtime), name=f"job:{job.__name__}"))


async def stop_runtime(runtime: ServiceRuntime, *, own_transport: bool) -> None:
    runtime.relay.stop()
    for consumer in runtime.consumers:
        consumer.stop()
    for task in runtime.tasks:
        task.cancel()
    if runtime.tasks:
        await asyncio.wait(runtime.tasks, timeout=15)
    runtime.tasks.clear()
    if own_transport:
        await runtime.transport.stop()
    if runtime.definition.on_shutdown is not None:
        await runtime.definition.on_shutdown(runtime)
    await runtime.engine.dispose()


def create_service_app(defn: ServiceDefinition, *, transport: Transport | None = None) -> FastAPI:
    settings = defn.settings

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await build_runtime(defn, transport=transport)
        app.state.runtime = runtime
        await runtime.transport.start()
        if defn.on_startup is not None:
            await defn.on_startup(runtime)
        if settings.inline_workers:
            await start_workers(runtime)
        try:
            yield
        finally:
            await stop_runtime(runtime, own_transport=transport is None)

    app = FastAPI(title=defn.title, description=defn.description, version="1.0.0", lifespan=lifespan,
                  openapi_url="/openapi.json", docs_url="/docs", redoc_url=None)
    install_problem_handlers(app)
    for router in [health_router(), *defn.routers]:
        app.include_router(router)
    if settings.cors_origins:  # no layer at all for the (usual) same-origin or server-to-server callers
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"],
                           allow_headers=["*"],
                           expose_headers=["ETag", "Location", "X-Request-ID", "Idempotent-Replayed"])
    app.add_middleware(HttpMiddleware, service=settings.service_name, gzip_min_bytes=GZIP_MIN_BYTES)
    return app
