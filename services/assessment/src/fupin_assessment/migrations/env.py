import fupin_assessment.assessments.models  # noqa: F401 - register tables on the metadata
import fupin_assessment.frameworks.models  # noqa: F401
import fupin_assessment.inputs.models  # noqa: F401
import fupin_assessment.sampling.models  # noqa: F401
from fupin_assessment.db import Base
from fupin_assessment.settings import get_settings
from fupin_shared.db.migrations import run_env

run_env(Base.metadata, "alembic_version_assessment", get_settings().effective_database_url)
