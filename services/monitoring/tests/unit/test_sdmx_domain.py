"""SDMX rules: keys, periods, stocks vs flows, small-cell suppression, messages readable by sdmx1."""
import io

import pytest
import sdmx

from fupin_monitoring.sdmx import domain, formats

GN, VILLAGE = "441223000000", "441223101201"


def test_key_wildcards_and_or() -> None:
    assert domain.parse_key("A.441223000000+441224000000..exited", 4) == [
        {"A"}, {"441223000000", "441224000000"}, None, {"exited"}]
    assert domain.parse_key("all", 4) == [None] * 4 and domain.parse_key(None, 4) == [None] * 4
    with pytest.raises(ValueError):
        domain.parse_key("A.B", 4)


def test_periods() -> None:
    assert domain.parse_period("2020") == 2020 and domain.parse_period("2019-Q3") == 2019
    assert domain.parse_period(None) is None
    with pytest.raises(ValueError):
        domain.parse_period("last year")


def test_stock_accumulates_flow_does_not_and_village_small_cells_are_withheld() -> None:
    rows = [(GN, 0, "hh_status", "identified", 10), (GN, 2020, "hh_status", "identified", -2),
            (GN, 2019, "hh_status", "exited", 1), (VILLAGE, 0, "hh_status", "identified", 4)]
    ds = domain.build(domain.FLOWS["DF_HOUSEHOLDS"], rows, filters=[None] * 4, start=None, end=None)
    got = {(o.key[1], o.key[3], o.period): (o.value, o.conf) for o in ds.observations}
    assert got[(GN, "identified", "2019")] == (10.0, "F") and got[(GN, "identified", "2020")] == (8.0, "F")
    assert got[(GN, "exited", "2020")] == (1.0, "F")  # a county-level 1 is not withheld
    assert got[(VILLAGE, "identified", "2019")] == (None, "C")
    flows = domain.build(domain.FLOWS["DF_EXITS_RETURNS"], [(GN, 2019, "exits", "industry", 3)],
                         filters=[None] * 4, start=2020, end=None)
    assert flows.observations == []


def test_money_is_never_suppressed() -> None:
    ds = domain.build(domain.FLOWS["DF_FUNDS"], [(VILLAGE, 2020, "funds_disbursed", "", 3)],
                      filters=[None] * 4, start=None, end=None)
    assert [(o.key[2:], o.value, o.conf) for o in ds.observations] == [(("DISBURSED", "_T"), 3.0, "F")]


def test_messages_read_back_with_sdmx1() -> None:
    flow = domain.FLOWS["DF_EXITS_RETURNS"]
    ds = domain.build(flow, [(GN, 2019, "exits", "industry", 3), (VILLAGE, 2019, "returns", "illness", 2)],
                      filters=[None] * 4, start=None, end=None)
    st = formats.Structures([flow], areas=[GN, VILLAGE], dim_codes={})
    structure = sdmx.read_sdmx(io.BytesIO(st.message()))
    assert structure.codelist["CL_AREA"][GN].name.localizations == {"zh": "广宁县", "en": "Guangning"}
    dsd = structure.structure[flow.dsd]
    for body, kwargs in ((formats.data_xml(ds, st), {"structure": dsd}), (formats.data_json(ds, st), {})):
        s = sdmx.to_pandas(sdmx.read_sdmx(io.BytesIO(body), **kwargs))
        s = s.reorder_levels(["FREQ", "AREA", "MOVE", "REASON", "TIME_PERIOD"])
        assert s[("A", GN, "EXIT", "industry", "2019")] == 3.0
        assert s[("A", VILLAGE, "RETURN", "illness", "2019")] != s[("A", VILLAGE, "RETURN", "illness", "2019")]
    csv_text = formats.data_csv(ds).decode()
    assert csv_text.splitlines()[0] == "DATAFLOW,FREQ,AREA,MOVE,REASON,TIME_PERIOD,OBS_VALUE,CONF_STATUS"
    assert f"FUPIN:DF_EXITS_RETURNS(1.0),A,{VILLAGE},RETURN,illness,2019,,C" in csv_text
