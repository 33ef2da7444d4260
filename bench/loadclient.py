"""The HTTP load client of the request benchmarks (``registry_get``, ``household_post``): asyncio +
keep-alive HTTP/1.1 connections written by hand (no client library in the measured path), one
coroutine per client, each sending its next request as soon as the previous answer is read.

Run it in its own process (``python -m bench.<script> --load …``), so the client never competes with
the server's event loop."""
from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
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


def measured_round(kind: str, round_no: int, pid: int, run: Callable[[], dict], expected_status: str) -> dict:
    """One round of load against one server (``run`` returns :func:`load`'s figures), with the server's CPU
    per request beside it; any status but ``expected_status`` stops the benchmark."""
    cpu = cpu_seconds(pid)
    result = run()
    result["server_cpu_ms_per_request"] = (cpu_seconds(pid) - cpu) * 1000 / result["requests"]
    if set(result["statuses"]) != {expected_status}:
        raise SystemExit(f"{kind}: unexpected statuses {result['statuses']}")
    print(f"round {round_no + 1} {kind:8s}: {result['rps']:,.0f} req/s, p50 {result['p50_ms']:.1f} ms, "
          f"p99 {result['p99_ms']:.1f} ms, server CPU {result['server_cpu_ms_per_request']:.2f} ms/request", flush=True)
    return result


def stop_servers(processes: list) -> None:
    """SIGINT every server process, then wait for each (killed after 15 s)."""
    for process in processes:
        process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def summarise(rounds: dict[str, list[dict]]) -> dict:
    """Medians over the rounds of Fupin and its baseline, the requests/s ratio and the same ratio from the
    servers' CPU per request (the ratio with the CPU as the limit, steadier on a machine shared with other work)."""
    def med(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in rounds[kind])

    summary = {kind: {"rps": med(kind, "rps"), "p50_ms": med(kind, "p50_ms"), "p99_ms": med(kind, "p99_ms"),
                      "cpu_ms_per_request": med(kind, "server_cpu_ms_per_request")} for kind in ("fupin", "baseline")}
    summary["ratio"] = summary["fupin"]["rps"] / summary["baseline"]["rps"]
    summary["cpu_ratio"] = summary["baseline"]["cpu_ms_per_request"] / summary["fupin"]["cpu_ms_per_request"]
    return summary
