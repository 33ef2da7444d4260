import fupin_funds.models  # noqa: F401 - register tables on the metadata
from fupin_funds.db import Base
from fupin_funds.settings import get_settings
from fupin_shared.db.migrations import run_env

run_env(Base.metadata, "alembic_version_funds", get_settings().effective_database_url)
