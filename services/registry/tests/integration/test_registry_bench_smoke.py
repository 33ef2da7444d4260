"""Tiny runs of the registry benchmarks, so they cannot rot (the real runs are in bench/, not in tests)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.pg
ROOT = Path(__file__).resolve().parents[4]


def _run(*args: str) -> str:
    out = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_import_benchmark_smoke():
    stdout = _run("bench.registry_import", "--persons", "200")
    result = json.loads(stdout[stdout.index("{"):])
    assert result["persons"] > 150 and result["rows"]["outbox"] > result["persons"]
    assert result["ratio_vs_copy_all_rows"] > 0 and result["importer_peak_rss_mb"] < 300 and result["reader_peak_rss_mb"] < 300


def test_get_benchmark_smoke():
    stdout = _run("bench.registry_get", "--households", "40", "--duration", "1", "--rounds", "1",
                  "--concurrency", "4")
    result = json.loads(stdout[stdout.index("{"):])
    assert result["fupin"]["rps"] > 0 and result["baseline"]["rps"] > 0 and result["ratio"] > 0


def test_post_benchmark_smoke():
    stdout = _run("bench.household_post", "--duration", "1", "--rounds", "1", "--concurrency", "4")
    result = json.loads(stdout[stdout.index("{"):])
    assert result["fupin"]["rps"] > 0 and result["baseline"]["rps"] > 0 and result["ratio"] > 0
