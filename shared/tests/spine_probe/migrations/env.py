import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from spine_probe.service import Base  # noqa: E402
from fupin_shared.db.migrations import run_env  # noqa: E402

run_env(Base.metadata, "alembic_version_probe", "sqlite+aiosqlite:///:memory:")
