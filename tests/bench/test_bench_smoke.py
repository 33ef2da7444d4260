"""The benchmark harness at its tiniest scale, so it cannot rot: `python -m bench --scale tiny --only post`
starts the registry and the bare baseline as real processes, loads them from a separate process, and writes
the table."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.pg, pytest.mark.kafka]

ROOT = Path(__file__).resolve().parents[2]


def test_bench_harness_tiny_writes_the_table(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    run = subprocess.run([sys.executable, "-m", "bench", "--scale", "tiny", "--only", "post", "--no-profiles",
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    text = out.read_text()
    assert "| measure | Fupin | baseline | ratio | goal | met? |" in text
    row = next(line for line in text.splitlines() if line.startswith("| POST household"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] != "—" and cells[2] != "—"  # both figures measured
    assert float(cells[3]) > 0  # a ratio
    assert cells[5] in {"✅ yes", "❌ no"}
    assert "cores" in text and "MB memory" in text and "load average" in text
    assert list((ROOT / "bench" / "results").glob("harness-tiny-*.json"))
