"""Provincial poor villages in the view from the registry's ``VillageDesignated`` events: all 111 of
the registry's division tree counted before any village is assessed, in agreement with the registry
per division, whichever order designation, assessment and exit arrive in, and rebuilt alike."""
from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from fupin_monitoring.app import MIGRATIONS
from fupin_monitoring.reconcile import client_for, reconcile
from fupin_monitoring.synthetic import envelope
from fupin_monitoring.view.rebuild import rebuild
from fupin_monitoring.view.tables import village_view
from fupin_registry.app import MIGRATIONS as REGISTRY_MIGRATIONS
from fupin_registry.app import create_app as create_registry
from fupin_registry.settings import RegistrySettings
from fupin_shared.bus import InProcessTransport
from fupin_shared.contracts import registry as cr
from fupin_shared.testing import ServiceHarness, eventually, mint_token

BOTH = [pytest.param("sqlite"), pytest.param("pg", marks=pytest.mark.pg)]
WRITE = ["monitoring:read", "monitoring:write"]
FIRST, LATE, DROPPED = "441223101201", "441224102301", "441225103201"


def designated(code: str, flag: bool = True):  # noqa: ANN201
    return envelope(cr.VillageDesignated(village_code=code, provincial_poor_village=flag), subject=code, division=code)


def assessed(code: str):  # noqa: ANN201
    return envelope(cr.VillageAssessed(village_code=code, year=2019, provincial_poor_village=True, eligible=True,
                                       per_capita_income_fen=1_300_000), subject=code, division=code)


def exited(code: str):  # noqa: ANN201
    return envelope(cr.VillageExited(village_code=code, year=2019), subject=code, division=code)


@pytest.mark.pg
async def test_the_registry_designations_count_111_poor_villages_in_agreement_with_it(
        migrated_pg, start_monitoring, key_file, tmp_path) -> None:  # noqa: ANN001
    transport = InProcessTransport()
    registry = ServiceHarness(create_registry, RegistrySettings(
        database_url=await migrated_pg(REGISTRY_MIGRATIONS), auth_key_file=key_file, data_dir=tmp_path, bus="memory"),
        transport=transport)
    async with registry.running(), start_monitoring(await migrated_pg(MIGRATIONS), transport=transport) as monitoring:
        async def counted() -> dict | None:
            view = await monitoring.overview()
            return view if view["villages"]["provincial_poor"] == 111 else None

        view = await eventually(counted, timeout=30, message="the view did not count the 111 poor villages")
        assert view["villages"]["poor_exited"] == 0 and view["villages"]["assessed"] == 0
        deqing = await monitoring.overview(division="441226000000")
        assert deqing["villages"]["provincial_poor"] == 17
        client = client_for("http://registry", mint_token(key_file, scopes=["registry:read"]),
                            transport=httpx.ASGITransport(app=registry.app))
        async with client:
            report = await reconcile(monitoring.runtime.engine, registry=client, funds=None, settle=0)
        poor = [d for d in report.drift if d.figure.startswith("poor_villages")]
        assert report.compared["registry"] > 0 and poor == []
        rebuilt = await rebuild(monitoring.runtime)
        assert rebuilt.swapped and rebuilt.counter_differences == 0
        assert (await monitoring.overview())["villages"] == view["villages"]


@pytest.mark.parametrize("backend", BOTH, indirect=True)
async def test_a_designation_before_or_after_the_assessment_and_exit_counts_the_village_once(
        monitoring) -> None:  # noqa: ANN001
    await monitoring.send("registry", [designated(FIRST), assessed(FIRST), exited(FIRST),
                                       assessed(LATE), exited(LATE), designated(LATE),
                                       designated(DROPPED), designated(DROPPED, False)])
    view = await monitoring.overview()
    assert view["villages"] == {"provincial_poor": 2, "poor_exited": 2, "exit_rate": 1.0, "assessed": 2,
                                "eligible": 2, "poor_eligible": 2}
    assert (await monitoring.overview(division="441225000000"))["villages"]["provincial_poor"] == 0
    async with monitoring.runtime.engine.connect() as conn:
        rows = {r.village_code: (r.provincial_poor, r.exited_year)
                for r in (await conn.execute(sa.select(village_view))).all()}
    assert rows == {FIRST: (True, 2019), LATE: (True, 2019), DROPPED: (False, None)}
    response = await monitoring.client.post("/v1/rebuild", headers=monitoring.auth(scopes=WRITE))
    assert response.status_code == 200, response.text
    assert response.json()["swapped"] is True and response.json()["counter_differences"] == 0
    assert (await monitoring.overview())["villages"] == view["villages"]
