"""The container images, checked offline: hadolint, targets, non-root user, health checks, pins."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from fupin_deploy_support import DOCKERFILE, ROOT, SERVICES, dockerfile_stages, stage_chain

HADOLINT = Path(sys.executable).with_name("hadolint")


@pytest.fixture(scope="module")
def stages() -> dict[str, list[str]]:
    return dockerfile_stages(DOCKERFILE.read_text())


def test_dockerfile_is_clean_under_hadolint() -> None:
    result = subprocess.run([str(HADOLINT), "--no-color", str(DOCKERFILE)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_hadolint_catches_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install fastapi\nCMD python -m app\n")
    result = subprocess.run([str(HADOLINT), "--no-color", str(bad)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "DL3007" in result.stdout and "DL3013" in result.stdout


def test_base_image_is_slim_python_311_with_an_exact_tag() -> None:
    match = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE.read_text(), re.MULTILINE)
    assert match, "the base image is set by ARG PYTHON_IMAGE"
    image = match.group(1)
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?", image), image


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_api_relay_and_consumer_targets(stages, service: str) -> None:
    api, relay, consumers = (stage_chain(stages, name) for name in (service, f"{service}-relay", f"{service}-consumers"))
    assert api[-1] == f'CMD ["fupin", "serve", "{service}", "--host", "0.0.0.0", "--port", "8000", "--no-workers"]'
    assert relay[-1] == f'CMD ["fupin", "worker", "{service}", "--no-consumers"]'
    assert consumers[-1] == f'CMD ["fupin", "worker", "{service}", "--no-relay"]'
    for chain in (api, relay, consumers):
        users = [line for line in chain if line.startswith("USER ")]
        assert users and users[-1] not in ("USER root", "USER 0", "USER 0:0"), chain
        healthchecks = [line for line in chain if line.startswith("HEALTHCHECK ")]
        assert healthchecks and "NONE" not in healthchecks[-1]
    assert "/healthz" in [line for line in api if line.startswith("HEALTHCHECK")][-1]


def test_dependencies_are_installed_with_the_project_constraints(stages) -> None:
    build = "\n".join(stages["build"])
    assert "COPY constraints.txt" in build and "PIP_CONSTRAINT=/src/constraints.txt" in build
    assert re.search(r"pip install -c /src/constraints.txt", build)
    pins = [line for line in (ROOT / "constraints.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert pins and all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", pin) for pin in pins), pins


def test_runtime_image_holds_no_build_context_beyond_the_packages() -> None:
    ignore = (DOCKERFILE.parent / "Dockerfile.dockerignore").read_text().splitlines()
    assert ignore[ignore.index("*")] == "*", "ignore everything by default"
    allowed = {line[1:] for line in ignore if line.startswith("!")}
    assert allowed == {"constraints.txt", "shared/", "platform/", "services/"}
    assert "**/tests" in ignore
