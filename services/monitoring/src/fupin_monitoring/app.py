"""The monitoring FastAPI app."""
from pathlib import Path

from fastapi import FastAPI

from fupin_monitoring.alerts.router import router as alerts_router
from fupin_monitoring.db import INFRA, MonitoringUow, load_tables
from fupin_monitoring.overview.router import router as overview_router
from fupin_monitoring.settings import MonitoringSettings, get_settings
from fupin_monitoring.snapshots.router import router as snapshots_router
from fupin_monitoring.sdmx.router import router as sdmx_router
from fupin_monitoring.stream.broadcaster import Broadcaster
from fupin_monitoring.stream.router import router as stream_router
from fupin_monitoring.view.live import run_view
from fupin_monitoring.view.rebuild import router as rebuild_router
from fupin_monitoring.webhooks.delivery import CONSUMER as webhooks_consumer, run_deliveries
from fupin_monitoring.webhooks.router import router as webhooks_router
from fupin_shared.app import ServiceDefinition, ServiceRuntime, create_service_app
from fupin_shared.bus import Transport

MIGRATIONS = Path(__file__).parent / "migrations"
load_tables()


async def _startup(runtime: ServiceRuntime) -> None:
    runtime.extras["broadcaster"] = Broadcaster()


def definition(settings: MonitoringSettings | None = None) -> ServiceDefinition:
    from fupin_monitoring.dashboard import service_router

    return ServiceDefinition(
        settings=settings or get_settings(), title="Fupin monitoring (动态监测)",
        description="The dynamic-monitoring view: projections of every service's events by division and year, "
                    "early warnings (预警) with working-day deadlines, year-end snapshots, a live dashboard and "
                    "its server-sent-event stream.",
        infra=INFRA, uow_class=MonitoringUow, migrations_dir=MIGRATIONS,
        routers=[overview_router, alerts_router, snapshots_router, stream_router, rebuild_router, service_router(),
                 sdmx_router, webhooks_router],
        consumers=[webhooks_consumer], on_startup=_startup, background=[run_view, run_deliveries])


def create_app(settings: MonitoringSettings | None = None, *, transport: Transport | None = None) -> FastAPI:
    return create_service_app(definition(settings), transport=transport)
