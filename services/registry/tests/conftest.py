"""Fixtures of the registry's suite: a running registry on PostgreSQL (or SQLite), valid bodies, counts."""
from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from fupin_registry.app import MIGRATIONS, create_app
from fupin_registry.households import idnumber
from fupin_registry.settings import RegistrySettings
from fupin_shared.contracts.registry import VillageDesignated
from fupin_shared.testing import ServiceHarness

VILLAGE = "441223101200"          # a village of 广宁县 (the county-officer's county)
OTHER_COUNTY_VILLAGE = "441224100200"
COUNTY = "441223000000"


@pytest.fixture
async def registry(migrated_pg, key_file, topic_prefix, tmp_path) -> AsyncIterator[ServiceHarness]:
    url = await migrated_pg(MIGRATIONS)
    harness = ServiceHarness(create_app, RegistrySettings(database_url=url, auth_key_file=key_file,
                                                          topic_prefix=topic_prefix, bus="memory",
                                                          data_dir=tmp_path))
    async with harness.running():
        yield harness


@pytest.fixture
async def registry_sqlite(key_file, tmp_path) -> AsyncIterator[ServiceHarness]:
    harness = ServiceHarness(create_app, RegistrySettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/registry.db",
                                                          auth_key_file=key_file, bus="memory", data_dir=tmp_path))
    async with harness.running():
        yield harness


@pytest.fixture(params=["pg", "sqlite"])
async def any_registry(request, migrated_pg, key_file, topic_prefix, tmp_path) -> AsyncIterator[ServiceHarness]:
    """The same test on PostgreSQL and on SQLite (the embedded default)."""
    if request.param == "pg":
        if "pg" not in request.keywords:
            request.applymarker(pytest.mark.pg)
        url = await migrated_pg(MIGRATIONS)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path}/registry.db"
    harness = ServiceHarness(create_app, RegistrySettings(database_url=url, auth_key_file=key_file,
                                                          topic_prefix=topic_prefix, bus="memory", data_dir=tmp_path))
    async with harness.running():
        yield harness


def new_id_number(born: date, rng: random.Random, *, area: str = "441223", male: bool | None = None) -> str:
    seq = rng.randrange(0, 1000)
    if male is not None and (seq % 2 == 1) != male:
        seq = (seq + 1) % 1000
    return idnumber.make(area, born, seq)


@pytest.fixture
def household_body() -> Callable[..., dict[str, Any]]:
    """A valid POST /v1/households body with fresh ID numbers (head born 1970, a daughter born 2010)."""
    rng = random.Random()

    def make(village: str = VILLAGE, **overrides: Any) -> dict[str, Any]:
        head_born = date(1950 + rng.randrange(30), 1 + rng.randrange(12), 1 + rng.randrange(28))
        kid_born = date(2008 + rng.randrange(4), 1 + rng.randrange(12), 1 + rng.randrange(28))
        body = {
            "village_code": village, "labour_type": "labour", "poverty_causes": ["illness", "lack_of_funds"],
            "head": {"name": "黄大明", "id_number": new_id_number(head_born, rng), "labour_skill": "ordinary",
                     "medical_insurance": True, "pension_insurance": True},
            "members": [{"name": "黄小红", "id_number": new_id_number(kid_born, rng, male=False),
                         "relation": "daughter", "in_school": True, "medical_insurance": True,
                         "labour_skill": "none", "education": "primary"}],
            "assisting_cadre": "李干部", "assisting_unit": "市教育局", "phone": "13800138000",
            "one_card_account": "6217000012345678",
        }
        body.update(overrides)
        return body

    return make


async def count_rows(harness: ServiceHarness, *tables: str) -> dict[str, int]:
    """Rows per table; ``outbox`` without the village designations every start may record (what
    requests wrote, the figure "nothing written" tests compare)."""
    def query(table: str) -> str:
        if table == "outbox":
            return f"SELECT count(*) FROM outbox WHERE type <> '{VillageDesignated.event_type()}'"
        return f"SELECT count(*) FROM {table}"

    async with harness.runtime.engine.connect() as conn:
        return {t: (await conn.execute(text(query(t)))).scalar_one() for t in tables}




@pytest.fixture
def reg():  # noqa: ANN201
    """Constants and helpers for the registry tests."""
    from types import SimpleNamespace

    return SimpleNamespace(VILLAGE=VILLAGE, OTHER_COUNTY_VILLAGE=OTHER_COUNTY_VILLAGE, COUNTY=COUNTY,
                           count_rows=count_rows, new_id_number=new_id_number)
