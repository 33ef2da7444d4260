"""The assessment FastAPI app."""
from pathlib import Path

from fastapi import FastAPI

from fupin_assessment.assessments.router import router as assessments_router
from fupin_assessment.consumers import CONSUMERS
from fupin_assessment.db import INFRA, AssessmentUow
from fupin_assessment.frameworks.router import router as frameworks_router
from fupin_assessment.inputs.frame_consumer import run_frame_consumer
from fupin_assessment.inputs.router import router as inputs_router
from fupin_assessment.sampling.router import router as sampling_router
from fupin_assessment.settings import AssessmentSettings, get_settings
from fupin_shared.app import ServiceDefinition, create_service_app
from fupin_shared.bus import Transport

MIGRATIONS = Path(__file__).parent / "migrations"


def definition(settings: AssessmentSettings | None = None) -> ServiceDefinition:
    return ServiceDefinition(
        settings=settings or get_settings(), title="Fupin assessment (考核评估)",
        description="The annual assessment of counties, city departments and assisting units: frameworks, "
                    "indicators scored from frozen year-end snapshots (each citing its evidence) or by reviewers, "
                    "deductions from supervision and audit findings, results, ranking, appeals, corrections and "
                    "verification sampling.",
        infra=INFRA, uow_class=AssessmentUow, migrations_dir=MIGRATIONS,
        routers=[frameworks_router, sampling_router, inputs_router, assessments_router], consumers=CONSUMERS,
        background=[run_frame_consumer])


def create_app(settings: AssessmentSettings | None = None, *, transport: Transport | None = None) -> FastAPI:
    return create_service_app(definition(settings), transport=transport)
