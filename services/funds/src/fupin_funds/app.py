"""The funds FastAPI app."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from fastapi import FastAPI

from fupin_funds import codes_router
from fupin_funds.assets.router import router as assets_router
from fupin_funds.audit.router import router as audit_router
from fupin_funds.consumers import CONSUMERS
from fupin_funds.db import INFRA, FundsUow
from fupin_funds.disclosure.router import public_router
from fupin_funds.disclosure.router import router as disclosure_router
from fupin_funds.ledger.router import router as ledger_router
from fupin_funds.loans.router import router as loans_router
from fupin_funds.projects.router import router as projects_router
from fupin_funds.settings import FundsSettings, get_settings
from fupin_shared.app import ServiceDefinition, ServiceRuntime, create_service_app
from fupin_shared.bus import Transport

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


async def overdue_scan(runtime: ServiceRuntime) -> None:
    """Background job: mark loans past their due date as overdue, now and then every ``overdue_scan_seconds``."""
    from fupin_funds.loans.service import mark_overdue

    interval = getattr(runtime.settings, "overdue_scan_seconds", 3600.0)
    while True:
        try:
            await mark_overdue(runtime.uow())  # type: ignore[arg-type]
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the job retries at its next run
            log.exception("overdue scan failed")
        await asyncio.sleep(interval)


def definition(settings: FundsSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or get_settings(), title="Fupin funds (扶贫资金)",
        description="Fund sources, the county project library, the allocation ledger (source → county → town → "
                    "village/project), disbursements, public disclosure (公告公示), micro-credit, asset income, "
                    "performance targets and audit findings. The public notices are at /public/ (no login).",
        infra=INFRA, uow_class=FundsUow, migrations_dir=MIGRATIONS,
        routers=[ledger_router, projects_router, disclosure_router, loans_router, assets_router, audit_router,
                 codes_router.router, public_router],
        consumers=CONSUMERS, background=[overdue_scan])


def create_app(settings: FundsSettings | None = None, *, transport: Transport | None = None) -> FastAPI:
    return create_service_app(definition(settings), transport=transport)
