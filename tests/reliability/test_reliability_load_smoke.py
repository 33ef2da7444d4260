"""bench/load_mixed.py at a tiny rate on the running stack, so the script cannot rot and a mixed load (reads,
writes, an import, feed pulls) stays error-free: 0 errors, every endpoint measured, the view lag read."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("stack")]

ROOT = Path(__file__).resolve().parents[2]


def test_mixed_load_runs_without_errors(running_stack) -> None:
    # the fault test before it in this group kills and restarts services: start any that is down and wait
    # until every one answers /readyz (idempotent for those already running)
    from fupin_e2e_client import stack  # registered by tests/e2e/conftest.py, which the reliability conftest loads

    up = stack("up")
    assert up.returncode == 0, up.stdout + up.stderr
    run = subprocess.run([sys.executable, "-m", "bench.load_mixed", "--rate", "15", "--seconds", "4",
                          "--import-every", "3", "--import-households", "3"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    raw = ROOT / run.stdout.strip().splitlines()[-1].removeprefix("raw figures: ")
    result = json.loads(raw.read_text())
    assert result["errors"] == 0, result["error_samples"]
    assert result["requests"] >= 50 and result["skipped"] == 0
    assert {"POST registry /v1/households", "GET registry /v1/households/{id}",
            "POST registry /v1/imports (CSV upload)"} <= set(result["endpoints"])
    assert result["imports"] and all(job["status"] == "done" for job in result["imports"])
    assert result["view"]["consumer_lag_left"] == 0
