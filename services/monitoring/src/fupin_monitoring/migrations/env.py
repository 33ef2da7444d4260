import fupin_monitoring.overview.models  # noqa: F401 - register tables on the metadata
from fupin_monitoring.db import Base
from fupin_monitoring.settings import get_settings
from fupin_shared.db.migrations import run_env

run_env(Base.metadata, "alembic_version_monitoring", get_settings().effective_database_url)
