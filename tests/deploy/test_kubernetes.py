"""deploy/k8s: valid Kubernetes 1.30 manifests running every service, with secrets only referenced, never written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import kubernetes_validate
import pytest
import yaml
from deploy_facts import (
    DEPLOY,
    INFRASTRUCTURE_VARIABLES,
    LITERAL_CREDENTIALS,
    SEALING_SERVICES,
    SECRET_VARIABLES,
    SERVICES,
    image_name,
    service_class,
)

from cars_shared.config import VARIABLES

K8S = DEPLOY / "k8s"
KUBERNETES_VERSION = "1.30"
NAMESPACE = "cars"
SECRET = "cars-secrets"
# Infrastructure variables that hold passwords: referenced from the Secret like the CARS ones.
SECRET_INFRASTRUCTURE_VARIABLES = {"POSTGRES_PASSWORD", "RABBITMQ_DEFAULT_PASS"}


@pytest.fixture(scope="module")
def kustomization() -> dict[str, Any]:
    return yaml.safe_load((K8S / "kustomization.yaml").read_text())


@pytest.fixture(scope="module")
def documents(kustomization) -> list[dict[str, Any]]:
    docs = []
    for resource in kustomization["resources"]:
        docs += [doc for doc in yaml.safe_load_all((K8S / resource).read_text()) if doc]
    return docs


@pytest.fixture(scope="module")
def by_kind(documents) -> dict[tuple[str, str], dict[str, Any]]:
    index = {}
    for doc in documents:
        key = (doc["kind"], doc["metadata"]["name"])
        assert key not in index, f"{key} defined twice"
        index[key] = doc
    return index


@pytest.fixture(scope="module")
def config_map(by_kind) -> dict[str, str]:
    return by_kind[("ConfigMap", "cars-config")]["data"]


def pod_spec(doc: dict[str, Any]) -> dict[str, Any] | None:
    if doc["kind"] in ("Deployment", "StatefulSet", "Job"):
        return doc["spec"]["template"]["spec"]
    return None


def containers(documents: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for doc in documents:
        spec = pod_spec(doc)
        if spec:
            for container in spec.get("initContainers", []) + spec["containers"]:
                yield doc, container


def service_pods(service: str) -> list[tuple[str, str]]:
    """The workloads running a service's own code: its migration, worker and gateway."""
    return [("Job", f"{service}-migrate"), ("Deployment", f"{service}-worker"), ("Deployment", f"{service}-gateway")]


def is_cars(container: dict[str, Any]) -> bool:
    return image_name(container["image"]) == "cars"


def env_names(container: dict[str, Any], config_map: dict[str, str]) -> set[str]:
    names = {item["name"] for item in container.get("env", [])}
    for source in container.get("envFrom", []):
        assert source["configMapRef"]["name"] == "cars-config"
        names |= set(config_map)
    return names


def test_kustomization_lists_every_manifest_in_the_folder(kustomization):
    on_disk = {str(path.relative_to(K8S)) for path in K8S.rglob("*.yaml") if path.name != "kustomization.yaml"}
    assert set(kustomization["resources"]) == on_disk
    assert kustomization["namespace"] == NAMESPACE


def test_every_manifest_validates_against_the_kubernetes_schema(documents):
    errors = []
    for doc in documents:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{doc['kind']}/{doc['metadata']['name']}: {error.message} at {list(error.path)}")
    assert not errors, "\n".join(errors)


def test_every_resource_lives_in_the_cars_namespace(documents):
    for doc in documents:
        if doc["kind"] == "Namespace":
            assert doc["metadata"]["name"] == NAMESPACE
        else:
            assert doc["metadata"]["namespace"] == NAMESPACE, doc["metadata"]["name"]


def test_every_service_has_database_migration_worker_and_gateway(by_kind, service):
    for key in (
        ("StatefulSet", f"{service}-db"),
        ("Service", f"{service}-db"),
        ("Job", f"{service}-migrate"),
        ("Deployment", f"{service}-worker"),
        ("Deployment", f"{service}-gateway"),
        ("Service", f"{service}-gateway"),
    ):
        assert key in by_kind, f"{key} missing from deploy/k8s"


