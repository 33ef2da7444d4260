"""Faults on the full stack while a steady write load runs against the registry, then reconciliation:
every household written is in the registry, every outbox row published, monitoring's view has each
household exactly once with the registry's person count (0 lost, 0 applied twice).

* `test_kill9_relay_and_consumer_lose_nothing` (bounded, in `make test`): kill -9 the registry (API and its
  inline relay) mid-load and bring it back; kill -9 monitoring (its consumer) and bring it back.
* `test_kafka_outage_and_postgres_restart_lose_nothing` (`make soak`, FUPIN_SOAK=1): the same kills, then
  Kafka stopped for 60 s while the writes go on (they must succeed: the outbox holds them) and drain after,
  then PostgreSQL restarted (writes fail for a moment and are retried with their Idempotency-Key). It stops
  the shared PostgreSQL and Kafka: never while others use them.
"""
from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest

from fupin_shared.testing import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("stack")]

ROOT = Path(__file__).resolve().parents[2]
KAFKA_OUTAGE_SECONDS = 60
PG = "postgresql://fupin:fupin@127.0.0.1:55432/"


def _script(name: str, command: str) -> None:
    subprocess.run([str(ROOT / "deploy" / "local" / name), command], check=True, cwd=ROOT, timeout=240,
                   capture_output=True)


def _kill9(service: str) -> int:
    pid = int((ROOT / "var" / "stack" / f"{service}.pid").read_text())
    os.killpg(pid, signal.SIGKILL)  # the service leads its own process group (setsid)
    return pid


def _birth(low: int, high: int) -> str:
    """A random birth date in 19<low>..19<high> (fixed dates collide across runs: one active household each)."""
    return f"19{random.randint(low, high)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"


class Writer:
    """Registers households in a loop with a few concurrent clients; a failed call (connection refused
    while a process is dead, 5xx) is retried with the same Idempotency-Key until it succeeds."""

    def __init__(self, token: str, villages: list[str], client_module, concurrency: int = 4) -> None:
        self.token, self.villages, self.cm, self.concurrency = token, villages, client_module, concurrency
        self.created: dict[str, str] = {}  # idempotency key -> household id
        self.persons: dict[str, int] = {}
        self.retries = 0
        self.collisions = 0
        self.stop = asyncio.Event()

    async def _one(self, client: httpx.AsyncClient) -> None:
        key = uuid.uuid4().hex
        village = random.choice(self.villages)
        members = random.randint(0, 2)
        body = {"village_code": village, "labour_type": "labour", "poverty_causes": ["illness"],
                "head": {"name": "压测户主", "id_number": self.cm.id_number(area=village[:6], birth=_birth(50, 69))},
                "members": [{"name": f"压测成员{n}", "relation": "son",
                             "id_number": self.cm.id_number(area=village[:6], birth=_birth(90, 99))}
                            for n in range(1, members + 1)]}
        deadline = time.monotonic() + 120
        attempts = 0
        while time.monotonic() < deadline:
            attempts += 1
            try:
                r = await client.post("/v1/households", json=body, headers={"Idempotency-Key": key})
                if r.status_code == 201:
                    self.created[key] = r.json()["id"]
                    self.persons[r.json()["id"]] = r.json()["persons"]
                    return
                slug = r.json().get("type", "").rsplit("/", 1)[-1] if r.status_code == 409 else ""
                if slug == "person-in-active-household" and attempts == 1:
                    # a random ID number that an earlier run registered: answered before any fault touched
                    # this key, so not a fault (on a retry the same answer is the lost-idempotency bug)
                    self.collisions += 1
                    return
                assert r.status_code >= 500 or r.status_code in (408, 429) or slug == "idempotent-request-in-progress", \
                    f"attempt {attempts} of key {key}: {r.text}"
            except httpx.TransportError:
                pass
            self.retries += 1
            await asyncio.sleep(0.25)
        raise AssertionError(f"household {key} never written")

    async def _loop(self) -> None:
        async with httpx.AsyncClient(base_url="http://127.0.0.1:8001", timeout=10,
                                     headers={"Authorization": f"Bearer {self.token}"}) as client:
            while not self.stop.is_set():
                await self._one(client)
                await asyncio.sleep(0.05)

    async def __aenter__(self) -> "Writer":
        self.tasks = [asyncio.create_task(self._loop()) for _ in range(self.concurrency)]
        return self

    async def __aexit__(self, *exc) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks)


async def _restart(stack) -> None:
    up = await asyncio.to_thread(stack.stack, "up")
    assert up.returncode == 0, up.stderr


