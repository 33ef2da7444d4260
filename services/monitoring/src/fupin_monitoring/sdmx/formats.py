"""Rendering of SDMX messages: SDMX-ML 2.1 structure and structure-specific data (written with the
``sdmx1`` library's own writer), SDMX-JSON 1.0 data and SDMX-CSV 1.0 data."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone

import orjson
import sdmx
from sdmx import message
from sdmx.model import common, v21

from fupin_monitoring.sdmx.domain import (
    AGENCY, CONCEPTS, CONF_STATUS, FREQ, VERSION, Dataset, Flow, Label, area_label, is_missing,
)

ML_STRUCTURE = "application/vnd.sdmx.structure+xml;version=2.1"
ML_DATA = "application/vnd.sdmx.structurespecificdata+xml;version=2.1"
JSON_DATA = "application/vnd.sdmx.data+json;version=1.0.0"
CSV_DATA = "application/vnd.sdmx.data+csv;version=1.0.0"


def _agency() -> common.Agency:
    return common.Agency(id=AGENCY, name={"zh": "肇庆市扶贫开发领导小组办公室", "en": "Zhaoqing poverty alleviation office"})


def _header() -> message.Header:
    return message.Header(id="FUPIN" + datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f"),
                          prepared=datetime.now(timezone.utc).replace(microsecond=0), sender=_agency())


def _codelist(cid: str, name: Label, codes: Mapping[str, Label], agency: common.Agency) -> common.Codelist:
    cl = common.Codelist(id=cid, name=name.as_dict(), maintainer=agency, version=VERSION, is_final=True)
    for code, label in codes.items():
        cl.append(common.Code(id=code, name=label.as_dict()))
    return cl


class Structures:
    """The structure objects of a set of flows, built once per request (codelists follow the data
    the caller may see: ``AREA`` lists the caller's subtree)."""

    def __init__(self, flows: Iterable[Flow], *, areas: list[str], dim_codes: Mapping[str, Mapping[str, Label]]):
        self.agency = agency = _agency()
        self.concepts = common.ConceptScheme(id="CS_FUPIN", name={"zh": "扶贫统计概念", "en": "Fupin statistical concepts"},
                                             maintainer=agency, version=VERSION, is_final=True)
        for cid, label in CONCEPTS.items():
            self.concepts.append(common.Concept(id=cid, name=label.as_dict()))
        self.codelists: dict[str, common.Codelist] = {
            "CL_FREQ": _codelist("CL_FREQ", Label("频率", "Frequency"), FREQ, agency),
            "CL_AREA": _codelist("CL_AREA", Label("行政区划", "Administrative divisions"),
                                 {a: area_label(a) for a in areas}, agency),
            "CL_CONF_STATUS": _codelist("CL_CONF_STATUS", Label("保密状态", "Confidentiality status"), CONF_STATUS, agency),
        }
        self.dsds: dict[str, v21.DataStructureDefinition] = {}
        self.flows: dict[str, v21.DataflowDefinition] = {}
        for flow in flows:
            for dim in flow.dims:
                if dim.codelist not in self.codelists:
                    self.codelists[dim.codelist] = _codelist(dim.codelist, dim.label, dim_codes.get(dim.codelist, dim.codes),
                                                             agency)
            self._add(flow)

    def _rep(self, cid: str) -> common.Representation:
        return common.Representation(enumerated=self.codelists[cid])

    def _add(self, flow: Flow) -> None:
        dsd = v21.DataStructureDefinition(id=flow.dsd, name=flow.label.as_dict(), maintainer=self.agency,
                                          version=VERSION, is_final=True)
        cs = self.concepts
        for pos, (did, cl) in enumerate((("FREQ", "CL_FREQ"), ("AREA", "CL_AREA"),
                                          *((d.id, d.codelist) for d in flow.dims))):
            dsd.dimensions.append(common.Dimension(id=did, concept_identity=cs[did], order=pos,
                                                   local_representation=self._rep(cl)))
        dsd.dimensions.append(common.TimeDimension(id="TIME_PERIOD", concept_identity=cs["TIME_PERIOD"], order=4))
        dsd.measures.append(v21.PrimaryMeasure(id="OBS_VALUE", concept_identity=cs["OBS_VALUE"]))
        dsd.attributes.append(common.DataAttribute(
            id="CONF_STATUS", concept_identity=cs["CONF_STATUS"], local_representation=self._rep("CL_CONF_STATUS"),
            related_to=v21.PrimaryMeasureRelationship(), usage_status=common.UsageStatus.mandatory))
        self.dsds[flow.dsd] = dsd
        self.flows[flow.id] = v21.DataflowDefinition(id=flow.id, name=flow.label.as_dict(), maintainer=self.agency,
                                                     version=VERSION, is_final=True, structure=dsd)

    def message(self, *, flows: bool = True, dsds: bool = True, codelists: Iterable[str] | None = None,
                concepts: bool = True) -> bytes:
        msg = message.StructureMessage(header=_header())
        if flows:
            for df in self.flows.values():
                msg.add(df)
        if dsds:
            for dsd in self.dsds.values():
                msg.add(dsd)
        for cid in (self.codelists if codelists is None else codelists):
            msg.add(self.codelists[cid])
        if concepts:
            msg.add(self.concepts)
        return sdmx.to_xml(msg)


def data_xml(ds: Dataset, structures: Structures) -> bytes:
    flow = ds.flow
    dsd = structures.dsds[flow.dsd]
    dims = flow.dimension_ids
    data = v21.StructureSpecificDataSet(structured_by=dsd, described_by=structures.flows[flow.id])
    conf = {c.id: c for c in structures.codelists["CL_CONF_STATUS"]}
    attr = dsd.attributes.get("CONF_STATUS")
    for key, observations in ds.series().items():
        sk = dsd.make_key(common.SeriesKey, dict(zip(dims, key, strict=True)))
        obs = [v21.Observation(
            dimension=dsd.make_key(common.Key, {"TIME_PERIOD": o.period}), series_key=sk,
            value=float("nan") if is_missing(o.value) else o.value, value_for=dsd.measures[0],
            attached_attribute={"CONF_STATUS": common.AttributeValue(value=conf[o.conf], value_for=attr)})
            for o in observations]
        data.add_obs(obs, sk)
    msg = message.DataMessage(header=_header(), dataflow=structures.flows[flow.id], data=[data])
    msg.observation_dimension = dsd.dimensions.get("TIME_PERIOD")
    return sdmx.to_xml(msg)


def data_json(ds: Dataset, structures: Structures) -> bytes:
    """An SDMX-JSON 1.0 data message, series-shaped (``dimensionAtObservation=TIME_PERIOD``)."""
    flow = ds.flow
    dims = flow.dimension_ids
    series = ds.series()
    values: list[list[str]] = [sorted({k[i] for k in series}) for i in range(len(dims))]
    index = [{v: n for n, v in enumerate(vs)} for vs in values]
    periods = sorted({o.period for obs in series.values() for o in obs})
    pindex = {p: n for n, p in enumerate(periods)}
    confs = ["F", "C"]
    out_series = {}
    for key, observations in series.items():
        out_series[":".join(str(index[i][v]) for i, v in enumerate(key))] = {
            "attributes": [],
            "observations": {str(pindex[o.period]): [None if is_missing(o.value) else o.value, confs.index(o.conf)]
                             for o in observations}}

    def named(cl: str, code: str) -> dict:
        item = structures.codelists[cl].get(code) if code in structures.codelists[cl] else None
        names = dict(item.name.localizations) if item is not None else {"en": code}
        return {"id": code, "name": names.get("en", code)}

    cls = ["CL_FREQ", "CL_AREA", *(d.codelist for d in flow.dims)]
    doc = {
        "header": {"id": _header().id, "test": False, "prepared": datetime.now(timezone.utc).isoformat(),
                   "sender": {"id": AGENCY, "name": "Zhaoqing poverty alleviation office"}},
        "dataSets": [{"action": "Information", "series": out_series}],
        "structure": {
            "name": flow.label.en, "names": flow.label.as_dict(),
            "links": [{"rel": "dataflow", "urn": str(structures.flows[flow.id].urn or "")}],
            "dimensions": {
                "dataSet": [],
                "series": [{"id": d, "name": CONCEPTS[d].en, "names": CONCEPTS[d].as_dict(), "keyPosition": i, "values": [named(cls[i], v) for v in values[i]]}
                           for i, d in enumerate(dims)],
                "observation": [{"id": "TIME_PERIOD", "name": "Time period", "keyPosition": len(dims),
                                 "role": "time", "values": [{"id": p, "name": p} for p in periods]}]},
            "attributes": {
                "dataSet": [], "series": [],
                "observation": [{"id": "CONF_STATUS", "name": "Confidentiality status", "relationship":
                                 {"primaryMeasure": "OBS_VALUE"},
                                 "values": [{"id": c, "name": CONF_STATUS[c].en}
                                            for c in confs]}]}},
    }
    return orjson.dumps(doc)


def data_csv(ds: Dataset) -> bytes:
    """SDMX-CSV 1.0: ``DATAFLOW`` first, then the dimensions, ``TIME_PERIOD``, ``OBS_VALUE``, attributes."""
    flow = ds.flow
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["DATAFLOW", *flow.dimension_ids, "TIME_PERIOD", "OBS_VALUE", "CONF_STATUS"])
    ref = f"{AGENCY}:{flow.id}({VERSION})"
    for key, observations in ds.series().items():
        for o in observations:
            value = "" if is_missing(o.value) else (str(int(o.value)) if float(o.value).is_integer() else str(o.value))
            w.writerow([ref, *key, o.period, value, o.conf])
    return buf.getvalue().encode("utf-8")
