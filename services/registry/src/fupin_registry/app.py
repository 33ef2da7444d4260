"""The registry FastAPI app."""
from pathlib import Path

from fastapi import FastAPI

from fupin_registry.codelists_router import router as codelists_router
from fupin_registry.db import INFRA, RegistryUow
from fupin_registry.divisions.router import router as divisions_router
from fupin_registry.divisions.service import publish_designations
from fupin_registry.households.router import router as households_router
from fupin_registry.imports.router import router as imports_router
from fupin_registry.imports.service import import_worker
from fupin_registry.lines.router import router as lines_router
from fupin_registry.records.router import router as records_router
from fupin_registry.sync.router import router as sync_router
from fupin_registry.signals.router import router as signals_router
from fupin_registry.dci.router import router as dci_router
from fupin_registry.dci.worker import dci_worker
from fupin_registry.signals.consumer import REMATCH, rematch_sweep
from fupin_registry.feeds.router import router as feeds_router
from fupin_registry.settings import RegistrySettings, get_settings
from fupin_registry.villages.router import router as villages_router
from fupin_shared.app import ServiceDefinition, ServiceRuntime, create_service_app
from fupin_shared.bus import Transport

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: RegistrySettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or get_settings(), title="Fupin registry (建档立卡)",
        description="Poor-population registry: divisions, households, members, yearly records, "
                    "identification, exit, return and removal.",
        infra=INFRA, uow_class=RegistryUow, migrations_dir=MIGRATIONS,
        # the hottest routes first: FastAPI matches routes in order
        routers=[households_router, sync_router, records_router, divisions_router, villages_router, imports_router,
                 lines_router, codelists_router, signals_router, dci_router, feeds_router],
        background=[import_worker, dci_worker, rematch_sweep], consumers=[REMATCH], on_startup=_startup)


async def _startup(runtime: ServiceRuntime) -> None:
    await publish_designations(runtime.uow())


def create_app(settings: RegistrySettings | None = None, *, transport: Transport | None = None) -> FastAPI:
    return create_service_app(definition(settings), transport=transport)
