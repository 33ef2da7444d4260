"""The demo signals of ``make run``: matched ones and unmatched ones, posted once (SQLite, the embedded default)."""
from fupin_registry.signals.demo import MATCHED, UNMATCHED, load_demo_signals


async def test_demo_signals_are_matched_and_unmatched_and_loaded_once(registry_sqlite, household_body, reg):
    h = registry_sqlite
    await load_demo_signals(h.runtime)  # no members yet: nothing posted
    assert (await reg.count_rows(h, "signal"))["signal"] == 0
    for _ in range(2):
        assert (await h.client.post("/v1/households", json=household_body(), headers=h.auth())).status_code == 201
    await load_demo_signals(h.runtime)
    await load_demo_signals(h.runtime)  # idempotent
    report = (await h.client.get("/v1/signals/report", headers=h.auth(scopes=["registry:read"]))).json()
    assert (report["matched"], report["unmatched"]) == (len(MATCHED), len(UNMATCHED))
