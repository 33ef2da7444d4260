"""deploy/k8s validated offline: core kinds with kubernetes-validate (strict), the Strimzi and
CloudNativePG custom resources with the CRD schemas vendored in deploy/k8s/schemas, and the rules
the manifests must keep (probes, resources, autoscaling, disruption budgets, network isolation,
secrets only by reference)."""
from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from fupin_deploy_support import K8S, ROOT, SERVICES

SCHEMAS = K8S / "schemas"
CUSTOM_GROUPS = ("kafka.strimzi.io/", "postgresql.cnpg.io/")
# created by the operator before `kubectl apply -k` (docs/operations.md, "Kubernetes")
OPERATOR_SECRETS = {"fupin-secrets": {"pseudonym-key"}, "fupin-backup-s3": {"ACCESS_KEY_ID", "ACCESS_SECRET_KEY"}}
OPERATOR_CONFIGMAPS = {"fupin-jwks"}


def _load(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


@cache
def resources() -> tuple[tuple[str, dict], ...]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return tuple((name, doc) for name in kustomization["resources"] for doc in _load(K8S / name))


def of_kind(kind: str) -> list[dict]:
    return [doc for _, doc in resources() if doc["kind"] == kind]


def named(kind: str, name: str) -> dict:
    [doc] = [d for d in of_kind(kind) if d["metadata"]["name"] == name]
    return doc


@cache
def crd_validator(api_version: str, kind: str) -> jsonschema.Draft7Validator:
    group, version = api_version.split("/")
    schema = json.loads((SCHEMAS / group / f"{kind.lower()}_{version}.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def validate(doc: dict) -> None:
    if doc["apiVersion"].startswith(CUSTOM_GROUPS):
        crd_validator(doc["apiVersion"], doc["kind"]).validate(doc)
    else:
        kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def test_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    on_disk = {str(p.relative_to(K8S)) for p in K8S.rglob("*.yaml")
               if p.name != "kustomization.yaml" and "schemas" not in p.parts}
    assert listed == on_disk


@pytest.mark.parametrize("custom", [False, True], ids=["core-kinds", "crd-kinds"])
def test_every_manifest_is_valid_against_its_schema(custom: bool) -> None:
    failures, checked = [], 0
    for source, doc in resources():
        if doc["apiVersion"].startswith(CUSTOM_GROUPS) != custom:
            continue
        checked += 1
        if doc["metadata"].get("namespace") != "fupin" and doc["kind"] != "Namespace":
            failures.append(f"{source} {doc['kind']}/{doc['metadata']['name']}: not in namespace fupin")
        try:
            validate(doc)
        except (jsonschema.ValidationError, kubernetes_validate.ValidationError) as exc:
            failures.append(f"{source} {doc['kind']}/{doc['metadata']['name']}: {exc.message}")
    assert checked >= (17 if custom else 70)
    assert not failures, "\n".join(failures)


def test_every_custom_kind_has_a_vendored_schema_with_a_noted_source() -> None:
    kinds = {(d["apiVersion"], d["kind"]) for _, d in resources() if d["apiVersion"].startswith(CUSTOM_GROUPS)}
    assert kinds == {("kafka.strimzi.io/v1beta2", "Kafka"), ("kafka.strimzi.io/v1beta2", "KafkaNodePool"),
                     ("kafka.strimzi.io/v1beta2", "KafkaTopic"), ("postgresql.cnpg.io/v1", "Cluster"),
                     ("postgresql.cnpg.io/v1", "ScheduledBackup")}
    sources = (SCHEMAS / "SOURCES.md").read_text()
    for api_version, kind in kinds:
        group, version = api_version.split("/")
        assert f"`{group}/{kind.lower()}_{version}.json`" in sources


@pytest.mark.parametrize("mutate,why", [
    (lambda d: d["spec"]["template"]["spec"]["containers"][0].update(livenessProbes={}), "unknown field"),
    (lambda d: d["spec"].update(replicas="two"), "wrong type"),
])
def test_core_validation_rejects_a_broken_deployment(mutate, why: str) -> None:
    doc = copy.deepcopy(named("Deployment", "registry-api"))
    mutate(doc)
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(doc)


@pytest.mark.parametrize("kind,name,mutate", [
    ("KafkaTopic", "fupin-registry-v1", lambda d: d["spec"].update(partitions=0)),
    ("KafkaTopic", "fupin-registry-v1", lambda d: d["spec"].update(partitons=6)),
    ("Kafka", "fupin", lambda d: d["spec"]["kafka"]["listeners"][0].update(name="plain_listener")),
    ("Kafka", "fupin", lambda d: d["spec"]["kafka"]["listeners"][0].pop("tls")),
    ("KafkaNodePool", "dual", lambda d: d["spec"].update(roles=["broker", "zookeeper"])),
    ("Cluster", "fupin-registry-db", lambda d: d["spec"]["backup"].update(retentionPolicy="30 days")),
    ("Cluster", "fupin-registry-db", lambda d: d["spec"].update(instances=0)),
    ("ScheduledBackup", "fupin-registry-db-nightly", lambda d: d["spec"].pop("cluster")),
])
def test_crd_validation_rejects_broken_custom_resources(kind: str, name: str, mutate) -> None:
    doc = copy.deepcopy(named(kind, name))
    mutate(doc)
    with pytest.raises(jsonschema.ValidationError):
        validate(doc)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_runs_api_relay_and_consumers_with_probes_and_resources(service: str) -> None:
    for component, target in (("api", service), ("relay", f"{service}-relay"), ("consumers", f"{service}-consumers")):
        deployment = named("Deployment", f"{service}-{component}")
        pod = deployment["spec"]["template"]["spec"]
        [container] = pod["containers"]
        assert re.search(rf"/fupin/{re.escape(target)}:\d+\.\d+\.\d+$", container["image"]), container["image"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            assert probe in container, (service, component, probe)
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]) and "memory" in resources["limits"]
        if component == "api":
            assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
            assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        else:
            assert "FUPIN_WORKER_HEARTBEAT" in " ".join(container["livenessProbe"]["exec"]["command"])
    assert named("Job", f"{service}-migrate")["spec"]["template"]["spec"]["containers"][0]["args"] == [service]


@pytest.mark.parametrize("service", SERVICES)
def test_autoscaling_and_disruption_budgets_cover_every_deployment(service: str) -> None:
    partitions = named("KafkaTopic", f"fupin-{service}-v1")["spec"]["partitions"]
    for component in ("api", "consumers"):
        hpa = named("HorizontalPodAutoscaler", f"{service}-{component}")
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                                 "name": f"{service}-{component}"}
        assert hpa["spec"]["minReplicas"] >= 2
    # more consumers than partitions would sit idle
    assert named("HorizontalPodAutoscaler", f"{service}-consumers")["spec"]["maxReplicas"] <= partitions
    for component in ("api", "relay", "consumers"):
        pdb = named("PodDisruptionBudget", f"{service}-{component}")
        deployment = named("Deployment", f"{service}-{component}")
        assert pdb["spec"]["selector"] == deployment["spec"]["selector"]
        assert deployment["spec"]["replicas"] >= 2


def _peers(rule: dict) -> list[dict]:
    return rule.get("to", rule.get("from", []))


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_reaches_only_its_database_and_kafka(service: str) -> None:
    deny = named("NetworkPolicy", "fupin-default-deny")
    assert deny["spec"]["policyTypes"] == ["Ingress", "Egress"] and "egress" not in deny["spec"]
    pod_labels = named("Deployment", f"{service}-api")["spec"]["template"]["metadata"]["labels"]
    assert all(pod_labels.get(k) == v for k, v in deny["spec"]["podSelector"]["matchLabels"].items())
    egress = named("NetworkPolicy", f"{service}-egress")["spec"]["egress"]
    targets = [peer for rule in egress for peer in _peers(rule)]
    databases = [p["podSelector"]["matchLabels"]["cnpg.io/cluster"] for p in targets
                 if "cnpg.io/cluster" in p.get("podSelector", {}).get("matchLabels", {})]
    assert databases == [f"fupin-{service}-db"]
    kafka = [p for p in targets if p.get("podSelector", {}).get("matchLabels", {}).get("strimzi.io/kind") == "Kafka"]
    assert len(kafka) == 1
    others = [p for p in targets if p not in kafka and "cnpg.io/cluster" not in p.get("podSelector", {}).get("matchLabels", {})]
    assert all(p["podSelector"]["matchLabels"] == {"k8s-app": "kube-dns"} for p in others), others
    # and the database admits only this service's pods (plus its own instances and the operator)
    db_ingress = named("NetworkPolicy", f"fupin-{service}-db-ingress")["spec"]
    assert db_ingress["podSelector"]["matchLabels"] == {"cnpg.io/cluster": f"fupin-{service}-db"}
    app_peers = [p["podSelector"]["matchLabels"] for rule in db_ingress["ingress"] for p in _peers(rule)
                 if "app.kubernetes.io/name" in p.get("podSelector", {}).get("matchLabels", {})]
    assert app_peers == [{"app.kubernetes.io/name": service, "app.kubernetes.io/part-of": "fupin"}]


def test_kafka_listeners_admit_only_fupin_pods() -> None:
    for listener in named("Kafka", "fupin")["spec"]["kafka"]["listeners"]:
        assert listener["networkPolicyPeers"] == [{"podSelector": {"matchLabels": {"app.kubernetes.io/part-of": "fupin"}}}]


def test_secrets_are_only_referenced_never_written() -> None:
    assert not of_kind("Secret"), "secrets are created by the operators or by hand, never committed"
    clusters = {d["metadata"]["name"] for d in of_kind("Cluster")}
    operations = (ROOT / "docs" / "operations.md").read_text()
    texts = [json.dumps(doc) for _, doc in resources()]
    for text in texts:
        assert not re.search(r"postgres(ql)?(\+asyncpg)?://[^$:\"]+:[^$@\"]+@", text), "literal password in a URL"
    for _, doc in resources():
        for ref in re.findall(r'"secretKeyRef": \{"name": "([^"]+)", "key": "([^"]+)"\}', json.dumps(doc)):
            secret, key = ref
            if secret.endswith("-app") and secret[: -len("-app")] in clusters:
                assert key in {"username", "password", "host", "port", "dbname", "uri"}
            else:
                assert secret in OPERATOR_SECRETS and key in OPERATOR_SECRETS[secret], ref
                assert secret in operations, f"docs/operations.md must say how to create {secret}"
    for name in OPERATOR_CONFIGMAPS:
        assert name in operations
    for cluster in of_kind("Cluster"):
        creds = cluster["spec"]["backup"]["barmanObjectStore"]["s3Credentials"]
        assert {creds["accessKeyId"]["name"], creds["secretAccessKey"]["name"]} == {"fupin-backup-s3"}


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_its_topic_database_and_backups(service: str) -> None:
    topic = named("KafkaTopic", f"fupin-{service}-v1")
    assert topic["spec"]["topicName"] == f"fupin.{service}.v1"
    assert topic["metadata"]["labels"]["strimzi.io/cluster"] == "fupin"
    assert topic["spec"]["replicas"] == 3 and topic["spec"]["config"]["min.insync.replicas"] == 2
    assert topic["spec"]["config"]["retention.ms"] >= 7 * 24 * 3600 * 1000
    cluster = named("Cluster", f"fupin-{service}-db")
    assert cluster["spec"]["instances"] >= 3
    assert cluster["spec"]["bootstrap"]["initdb"]["database"] == service
    assert cluster["spec"]["backup"]["barmanObjectStore"]["destinationPath"].endswith(f"/{service}")
    backup = named("ScheduledBackup", f"fupin-{service}-db-nightly")
    assert backup["spec"]["cluster"]["name"] == f"fupin-{service}-db"
    env = {e["name"]: e for e in named("Deployment", f"{service}-api")["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env[f"FUPIN_{service.upper()}_DATABASE_URL"]["value"] == (
        f"postgresql+asyncpg://$(DB_USER):$(DB_PASSWORD)@fupin-{service}-db-rw:5432/{service}")
    config = named("ConfigMap", "fupin-config")["data"]
    assert config["FUPIN_MODE"] == "production" and config["FUPIN_DEMO_CLIENTS"] == "false"
    assert int(config["FUPIN_TOPIC_PARTITIONS"]) == topic["spec"]["partitions"]
