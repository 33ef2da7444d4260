"""Test support for the funds service (used by its suite and by cross-service tests): a client that speaks
the API the way a county office would, registry events published on the bus as the registry would, and
database snapshots for "refused, nothing written" assertions."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from fupin_funds.db import Base
from fupin_shared.bus import InProcessTransport
from fupin_shared.events import Envelope
from fupin_shared.testing import ServiceHarness, eventually

CITY = "441200000000"
GUANGNING = "441223000000"
TOWN = "441223101000"
VILLAGE = "441223101201"
OTHER_VILLAGE = "441223101202"
HUAIJI = "441224000000"
HUAIJI_VILLAGE = "441224102203"
ALL_SCOPES = ["funds:read", "funds:write", "pii:read"]


_TOKENS: dict[tuple[str, str, tuple[str, ...], str], dict[str, str]] = {}
"""Signed tokens per (key file, division, scopes, client): signing one costs ~0.2 s; they live ten minutes."""


class Funds:
    """The running service plus helpers; every call goes through HTTP except the registry events, which are
    published on the bus as the registry would."""

    def __init__(self, harness: ServiceHarness, transport: InProcessTransport) -> None:
        self.harness = harness
        self.transport = transport
        self.client = harness.client

    # --- auth ------------------------------------------------------------------------------

    def auth(self, division: str = CITY, scopes: list[str] | None = None, client_id: str = "tester") -> dict[str, str]:
        """Bearer headers; tokens are cached per (division, scopes, client) since signing one costs ~0.2 s."""
        key = (str(self.harness.settings.auth_key_file), division, tuple(scopes or ALL_SCOPES), client_id)
        if key not in _TOKENS:
            _TOKENS[key] = self.harness.auth(division=division, scopes=list(key[2]), client_id=client_id)
        return dict(_TOKENS[key])

    # --- registry events -------------------------------------------------------------------

    async def registry_event(self, event_type: str, subject: str, data: dict[str, Any],
                             time: datetime | None = None) -> None:
        envelope = Envelope(id=uuid.uuid4(), source="/fupin/registry", type=event_type, subject=subject,
                            time=time or datetime.now(UTC), data=data)
        await self.transport.publish(self.harness.settings.topic("registry"), [(subject.encode(), envelope.to_json())])

    async def households(self, village: str = VILLAGE, n: int = 3, status: str = "identified") -> list[uuid.UUID]:
        ids = [uuid.uuid4() for _ in range(n)]
        for hid in ids:
            await self.registry_event("fupin.registry.household.registered.v1", str(hid), {
                "household_id": str(hid), "village_code": village, "status": status, "persons": 3})
        await self.wait_households(ids)
        return ids

    async def wait_households(self, ids: list[uuid.UUID]) -> None:
        from fupin_funds.beneficiaries.models import BeneficiaryHousehold

        async def arrived() -> bool:
            async with self.harness.runtime.sessionmaker() as session:
                n = await session.scalar(select(func.count()).select_from(BeneficiaryHousehold).where(
                    BeneficiaryHousehold.household_id.in_(ids)))
            return n == len(ids)

        await eventually(arrived, message="households in the read copy")

    async def wait_status(self, household_id: uuid.UUID, status: str) -> None:
        from fupin_funds.beneficiaries.models import BeneficiaryHousehold

        async def arrived() -> bool:
            async with self.harness.runtime.sessionmaker() as session:
                row = await session.get(BeneficiaryHousehold, household_id)
            return row is not None and row.status == status

        await eventually(arrived, message=f"household {household_id} {status} in the read copy")

    # --- database snapshots (for "refused, nothing written") ---------------------------------

    async def snapshot(self) -> dict[str, int]:
        out = {}
        async with self.harness.runtime.engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                if table.name in {"processed_event", "access_log", "counter"}:
                    continue
                out[table.name] = (await conn.execute(select(func.count()).select_from(table))).scalar_one()
        return out

    async def ledger_balanced(self) -> dict[str, Any]:
        r = await self.client.get("/v1/ledger/check", headers=self.auth())
        assert r.status_code == 200, r.text
        return r.json()

    # --- API helpers -----------------------------------------------------------------------

    async def post(self, path: str, body: dict[str, Any], *, expect: int = 201, division: str = CITY,
                   headers: dict[str, str] | None = None) -> dict[str, Any]:
        r = await self.client.post(path, json=body, headers=self.auth(division) | (headers or {}))
        assert r.status_code == expect, f"{path}: {r.status_code} {r.text}"
        return r.json()

    async def source(self, amount_fen: int = 100_000_000, *, year: int = 2019, level: str = "central",
                     division: str = CITY) -> dict[str, Any]:
        return await self.post("/v1/sources", {
            "level": level, "category": "special_fund", "year": year, "division_code": division,
            "document_no": f"粤财农〔{year}〕{uuid.uuid4().hex[:4]}号", "amount_fen": amount_fen})

    async def allocate(self, *, amount_fen: int, division_code: str, source_id: str | None = None,
                       parent: str | None = None, project_id: str | None = None, year: int = 2019,
                       expect: int = 201, as_division: str = CITY) -> dict[str, Any]:
        body: dict[str, Any] = {"division_code": division_code, "amount_fen": amount_fen, "year": year,
                                "document_no": "肇扶办〔2019〕1号"}
        if source_id:
            body["source_id"] = source_id
        if parent:
            body["parent_allocation_id"] = parent
        if project_id:
            body["project_id"] = project_id
        return await self.post("/v1/allocations", body, expect=expect, division=as_division)

    async def project(self, *, village: str = VILLAGE, budget_fen: int = 50_000_000, year: int = 2019,
                      beneficiaries: list[uuid.UUID] | None = None, targets: bool = True,
                      expect: int = 201) -> dict[str, Any]:
        body = {"name": "村道硬底化工程", "village_code": village, "category": "road", "content": "硬化村道2.5公里",
                "budget_fen": budget_fen, "year": year, "location": "广宁县古水镇示范村",
                "responsible_unit": "古水镇人民政府", "plan_task": 14,
                "beneficiary_household_ids": [str(h) for h in beneficiaries or []],
                "targets": [{"kind": "output", "indicator": "硬化道路长度", "unit": "公里", "target_value": "2.5"},
                            {"kind": "benefit", "indicator": "受益贫困户", "unit": "户", "target_value": "30"}]
                if targets else []}
        return await self.post("/v1/projects", body, expect=expect)

    async def transition(self, project: dict[str, Any], to: str, *, expect: int = 200) -> dict[str, Any]:
        current = await self.client.get(f"/v1/projects/{project['id']}", headers=self.auth())
        r = await self.client.post(f"/v1/projects/{project['id']}/transitions", json={"to": to},
                                   headers=self.auth() | {"If-Match": current.headers["ETag"]})
        assert r.status_code == expect, r.text
        return r.json()

    async def publish_arrangement(self, project: dict[str, Any], *, starts: date, ends: date) -> dict[str, Any]:
        draft = await self.post("/v1/disclosures", {
            "kind": "village_project_arrangement", "division_code": project["village_code"], "year": project["year"],
            "division_name": "古水镇示范村", "notice_starts_on": starts.isoformat(), "notice_ends_on": ends.isoformat(),
            "project_ids": [project["id"]]})
        r = await self.client.post(f"/v1/disclosures/{draft['id']}/publish",
                                   headers=self.auth() | {"If-Match": f'"v{draft["version"]}"'})
        assert r.status_code == 200, r.text
        return r.json()

    async def funded_project(self, *, budget_fen: int = 10_000_000, allocate_fen: int | None = None,
                             disclosed: bool = True) -> tuple[dict[str, Any], dict[str, Any]]:
        """A village project in implementation with an allocation to it; its arrangement posted with the notice
        period over (unless ``disclosed`` is False). Returns (project, project allocation)."""
        source = await self.source(year=2019)
        county = await self.allocate(amount_fen=budget_fen * 2, division_code=GUANGNING, source_id=source["id"])
        town = await self.allocate(amount_fen=budget_fen * 2, division_code=TOWN, parent=county["id"])
        project = await self.project(budget_fen=budget_fen)
        await self.transition(project, "approved")
        allocation = await self.allocate(amount_fen=allocate_fen or budget_fen, division_code=VILLAGE,
                                         parent=town["id"], project_id=project["id"])
        if disclosed:
            await self.publish_arrangement(project, starts=date(2019, 3, 1), ends=date(2019, 3, 10))
        project = await self.transition(project, "implementing")
        return project, allocation
