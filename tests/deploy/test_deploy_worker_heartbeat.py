"""`fupin worker` touches its heartbeat file while its consumers run (what the worker images' and
pods' health checks read) and stops cleanly on SIGTERM."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

FUPIN = Path(sys.executable).with_name("fupin")


def test_worker_heartbeat_and_clean_stop(tmp_path: Path) -> None:
    heartbeat = tmp_path / "run" / "worker.heartbeat"
    env = {**os.environ, "FUPIN_DATA_DIR": str(tmp_path), "FUPIN_BUS": "memory",
           "FUPIN_AUTH_KEY_FILE": str(tmp_path / "keys" / "signing-key.json"),
           "FUPIN_WORKER_HEARTBEAT": str(heartbeat)}
    for name in [k for k in env if k.endswith("_DATABASE_URL") or k in ("FUPIN_MODE", "FUPIN_DEMO_CLIENTS")]:
        del env[name]
    process = subprocess.Popen([str(FUPIN), "worker", "monitoring", "--no-relay"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90  # generous: CI machines may be loaded
        while not heartbeat.exists():
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "no heartbeat within 90 s"
            time.sleep(0.1)
        assert time.time() - heartbeat.stat().st_mtime < 10
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    assert code == 0
