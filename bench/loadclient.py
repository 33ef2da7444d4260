"""The HTTP load client of the request benchmarks (``registry_get``, ``household_post``): asyncio +
keep-alive HTTP/1.1 connections written by hand (no client library in the measured path), one
coroutine per client, each sending its next request as soon as the previous answer is read.

Run it in its own process (``python -m bench.<script> --load …``), so the client never competes with
the server's event loop."""
from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path


async def _client(port: int, next_request: Callable[[], bytes], deadline: float, latencies: list[float],
                  statuses: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            request = next_request()
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


async def load(port: int, request_makers: list[Callable[[], bytes]], duration: float) -> dict:
    """One client per request maker for ``duration`` seconds: requests/s, statuses, p50 and p99 (ms)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    deadline = started + duration
    await asyncio.gather(*(_client(port, make, deadline, latencies, statuses) for make in request_makers))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "statuses": statuses,
            "p50_ms": latencies[len(latencies) // 2] * 1000, "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``): a server's CPU per request is the figure
    that holds on a machine shared with other work, where requests/s follow the machine's load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
