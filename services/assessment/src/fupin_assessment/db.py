"""Assessment metadata, infrastructure tables and unit of work."""
from sqlalchemy.ext.asyncio import AsyncSession

from fupin_shared.db import UnitOfWork, make_base
from fupin_shared.outbox import define_infrastructure_tables

Base = make_base()
INFRA = define_infrastructure_tables(Base)


class AssessmentUow(UnitOfWork):
    infra = INFRA
    source = "/fupin/assessment"

    def _open(self, session: AsyncSession) -> None:
        from fupin_assessment.assessments.repository import AssessmentRepository
        from fupin_assessment.frameworks.repository import FrameworkRepository
        from fupin_assessment.inputs.repository import InputRepository
        from fupin_assessment.sampling.repository import SampleRepository

        self.frameworks = FrameworkRepository(session, INFRA)
        self.assessments = AssessmentRepository(session, INFRA)
        self.inputs = InputRepository(session)
        self.samples = SampleRepository(session)
