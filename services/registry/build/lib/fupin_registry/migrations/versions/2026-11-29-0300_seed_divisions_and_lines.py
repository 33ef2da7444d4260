"""Reference data: the Zhaoqing division tree, natural villages, and the 2018–2020 poverty lines

Revision ID: r0003
Revises: r0002
Create Date: 2026-11-29
"""
import json
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

from fupin_shared.db.types import UtcDateTime

revision = "r0003"
down_revision = "r0002"
branch_labels = None
depends_on = None

DATA = Path(__file__).resolve().parents[2] / "divisions" / "data" / "zhaoqing.json"

# The plan's measured lines (一(二) 目标任务): 45% and 60% of the provincial rural per-capita
# disposable income, 8,699 and 11,599 yuan.
LINES = [(year, 869_900, 1_159_900) for year in (2018, 2019, 2020)]
BASIS = "肇办发〔2018〕24号 一(二): 全省农民人均可支配收入的45%/60%（测算数8699元/11599元）"


def upgrade() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    division = sa.table("division", sa.column("code"), sa.column("name"), sa.column("level"),
                        sa.column("parent_code"), sa.column("provincial_poor_village", sa.Boolean),
                        sa.column("exited_year"), sa.column("version"))
    city_code, city_name = data["city"]
    rows = [{"code": city_code, "name": city_name, "level": "city", "parent_code": None}]
    rows += [{"code": c, "name": n, "level": "county", "parent_code": city_code} for c, n in data["counties"]]
    rows += [{"code": c, "name": n, "level": "town", "parent_code": p} for c, n, p in data["towns"]]
    rows += [{"code": c, "name": n, "level": "village", "parent_code": p, "provincial_poor_village": bool(poor)}
             for c, n, p, poor in data["villages"]]
    for row in rows:
        row.setdefault("provincial_poor_village", False)
        row.update(exited_year=None, version=1)
    op.bulk_insert(division, rows)
    natural = sa.table("natural_village", sa.column("id"), sa.column("village_code"), sa.column("name"),
                       sa.column("households"))
    op.bulk_insert(natural, [{"id": i, "village_code": v, "name": n, "households": h}
                             for i, v, n, h in data["natural_villages"]])
    line = sa.table("poverty_line", sa.column("year"), sa.column("household_line_fen"),
                    sa.column("village_line_fen"), sa.column("provincial_rural_income_fen"), sa.column("basis"),
                    sa.column("version"), sa.column("updated_at", UtcDateTime))
    now = datetime(2018, 12, 10, tzinfo=UTC)
    op.bulk_insert(line, [{"year": y, "household_line_fen": h, "village_line_fen": v,
                           "provincial_rural_income_fen": None, "basis": BASIS, "version": 1, "updated_at": now}
                          for y, h, v in LINES])


def downgrade() -> None:
    op.execute("DELETE FROM poverty_line WHERE year IN (2018, 2019, 2020)")
    op.execute("DELETE FROM natural_village")
    op.execute("DELETE FROM division")