async def _ready(service: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as c:
            port = {"registry": 8001, "monitoring": 8005}[service]
            return (await c.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200
    except httpx.TransportError:
        return False


async def _reconcile(writer: Writer) -> dict[str, int]:
    ids = sorted(set(writer.created.values()))
    assert len(ids) == len(writer.created), "one Idempotency-Key made two households"
    reg = await asyncpg.connect(PG + "fupin_registry")
    mon = await asyncpg.connect(PG + "fupin_monitoring")
    try:
        found = await reg.fetchval("select count(*) from household where id::text = any($1::text[])", ids)
        assert found == len(ids), f"{len(ids) - found} households lost in the registry"

        async def all_published() -> bool:
            return await reg.fetchval("select count(*) from outbox where subject = any($1::text[]) "
                                      "and published_at is null", ids) == 0
        await eventually(all_published, timeout=120, message="registry outbox not drained")
        events = [r["event_id"] for r in await reg.fetch(
            "select event_id from outbox where subject = any($1::text[])", ids)]
        assert len(events) >= len(ids)

        async def all_processed() -> int:
            n = await mon.fetchval("select count(*) from processed_event where consumer_group like '%monitoring.view' "
                                   "and event_id = any($1::uuid[])", events)
            return n == len(events) and n
        processed = await eventually(all_processed, timeout=180, message="monitoring did not process every event")
        dupes = await mon.fetchval("select count(*) from (select event_id from processed_event where "
                                   "event_id = any($1::uuid[]) group by consumer_group, event_id "
                                   "having count(*) > 1) d", events)
        rows = await mon.fetch("select household_id::text as id, persons from household_view "
                               "where household_id::text = any($1::text[])", ids)
        assert len(rows) == len(ids), f"{len(ids) - len(rows)} households missing from monitoring's view"
        wrong = {r["id"]: (r["persons"], writer.persons[r["id"]]) for r in rows
                 if r["persons"] != writer.persons[r["id"]]}
        assert not wrong, f"persons applied twice or lost in the view: {list(wrong.items())[:5]}"
        assert dupes == 0
        return {"households": len(ids), "events": len(events), "processed": processed, "retries": writer.retries,
                "id_number_collisions": writer.collisions}
    finally:
        await reg.close()
        await mon.close()


async def _scenario(admin_token: str, *, phase: float, infra: bool) -> tuple[list[str], dict[str, int]]:
    import sys
    cm = sys.modules["fupin_e2e_client"]
    api = cm.StackClient(admin_token)
    villages = [v for v in await api.villages() if v.startswith("441223")][:20]
    await api.aclose()
    assert villages
    for service in ("registry", "monitoring"):  # regression: stack.sh's lock fd leaked into the services,
        pid = int((ROOT / "var" / "stack" / f"{service}.pid").read_text())  # so `up` after a crash blocked 300 s
        held = [p for p in Path(f"/proc/{pid}/fd").iterdir() if p.resolve().name == "stack.lock"]
        assert not held, f"{service} (pid {pid}) holds var/stack/stack.lock: stack.sh up/down would block"
    timeline: list[str] = []
    started = time.monotonic()

    def mark(what: str) -> None:
        timeline.append(f"{time.monotonic() - started:.0f} s: {what} ({len(writer.created)} households)")

    async with Writer(admin_token, villages, cm) as writer:
        await eventually(lambda: asyncio.sleep(0, len(writer.created) >= 10), timeout=60, message="no writes")
        # 1. kill -9 the registry (API + inline relay) in the middle of the load, bring it back
        _kill9("registry")
        mark("registry killed")
        await asyncio.sleep(1)
        await _restart(cm)
        await eventually(lambda: _ready("registry"), timeout=60)
        mark("registry ready")
        n = len(writer.created)
        await eventually(lambda: asyncio.sleep(0, len(writer.created) >= n + 10), timeout=60)
        await asyncio.sleep(phase)
        # 2. kill -9 monitoring (its consumer) while registry events keep coming
        _kill9("monitoring")
        mark("monitoring killed")
        await asyncio.sleep(phase)
        await _restart(cm)
        await eventually(lambda: _ready("monitoring"), timeout=180)
        mark("monitoring ready")
        if infra:
            # 3. Kafka down while writes go on: they must succeed (the outbox holds them)
            await asyncio.to_thread(_script, "kafka.sh", "stop")
            mark("Kafka stopped")
            try:
                before = len(writer.created)
                await asyncio.sleep(KAFKA_OUTAGE_SECONDS)
                during = len(writer.created) - before
            finally:
                await asyncio.to_thread(_script, "kafka.sh", "start")
            mark(f"Kafka started again; {during} households written during the {KAFKA_OUTAGE_SECONDS} s outage")
            assert during > 0, "no write succeeded while Kafka was down"
            # 4. PostgreSQL restart: writes fail for a moment and are retried with their Idempotency-Key
            await asyncio.to_thread(_script, "pg.sh", "stop")
            await asyncio.to_thread(_script, "pg.sh", "start")
            mark("PostgreSQL restarted")
            n = len(writer.created)
            await eventually(lambda: asyncio.sleep(0, len(writer.created) >= n + 10), timeout=120)
        await asyncio.sleep(phase)
    mark("load stopped")
    figures = await _reconcile(writer)
    mark("reconciled")
    return timeline, figures


async def test_kill9_relay_and_consumer_lose_nothing(running_stack, admin_token):
    timeline, figures = await _scenario(admin_token, phase=3, infra=False)
    print(f"faults (bounded): {timeline}; reconciled {figures}")


@pytest.mark.soak
async def test_kafka_outage_and_postgres_restart_lose_nothing(running_stack, admin_token):
    assert os.environ.get("FUPIN_SOAK") == "1", "stops the shared PostgreSQL and Kafka: run it with FUPIN_SOAK=1"
    timeline, figures = await _scenario(admin_token, phase=8, infra=True)
    print(f"faults (soak): {timeline}; reconciled {figures}")
