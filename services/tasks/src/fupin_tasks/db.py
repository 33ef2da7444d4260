"""Tasks metadata, infrastructure tables and unit of work."""
from fupin_shared.db import UnitOfWork, make_base
from fupin_shared.outbox import define_infrastructure_tables
from sqlalchemy.ext.asyncio import AsyncSession

Base = make_base()
INFRA = define_infrastructure_tables(Base)


class TasksUow(UnitOfWork):
    infra = INFRA
    source = "/fupin/tasks"

    def _open(self, session: AsyncSession) -> None:
        from fupin_tasks.plan.repository import PlanRepository
        from fupin_tasks.reports.repository import ReportRepository
        from fupin_tasks.supervision.repository import FindingRepository
        from fupin_tasks.targets.repository import TargetRepository
        from fupin_tasks.workplans.repository import WorkPlanRepository

        self.plans = PlanRepository(session)
        self.reports = ReportRepository(session, INFRA)
        self.work_plans = WorkPlanRepository(session, INFRA)
        self.findings = FindingRepository(session, INFRA)
        self.targets = TargetRepository(session)