def test_commands_follow_the_image_conventions(by_kind, service):
    def command(kind: str, name: str) -> list[str]:
        return pod_spec(by_kind[(kind, name)])["containers"][0]["command"]

    assert command("Job", f"{service}-migrate") == ["cars-db", "upgrade", service]
    assert command("Deployment", f"{service}-worker") == ["cars-worker", f"{service}.worker:{service_class(service)}"]
    gateway = command("Deployment", f"{service}-gateway")
    assert gateway[:3] == ["gunicorn", "-b", "0.0.0.0:8080"]
    assert gateway[-1] == f"{service}.gateway:create_app()"


def test_gateway_probes_ask_readiness_and_liveness_endpoints(by_kind, service):
    container = pod_spec(by_kind[("Deployment", f"{service}-gateway")])["containers"][0]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports == {"http": 8080}
    assert container["readinessProbe"]["httpGet"] == {"path": f"/api/{service}/readyz", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": f"/api/{service}/healthz", "port": "http"}


def test_services_select_pods_that_exist_and_name_ports_they_expose(documents, by_kind):
    workloads = [doc for doc in documents if pod_spec(doc)]
    for doc in documents:
        if doc["kind"] != "Service":
            continue
        selector = doc["spec"]["selector"]
        matches = [w for w in workloads if selector.items() <= w["spec"]["template"]["metadata"]["labels"].items()]
        assert len(matches) == 1, f"Service {doc['metadata']['name']} selects {len(matches)} workloads"
        exposed = {port["name"] for container in pod_spec(matches[0])["containers"] for port in container["ports"]}
        for port in doc["spec"]["ports"]:
            assert port["targetPort"] in exposed, f"{doc['metadata']['name']}: no container port {port['targetPort']}"


def test_workload_selectors_match_their_pod_labels(documents):
    for doc in documents:
        if doc["kind"] in ("Deployment", "StatefulSet"):
            labels = doc["spec"]["template"]["metadata"]["labels"]
            assert doc["spec"]["selector"]["matchLabels"].items() <= labels.items(), doc["metadata"]["name"]


def test_ingress_routes_every_api_path_to_its_gateway(by_kind):
    ingress = by_kind[("Ingress", "cars")]
    routes = {
        path["path"]: (path["pathType"], path["backend"]["service"]["name"], path["backend"]["service"]["port"]["name"])
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert routes == {f"/api/{s}/": ("Prefix", f"{s}-gateway", "http") for s in SERVICES}
    for _, name, port in routes.values():
        assert port in {p["name"] for p in by_kind[("Service", name)]["spec"]["ports"]}


def test_cars_containers_set_only_variables_the_code_reads(documents, config_map):
    assert set(config_map) <= set(VARIABLES), set(config_map) - set(VARIABLES)
    for doc, container in containers(documents):
        if is_cars(container):
            unknown = env_names(container, config_map) - set(VARIABLES)
            assert not unknown, f"{doc['metadata']['name']} sets variables no code reads: {unknown}"


def test_infrastructure_containers_set_only_their_allowed_variables(documents, config_map):
    for doc, container in containers(documents):
        if is_cars(container):
            continue
        image = image_name(container["image"])
        assert image in INFRASTRUCTURE_VARIABLES, f"{doc['metadata']['name']}: image {image} has no allow-list"
        unknown = env_names(container, config_map) - INFRASTRUCTURE_VARIABLES[image]
        assert not unknown, f"{doc['metadata']['name']} sets variables outside its allow-list: {unknown}"


def test_no_secret_is_written_in_any_manifest(documents, config_map):
    assert not [doc for doc in documents if doc["kind"] == "Secret"], "Secrets are created outside the repository"
    assert not set(config_map) & SECRET_VARIABLES
    for path in K8S.rglob("*.yaml"):
        assert not LITERAL_CREDENTIALS.findall(path.read_text()), path
    for doc, container in containers(documents):
        for item in container.get("env", []):
            if item["name"] in SECRET_VARIABLES | SECRET_INFRASTRUCTURE_VARIABLES:
                assert "value" not in item, f"{doc['metadata']['name']}: {item['name']} has a literal value"
                assert item["valueFrom"]["secretKeyRef"]["name"] == SECRET, item


def test_secret_keys_used_are_documented_in_the_readme(documents):
    readme = (DEPLOY / "README.md").read_text()
    keys = {
        item["valueFrom"]["secretKeyRef"]["key"]
        for _, container in containers(documents)
        for item in container.get("env", [])
        if "secretKeyRef" in item.get("valueFrom", {})
    }
    assert keys, "no secretKeyRef at all"
    assert not [key for key in keys if f"`{key}`" not in readme]


def test_each_service_is_given_only_its_own_database(by_kind, service):
    for kind, name in service_pods(service):
        env = {item["name"]: item for item in pod_spec(by_kind[(kind, name)])["containers"][0]["env"]}
        urls = {variable for variable in env if variable.endswith("_DATABASE_URL")}
        assert urls == {f"{service.upper()}_DATABASE_URL"}, name
        assert env[f"{service.upper()}_DATABASE_URL"]["valueFrom"]["secretKeyRef"]["key"] == f"{service}-database-url"


def test_workers_and_gateways_get_the_broker_and_the_signing_key_where_needed(by_kind, service):
    for role in ("worker", "gateway"):
        env = {item["name"] for item in pod_spec(by_kind[("Deployment", f"{service}-{role}")])["containers"][0]["env"]}
        assert "AMQP_URI" in env
        assert ("ACCOUNTS_SIGNING_KEY" in env) == (service == "accounts")
        data_keys = {name for name in env if name.endswith("_DATA_KEY")}
        assert data_keys == ({f"{service.upper()}_DATA_KEY"} if service in SEALING_SERVICES else set())


@pytest.mark.parametrize("sealing", SEALING_SERVICES)
def test_a_sealing_services_migration_worker_and_gateway_get_its_own_data_key(by_kind, sealing):
    for kind, name in (
        ("Job", f"{sealing}-migrate"),
        ("Deployment", f"{sealing}-worker"),
        ("Deployment", f"{sealing}-gateway"),
    ):
        env = {item["name"]: item for item in pod_spec(by_kind[(kind, name)])["containers"][0]["env"]}
        assert env[f"{sealing.upper()}_DATA_KEY"]["valueFrom"]["secretKeyRef"]["key"] == f"{sealing}-data-key", name


def test_jwks_url_points_at_the_accounts_gateway_service(by_kind, config_map):
    port = by_kind[("Service", "accounts-gateway")]["spec"]["ports"][0]["port"]
    assert config_map["ACCOUNTS_JWKS_URL"] == f"http://accounts-gateway:{port}/api/accounts/jwks.json"
    assert config_map["ELASTICSEARCH_URL"] == "http://elasticsearch:9200"


def test_each_database_lets_in_only_its_own_service(by_kind, service):
    policy = by_kind[("NetworkPolicy", f"{service}-db")]
    allowed = policy["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"]
    for kind, name in service_pods(service):
        assert allowed.items() <= by_kind[(kind, name)]["spec"]["template"]["metadata"]["labels"].items(), name
    for other in set(SERVICES) - {service}:
        labels = by_kind[("Deployment", f"{other}-gateway")]["spec"]["template"]["metadata"]["labels"]
        assert not allowed.items() <= labels.items(), f"{other} may reach {service}-db"


def test_cars_pods_run_unprivileged_with_a_read_only_root(documents):
    for doc, container in containers(documents):
        if is_cars(container):
            assert pod_spec(doc)["securityContext"]["runAsNonRoot"] is True
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["allowPrivilegeEscalation"] is False


def test_mounted_claims_exist(documents, by_kind):
    for doc in documents:
        for volume in (pod_spec(doc) or {}).get("volumes", []):
            if "persistentVolumeClaim" in volume:
                assert ("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"]) in by_kind


def test_stateful_infrastructure_is_present(by_kind):
    for name in ("rabbitmq", "elasticsearch"):
        assert ("StatefulSet", name) in by_kind and ("Service", name) in by_kind
    rabbitmq = pod_spec(by_kind[("StatefulSet", "rabbitmq")])["containers"][0]
    assert rabbitmq["image"].endswith("-management")
    elasticsearch = pod_spec(by_kind[("StatefulSet", "elasticsearch")])["containers"][0]
    assert elasticsearch["image"].rsplit(":", 1)[1].startswith("9.")


def test_notify_worker_and_gateway_read_one_alert_signing_key(by_kind):
    for role in ("worker", "gateway"):
        env = {
            item["name"]: item for item in pod_spec(by_kind[("Deployment", f"notify-{role}")])["containers"][0]["env"]
        }
        assert env["NOTIFY_ALERT_SIGNING_KEY"]["valueFrom"]["secretKeyRef"]["key"] == "notify-alert-signing-key"
