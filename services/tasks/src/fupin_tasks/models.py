"""Imports every table module so the metadata is complete (Alembic env, tests)."""
from fupin_tasks.plan import models as plan_models  # noqa: F401
from fupin_tasks.reports import models as report_models  # noqa: F401
from fupin_tasks.supervision import models as supervision_models  # noqa: F401
from fupin_tasks.targets import models as target_models  # noqa: F401
from fupin_tasks.workplans import models as workplan_models  # noqa: F401
