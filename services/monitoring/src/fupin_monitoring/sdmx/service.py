"""Use cases of the SDMX feed: structures and data of the caller's subtree, every pull logged."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from fupin_monitoring.sdmx import domain, repository
from fupin_monitoring.sdmx.errors import BadSdmxQuery, UnknownStructure
from fupin_monitoring.sdmx.formats import Structures
from fupin_shared.auth.principal import Principal

log = logging.getLogger("fupin.monitoring.sdmx")


def select_flows(agency: str | None, flow_id: str | None, version: str | None) -> list[domain.Flow]:
    if agency not in (None, "all", "ALL", domain.AGENCY):
        raise UnknownStructure(f"Unknown agency {agency}.")
    if version not in (None, "latest", "all", "ALL", "+", domain.VERSION):
        raise UnknownStructure(f"Unknown version {version}.")
    if flow_id in (None, "all", "ALL"):
        return list(domain.FLOWS.values())
    flow = domain.FLOWS.get(flow_id) or domain.FLOWS.get("DF_" + flow_id.removeprefix("DSD_"))
    if flow is None:
        raise UnknownStructure(f"Unknown dataflow or structure {flow_id}.")
    return [flow]


def flow_ref(ref: str) -> domain.Flow:
    """``DF_X``, ``FUPIN,DF_X`` or ``FUPIN,DF_X,1.0``."""
    parts = ref.split(",")
    agency, fid, version = (None, parts[0], None) if len(parts) == 1 else (
        parts[0], parts[1], parts[2] if len(parts) > 2 else None)
    return select_flows(agency, fid, version)[0]


def audit(principal: Principal, what: str, rows: int) -> None:
    log.info("sdmx pull", extra={"actor": principal.sub, "client_id": principal.client_id,
                                 "division": principal.division, "resource": what, "observations": rows})


async def structures(engine: AsyncEngine, principal: Principal, flows: list[domain.Flow]) -> Structures:
    metrics = sorted({m for f in flows for m in f.metrics})
    areas = await repository.area_codes(engine, principal.division, metrics)
    keys = await repository.dimension_keys(engine, principal.division, metrics)
    met: dict[str, set[str]] = {}
    for flow in flows:
        for metric, key in keys:
            if metric in flow.metrics:
                a, b = domain.dim_values(flow, metric, key)
                met.setdefault(flow.dims[0].id, set()).add(a)
                met.setdefault(flow.dims[1].id, set()).add(b)
    dim_codes = {}
    for flow in flows:
        dim_codes.update(domain.codes_of(flow, met))
    return Structures(flows, areas=areas, dim_codes=dim_codes)


async def data(engine: AsyncEngine, principal: Principal, flow: domain.Flow, key: str | None, *,
               start: str | None, end: str | None, updated_after: datetime | None) -> domain.Dataset:
    try:
        filters = domain.parse_key(key, 4)
        start_year, end_year = domain.parse_period(start), domain.parse_period(end)
    except ValueError as exc:
        raise BadSdmxQuery(str(exc)) from None
    if updated_after is not None:
        last = await repository.last_update(engine)
        if last is None or last <= updated_after:
            audit(principal, f"data/{flow.id}/{key or 'all'}", 0)
            return domain.Dataset(flow)
    rows = await repository.counter_rows(engine, principal.division, list(flow.metrics))
    ds = domain.build(flow, rows, filters=filters, start=start_year, end=end_year)
    audit(principal, f"data/{flow.id}/{key or 'all'}", len(ds.observations))
    return ds
