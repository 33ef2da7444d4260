"""SDMX 2.1 REST (SDMX-REST 1.x paths) over the monitoring read model, for the statistics bureau.

Structures as SDMX-ML 2.1; data as SDMX-ML 2.1 structure-specific (default), SDMX-JSON 1.0 or
SDMX-CSV 1.0, chosen by ``Accept`` (or ``format=structurespecificdata|jsondata|csvdata``).
Scope ``feeds:read``; a token of a county sees its own subtree only.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response

from fupin_monitoring.sdmx import service
from fupin_monitoring.sdmx.formats import CSV_DATA, JSON_DATA, ML_DATA, ML_STRUCTURE, data_csv, data_json, data_xml
from fupin_shared.auth.deps import requires
from fupin_shared.auth.principal import Principal
from fupin_shared.http.problems import problem_responses

router = APIRouter(prefix="/v1/sdmx", tags=["sdmx"])
FeedReader = Annotated[Principal, Depends(requires("feeds:read"))]
References = Annotated[str, Query(description="none | parents | children | descendants | all | datastructure | codelist")]
WITH_CHILDREN = {"children", "descendants", "all", "datastructure", "codelist", "conceptscheme", "parentsandsiblings"}


def _engine(request: Request):
    return request.app.state.runtime.engine


async def _structure_response(request: Request, actor: Principal, kind: str, agency: str | None, rid: str | None,
                              version: str | None, references: str) -> Response:
    flows = service.select_flows(agency, rid if kind != "codelist" else None, version)
    built = await service.structures(_engine(request), actor, flows)
    with_refs = references in WITH_CHILDREN
    if kind == "dataflow":
        body = built.message(flows=True, dsds=with_refs, codelists=None if with_refs else [], concepts=with_refs)
    elif kind == "datastructure":
        body = built.message(flows=False, dsds=True, codelists=None, concepts=True)
    else:
        if rid not in (None, "all", "ALL") and rid not in built.codelists:
            raise service.UnknownStructure(f"Unknown codelist {rid}.")
        body = built.message(flows=False, dsds=False, concepts=False,
                             codelists=None if rid in (None, "all", "ALL") else [rid])
    service.audit(actor, f"{kind}/{agency or 'all'}/{rid or 'all'}", 0)
    return Response(body, media_type=ML_STRUCTURE)


def _structure_routes(kind: str) -> None:
    async def handler(request: Request, actor: FeedReader, agency: str | None = None, rid: str | None = None,
                      version: str | None = None, references: References = "none") -> Response:
        return await _structure_response(request, actor, kind, agency, rid, version, references)

    handler.__name__ = f"sdmx_{kind}"
    handler.__doc__ = f"SDMX-ML 2.1 {kind} structures (``references=all`` adds the DSDs, codelists and concepts)."
    for suffix in ("", "/{agency}", "/{agency}/{rid}", "/{agency}/{rid}/{version}"):
        router.add_api_route(f"/{kind}{suffix}", handler, methods=["GET"], responses=problem_responses(404),
                             response_class=Response, name=f"sdmx_{kind}{suffix.count('/')}")


for _kind in ("dataflow", "datastructure", "codelist"):
    _structure_routes(_kind)


def _media(accept: str | None, fmt: str | None) -> str:
    wanted = (fmt or "").lower() + " " + (accept or "").lower()
    if "json" in wanted:
        return JSON_DATA
    if "csv" in wanted:
        return CSV_DATA
    return ML_DATA


@router.get("/data/{flow}", response_class=Response, responses=problem_responses(400, 404), name="sdmx_data_all")
@router.get("/data/{flow}/{key}", response_class=Response, responses=problem_responses(400, 404), name="sdmx_data")
@router.get("/data/{flow}/{key}/{provider}", response_class=Response, responses=problem_responses(400, 404),
            name="sdmx_data_provider")
async def sdmx_data(request: Request, flow: str, actor: FeedReader, key: str | None = None, provider: str | None = None,
                    startPeriod: str | None = None, endPeriod: str | None = None,  # noqa: N803 (SDMX names)
                    updatedAfter: datetime | None = None,  # noqa: N803
                    format: str | None = None, accept: Annotated[str | None, Header()] = None) -> Response:  # noqa: A002
    """Observations of a dataflow. ``key`` is dot-separated ``FREQ.AREA.<dim>.<dim>``: an empty part
    is a wildcard, ``+`` an OR. Village-level counts below 5 are withheld (``CONF_STATUS=C``)."""
    the_flow = service.flow_ref(flow)
    if updatedAfter is not None and updatedAfter.tzinfo is None:
        updatedAfter = updatedAfter.replace(tzinfo=timezone.utc)
    ds = await service.data(_engine(request), actor, the_flow, key, start=startPeriod, end=endPeriod,
                            updated_after=updatedAfter)
    media = _media(accept, format)
    if media == CSV_DATA:
        return Response(data_csv(ds), media_type=media)
    built = await service.structures(_engine(request), actor, [the_flow])
    body = data_json(ds, built) if media == JSON_DATA else data_xml(ds, built)
    return Response(body, media_type=media)
