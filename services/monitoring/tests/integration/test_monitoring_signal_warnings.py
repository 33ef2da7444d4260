"""A matched signal published by the registry becomes an open early warning with its working-day deadline."""
import uuid
from datetime import date, timedelta

import pytest

from fupin_monitoring.synthetic import envelope
from fupin_monitoring.workdays import china_date
from fupin_shared.contracts import registry as cr
from fupin_shared.db import utc_now

pytestmark = pytest.mark.pg
VILLAGE = "441223101201"


async def test_matched_signal_becomes_an_alert_once(monitoring) -> None:  # noqa: ANN001
    hid, member, sid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    event = cr.SignalMatched(signal_id=sid, kind="school_dropout", source="市教育局", occurred_on=date(2020, 9, 1),
                             household_id=hid, member_id=member, village_code=VILLAGE, detail={"school": "一中"})
    await monitoring.send("registry", [envelope(event, subject=sid, division=VILLAGE)])
    page = (await monitoring.client.get("/v1/alerts", params={"household_id": str(hid)},
                                        headers=monitoring.auth())).json()
    [alert] = page["items"]
    assert alert["kind"] == "child_out_of_school" and alert["state"] == "open"
    raised = date.fromisoformat(alert["raised_on"])
    assert raised == china_date(utc_now())
    assert date.fromisoformat(alert["due_on"]) >= raised + timedelta(days=2)  # 2 working days
    # the same signal again (a resend) raises no second alert
    again = cr.SignalMatched(signal_id=uuid.uuid4(), kind="school_dropout", source="市教育局",
                             occurred_on=date(2020, 9, 2), household_id=hid, member_id=member, village_code=VILLAGE)
    await monitoring.send("registry", [envelope(again, subject=again.signal_id, division=VILLAGE)])
    page = (await monitoring.client.get("/v1/alerts", params={"household_id": str(hid)},
                                        headers=monitoring.auth())).json()
    assert len(page["items"]) == 1
