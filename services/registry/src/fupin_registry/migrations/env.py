import fupin_registry.models  # noqa: F401 - register every table on the metadata
from fupin_registry.db import Base
from fupin_registry.settings import get_settings
from fupin_shared.db.migrations import run_env

run_env(Base.metadata, "alembic_version_registry", get_settings().effective_database_url)
