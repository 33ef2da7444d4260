import fupin_tasks.models  # noqa: F401 - register every table on the metadata
from fupin_shared.db.migrations import run_env
from fupin_tasks.db import Base
from fupin_tasks.settings import get_settings

run_env(Base.metadata, "alembic_version_tasks", get_settings().effective_database_url)
