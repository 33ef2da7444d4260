"""The tasks FastAPI app."""
import logging
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.exc import IntegrityError
from fupin_shared.app import ServiceDefinition, ServiceRuntime, create_service_app
from fupin_shared.bus import Transport

from fupin_tasks.config import config_for
from fupin_tasks.consumers import CONSUMERS
from fupin_tasks.db import INFRA, TasksUow
from fupin_tasks.jobs import overdue_job, targets_refresher
from fupin_tasks.overdue.router import router as overdue_router
from fupin_tasks.plan.router import router as plan_router
from fupin_tasks.plan.service import load_plan, read_plan_files
from fupin_tasks.reports.router import router as reports_router
from fupin_tasks.schedule.router import router as schedule_router
from fupin_tasks.settings import TasksSettings, get_settings
from fupin_tasks.supervision.router import router as supervision_router
from fupin_tasks.targets.router import router as targets_router
from fupin_tasks.workplans.router import router as workplans_router

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


async def load_packaged_plan(runtime: ServiceRuntime) -> None:
    """At startup, load the plan shipped with the service unless it is loaded already."""
    settings = runtime.settings
    if not settings.load_plan_on_startup:
        return
    plan_doc, units_doc = read_plan_files(settings.plan_file, settings.units_file)
    try:
        await load_plan(runtime.uow(), plan_doc, units_doc, config=config_for(settings), actor="fupin-tasks",
                        only_if_absent=True)
    except IntegrityError:
        # another replica loaded it at the same moment: nothing left to do
        log.info("tasks: the plan was loaded by another process")


def definition(settings: TasksSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or get_settings(), title="Fupin tasks (任务分工)",
        description="The responsibility matrix of the action plan's 32 tasks: units, tasks, work plans, "
                    "quarterly / half-year / annual progress reports on a working-day cadence, overdue "
                    "detection, targets fed from registry and funds, and supervision findings.",
        infra=INFRA, uow_class=TasksUow, migrations_dir=MIGRATIONS,
        routers=[plan_router, schedule_router, targets_router, workplans_router, reports_router, overdue_router,
                 supervision_router],
        consumers=CONSUMERS, on_startup=load_packaged_plan, background=[overdue_job, targets_refresher])


def create_app(settings: TasksSettings | None = None, *, transport: Transport | None = None) -> FastAPI:
    return create_service_app(definition(settings), transport=transport)
