"""The registry FastAPI app."""
from pathlib import Path

from fastapi import FastAPI

from fupin_registry.db import INFRA, RegistryUow
from fupin_registry.households.router import router as households_router
from fupin_registry.settings import RegistrySettings, get_settings
from fupin_shared.app import ServiceDefinition, create_service_app
from fupin_shared.bus import Transport

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: RegistrySettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or get_settings(), title="Fupin registry (建档立卡)",
        description="Poor-population registry: divisions, households, members, yearly records, "
                    "identification, exit, return and removal.",
        infra=INFRA, uow_class=RegistryUow, migrations_dir=MIGRATIONS, routers=[households_router])


def create_app(settings: RegistrySettings | None = None, *, transport: Transport | None = None) -> FastAPI:
    return create_service_app(definition(settings), transport=transport)
