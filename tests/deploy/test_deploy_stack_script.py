"""deploy/local/stack.sh without starting anything: shellcheck-clean, usage, and the environment it
gives the services (stack mode, Kafka, one database per service, no demo secrets)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fupin_deploy_support import ROOT, SERVICES

STACK = ROOT / "deploy" / "local" / "stack.sh"
SHELLCHECK = Path(sys.executable).with_name("shellcheck")


def test_stack_script_is_clean_under_shellcheck() -> None:
    result = subprocess.run([str(SHELLCHECK), "--severity=style", str(STACK)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_stack_script_refuses_an_unknown_command() -> None:
    result = subprocess.run([str(STACK), "restart-everything"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "usage:" in result.stderr


def test_stack_environment_is_stack_mode_with_kafka_and_a_database_per_service() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUPIN_")}
    result = subprocess.run([str(STACK), "env"], capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode == 0, result.stderr
    exported = dict(line.removeprefix("export ").split("=", 1) for line in result.stdout.splitlines())
    assert exported["FUPIN_MODE"] == "stack" and exported["FUPIN_BUS"] == "kafka"
    assert exported["FUPIN_DEMO_CLIENTS"] == "false"
    assert exported["FUPIN_KAFKA_BOOTSTRAP"] == "127.0.0.1:19092"
    assert len(exported["FUPIN_PSEUDONYM_KEY"]) == 64 and exported["FUPIN_PSEUDONYM_KEY"] != "demo"
    for name in SERVICES:
        assert exported[f"FUPIN_{name.upper()}_DATABASE_URL"] == (
            f"postgresql+asyncpg://fupin:fupin@127.0.0.1:55432/fupin_{name}")
    secrets = ROOT / "var" / "stack" / "secrets.env"
    assert secrets.stat().st_mode & 0o077 == 0, "secrets.env must be private to its owner"
