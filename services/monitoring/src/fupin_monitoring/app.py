"""The monitoring FastAPI app."""
from pathlib import Path

from fastapi import FastAPI

from fupin_monitoring.consumers import CONSUMERS
from fupin_monitoring.db import INFRA, MonitoringUow
from fupin_monitoring.overview.router import router as overview_router
from fupin_monitoring.settings import MonitoringSettings, get_settings
from fupin_shared.app import ServiceDefinition, create_service_app
from fupin_shared.bus import Transport

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: MonitoringSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or get_settings(), title="Fupin monitoring (动态监测)",
        description="The dynamic-monitoring view: projections of every service's events, alerts, "
                    "the dashboard and statistics feeds.",
        infra=INFRA, uow_class=MonitoringUow, migrations_dir=MIGRATIONS, routers=[overview_router],
        consumers=CONSUMERS)


def create_app(settings: MonitoringSettings | None = None, *, transport: Transport | None = None) -> FastAPI:
    return create_service_app(definition(settings), transport=transport)
