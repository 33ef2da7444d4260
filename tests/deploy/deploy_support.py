"""Shared helpers of the offline deployment checks (no Docker engine or cluster needed)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "docker" / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
K8S = DEPLOY / "k8s"
SERVICES = ["registry", "funds", "tasks", "assessment", "monitoring"]
SECRET_NAME = re.compile(r"(PASSWORD|SECRET|PSEUDONYM_KEY|TOKEN|PRIVATE)", re.IGNORECASE)
INTERPOLATION = re.compile(r"^\$\{[A-Z0-9_]+(:?[-?][^}]*)?\}$")


def dockerfile_stages(text: str) -> dict[str, list[str]]:
    """Stage name -> its instruction lines (continuations joined)."""
    stages: dict[str, list[str]] = {}
    current: list[str] | None = None
    logical = re.sub(r"\\\n\s*", " ", text)
    for line in logical.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = re.match(r"FROM\s+(\S+)(?:\s+AS\s+(\S+))?", stripped, re.IGNORECASE)
        if match:
            current = stages.setdefault(match.group(2) or match.group(1), [f"FROM {match.group(1)}"])
            continue
        if current is not None:
            current.append(stripped)
    return stages


def stage_chain(stages: dict[str, list[str]], name: str) -> list[str]:
    """Every instruction that applies to ``name``, its ancestors' first."""
    lines = stages[name]
    parent = lines[0].split()[1]
    return (stage_chain(stages, parent) if parent in stages else [lines[0]]) + lines[1:]
