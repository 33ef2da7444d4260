"""Matched signals from other departments → alert intents (pure)."""
import uuid
from datetime import date

from fupin_monitoring.alerts.domain import Clear, Raise
from fupin_monitoring.signals import signal_intents

HID, MID, SID = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
ON = date(2020, 6, 1)


def data(kind, **detail):  # noqa: ANN001, ANN003, ANN201
    return {"signal_id": str(SID), "kind": kind, "source": "市医保局", "occurred_on": "2020-05-20",
            "household_id": str(HID), "member_id": str(MID), "village_code": "441223101201", "detail": detail}


def test_member_signals_raise_on_the_member_key_shared_with_the_registry_rules() -> None:
    for kind, alert in [("medical_bill", "serious_illness"), ("disability_certificate", "new_disability"),
                        ("school_dropout", "child_out_of_school")]:
        [intent] = signal_intents(data(kind, amount_fen=8_000_000), on=ON)
        assert isinstance(intent, Raise) and intent.kind == alert
        assert intent.subject_key == f"{alert}:{MID}" and intent.raised_on == ON and intent.year == 2020
        assert intent.detail["signal_id"] == str(SID) and intent.detail["occurred_on"] == "2020-05-20"


def test_housing_rating_c_raises_a_clears_and_disaster_raises() -> None:
    [unsafe] = signal_intents(data("housing_safety", rating="C"), on=ON)
    assert isinstance(unsafe, Raise) and unsafe.kind == "housing_unsafe"
    [safe] = signal_intents(data("housing_safety", rating="A"), on=ON)
    assert isinstance(safe, Clear) and safe.subject_key == f"housing_unsafe:{HID}"
    [disaster] = signal_intents(data("disaster", disaster_type="flood"), on=ON)
    assert isinstance(disaster, Raise) and disaster.kind == "disaster" and disaster.detail == {"cause": "flood"}
