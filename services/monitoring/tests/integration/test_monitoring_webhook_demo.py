"""The demo webhook subscriptions of ``make run`` (SQLite, the embedded default): made once."""
import pytest

from fupin_monitoring.webhooks.demo import SUBSCRIPTIONS, load_demo_webhooks


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_demo_webhooks_subscribe_once(monitoring) -> None:  # noqa: ANN001
    await load_demo_webhooks(monitoring.runtime)
    await load_demo_webhooks(monitoring.runtime)
    # city-admin of make run holds monitoring:write: it sees the demo partner's subscriptions
    admin = monitoring.auth(scopes=["webhooks:write", "monitoring:write"])
    items = (await monitoring.client.get("/v1/webhooks", headers=admin)).json()
    assert sorted(s["url"] for s in items["items"]) == sorted(str(s.url) for s in SUBSCRIPTIONS)
    assert {s["division_code"] for s in items["items"]} == {"441200000000", "441223000000"}
