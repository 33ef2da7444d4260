from fupin_monitoring.db import Base, load_tables
from fupin_monitoring.settings import get_settings
from fupin_shared.db.migrations import run_env

load_tables()
run_env(Base.metadata, "alembic_version_monitoring", get_settings().effective_database_url)
