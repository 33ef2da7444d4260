"""deploy/compose.yaml, checked offline: structure, health-gated start order, no inline secrets."""
from __future__ import annotations

import re
from graphlib import TopologicalSorter

import pytest
import yaml

from fupin_deploy_support import COMPOSE, DOCKERFILE, INTERPOLATION, SECRET_NAME, SERVICES, dockerfile_stages

ONE_SHOT = {"keys", "migrate"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_runs_infrastructure_and_every_service_with_relay_and_consumers(compose) -> None:
    services = compose["services"]
    assert {"postgres", "kafka"} <= set(services)
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert "broker,controller" in services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"]  # KRaft, no ZooKeeper
    for name in SERVICES:
        assert {name, f"{name}-relay", f"{name}-consumers"} <= set(services), name
        assert services[name]["build"]["target"] == name
        assert services[f"{name}-relay"]["build"]["target"] == f"{name}-relay"
        assert services[f"{name}-consumers"]["build"]["target"] == f"{name}-consumers"


def test_every_build_target_exists_in_the_dockerfile(compose) -> None:
    stages = dockerfile_stages(DOCKERFILE.read_text())
    for name, service in compose["services"].items():
        if "build" in service:
            assert service["build"]["target"] in stages, name
            assert service["build"]["dockerfile"] == "deploy/docker/Dockerfile"


def test_every_long_running_service_has_a_healthcheck(compose) -> None:
    for name, service in compose["services"].items():
        if name in ONE_SHOT:
            assert service["restart"] == "no", name
            continue
        check = service.get("healthcheck")
        assert check and check.get("test") and check["test"] != ["NONE"], name
        assert service.get("restart") == "unless-stopped", name


def test_start_order_is_health_gated(compose) -> None:
    services = compose["services"]
    graph = {}
    for name, service in services.items():
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions, not a bare list"
        for target, rule in depends.items():
            expected = "service_completed_successfully" if target in ONE_SHOT else "service_healthy"
            assert rule == {"condition": expected}, (name, target, rule)
        graph[name] = set(depends)
    order = list(TopologicalSorter(graph).static_order())  # raises on a cycle
    for name in SERVICES:
        api_deps = set(services[name]["depends_on"])
        assert {"postgres", "kafka", "migrate", "keys"} <= api_deps
        for worker in (f"{name}-relay", f"{name}-consumers"):
            assert services[worker]["depends_on"][name] == {"condition": "service_healthy"}
            assert order.index(name) < order.index(worker)


def test_no_secret_is_written_inline(compose) -> None:
    for name, service in compose["services"].items():
        env = service.get("environment", {})
        assert isinstance(env, dict), name
        for key, value in env.items():
            value = str(value)
            if SECRET_NAME.search(key) and not key.endswith("_FILE"):
                assert INTERPOLATION.match(value), f"{name}: {key} must come from the environment"
            credentials = re.match(r"^[a-z+]+://([^:/@]+):([^@]+)@", value)
            if credentials:
                assert INTERPOLATION.match(credentials.group(2)), f"{name}: {key} has an inline password"
    text = COMPOSE.read_text()
    assert not re.search(r"(?i)password\s*[:=]\s*['\"]?(?!\$\{)[A-Za-z0-9]", text)


def test_each_service_gets_only_its_own_database_and_kafka(compose) -> None:
    services = compose["services"]
    for name in SERVICES:
        for container in (name, f"{name}-relay", f"{name}-consumers"):
            env = services[container]["environment"]
            assert env["FUPIN_MODE"] == "production" and env["FUPIN_BUS"] == "kafka"
            assert env["FUPIN_KAFKA_BOOTSTRAP"] == "kafka:9092" and env["FUPIN_DEMO_CLIENTS"] == "false"
            urls = {k: v for k, v in env.items() if k.endswith("_DATABASE_URL")}
            assert list(urls) == [f"FUPIN_{name.upper()}_DATABASE_URL"], container
            assert urls[f"FUPIN_{name.upper()}_DATABASE_URL"].endswith(f"@postgres:5432/fupin_{name}")
    migrate = services["migrate"]["environment"]
    assert {k for k in migrate if k.endswith("_DATABASE_URL")} == {f"FUPIN_{n.upper()}_DATABASE_URL" for n in SERVICES}
    created = compose["configs"]["create-databases"]["content"]
    assert all(f"CREATE DATABASE fupin_{name};" in created for name in SERVICES)
