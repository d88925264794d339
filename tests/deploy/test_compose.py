"""deploy/compose.yaml: a valid Compose file running every service, configured only by variables the code reads."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
import yaml
from deploy_facts import (
    DEPLOY,
    FIXTURES,
    INFRASTRUCTURE_VARIABLES,
    LITERAL_CREDENTIALS,
    SEALING_SERVICES,
    SERVICES,
    image_name,
    service_class,
)

from cars_shared.config import VARIABLES

COMPOSE_FILE = DEPLOY / "compose.yaml"
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def interpolate(text: str) -> str:
    """What Compose reads with no variable set: defaults taken, required ones given a placeholder."""

    def replace(match: re.Match[str]) -> str:
        if match["op"] in (":-", "-"):
            return match["arg"]
        return "set-by-operator"

    return INTERPOLATION.sub(replace, text).replace("$$", "$")


@pytest.fixture(scope="module")
def raw() -> str:
    return COMPOSE_FILE.read_text()


@pytest.fixture(scope="module")
def compose(raw: str) -> dict[str, Any]:
    return yaml.safe_load(interpolate(raw))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def environment(definition: dict[str, Any]) -> dict[str, str]:
    env = definition.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {name: "" if value is None else str(value) for name, value in env.items()}


def is_cars(definition: dict[str, Any]) -> bool:
    return image_name(definition["image"]) == "cars"


def test_compose_file_validates_against_the_compose_specification_schema(compose):
    schema = json.loads((FIXTURES / "compose_spec.json").read_text())
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in jsonschema.Draft201909Validator(schema).iter_errors(compose)
    ]
    assert not errors, "\n".join(errors)


def test_every_interpolated_variable_has_a_local_default_or_is_marked_required(raw):
    bare = [m["name"] for m in INTERPOLATION.finditer(raw) if m["op"] is None]
    assert not bare, f"give these a local default (${{X:-...}}) or mark them required (${{X:?...}}): {bare}"


def test_secret_defaults_are_obviously_local(raw):
    for match in INTERPOLATION.finditer(raw):
        if re.search(r"PASSWORD|SECRET|SIGNING_KEY|TOKEN", match["name"]) and match["op"] in (":-", "-"):
            assert match["arg"] in ("", "local-dev-only"), f"{match['name']} defaults to a real-looking secret"


def test_no_credentials_are_written_into_urls(raw):
    assert not LITERAL_CREDENTIALS.findall(raw)


def test_every_service_has_a_database_a_migration_a_worker_and_a_gateway(services, service):
    for role in ("db", "migrate", "worker", "gateway"):
        assert f"{service}-{role}" in services, f"{service}-{role} missing from compose.yaml"


def test_commands_follow_the_image_conventions(services, service):
    assert services[f"{service}-migrate"]["command"] == ["cars-db", "upgrade", service]
    assert services[f"{service}-worker"]["command"] == ["cars-worker", f"{service}.worker:{service_class(service)}"]
    gateway = services[f"{service}-gateway"]["command"]
    assert gateway[:3] == ["gunicorn", "-b", "0.0.0.0:8080"]
    assert gateway[-1] == f"{service}.gateway:create_app()"


def test_cars_containers_all_run_the_one_image_built_from_deploy_dockerfile(services):
    cars = {name: definition for name, definition in services.items() if is_cars(definition)}
    assert len(cars) == 3 * len(SERVICES)
    for name, definition in cars.items():
        assert definition["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}, name


def test_each_database_is_postgresql_with_a_healthcheck(services, service):
    database = services[f"{service}-db"]
    assert image_name(database["image"]) == "postgres"
    assert environment(database)["POSTGRES_DB"] == service
    assert "pg_isready" in " ".join(database["healthcheck"]["test"])


def test_migration_runs_once_after_its_database_is_healthy(services, service):
    migrate = services[f"{service}-migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {f"{service}-db": {"condition": "service_healthy"}}


def test_worker_and_gateway_start_after_migration_and_broker(services, service):
    for role in ("worker", "gateway"):
        depends_on = services[f"{service}-{role}"]["depends_on"]
        assert depends_on[f"{service}-migrate"] == {"condition": "service_completed_successfully"}
        assert depends_on["rabbitmq"] == {"condition": "service_healthy"}


def test_search_waits_for_elasticsearch_and_notify_for_the_mail_server(services):
    for role in ("worker", "gateway"):
        assert services[f"search-{role}"]["depends_on"]["elasticsearch"] == {"condition": "service_healthy"}
        assert environment(services[f"search-{role}"])["ELASTICSEARCH_URL"] == "http://elasticsearch:9200"
    assert services["notify-worker"]["depends_on"]["mailpit"] == {"condition": "service_healthy"}
    assert environment(services["notify-worker"])["SMTP_URL"] == "smtp://mailpit:1025"


def test_gateway_healthcheck_asks_its_readiness_endpoint(services, service):
    test = " ".join(services[f"{service}-gateway"]["healthcheck"]["test"])
    assert f"http://127.0.0.1:8080/api/{service}/readyz" in test


def test_every_long_running_server_has_a_healthcheck(services):
    for name, definition in services.items():
        if name.endswith(("-migrate", "-worker")):
            continue
        assert "healthcheck" in definition, name


def test_cars_containers_set_only_variables_the_code_reads(services):
    for name, definition in services.items():
        if is_cars(definition):
            unknown = set(environment(definition)) - set(VARIABLES)
            assert not unknown, f"{name} sets variables no code reads: {unknown}"


def test_each_service_is_given_only_its_own_database(services, service):
    for role in ("migrate", "worker", "gateway"):
        env = environment(services[f"{service}-{role}"])
        urls = {name for name in env if name.endswith("_DATABASE_URL")}
        assert urls == {f"{service.upper()}_DATABASE_URL"}
        assert f"@{service}-db:5432/{service}" in env[f"{service.upper()}_DATABASE_URL"]


def test_cars_containers_reach_the_broker_and_the_token_keys_inside_the_network(services):
    for name, definition in services.items():
        if is_cars(definition) and not name.endswith("-migrate"):
            env = environment(definition)
            assert env["AMQP_URI"].endswith("@rabbitmq:5672/"), name
            assert env["ACCOUNTS_JWKS_URL"] == "http://accounts-gateway:8080/api/accounts/jwks.json", name


def test_infrastructure_containers_set_only_their_allowed_variables(services):
    for name, definition in services.items():
        if is_cars(definition):
            continue
        image = image_name(definition["image"])
        assert image in INFRASTRUCTURE_VARIABLES, f"{name}: image {image} has no allow-list"
        unknown = set(environment(definition)) - INFRASTRUCTURE_VARIABLES[image]
        assert not unknown, f"{name} sets variables outside its allow-list: {unknown}"


def test_infrastructure_is_rabbitmq_management_elasticsearch_9_and_a_mail_catcher(services):
    assert services["rabbitmq"]["image"].endswith("-management")
    assert image_name(services["elasticsearch"]["image"]) == "docker.elastic.co/elasticsearch/elasticsearch"
    assert services["elasticsearch"]["image"].rsplit(":", 1)[1].startswith("9.")
    assert environment(services["elasticsearch"])["discovery.type"] == "single-node"
    assert image_name(services["mailpit"]["image"]) == "axllent/mailpit"


def test_proxy_mounts_every_gateway_under_its_api_path(services, service):
    proxy = services["proxy"]
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    assert proxy["depends_on"][f"{service}-gateway"] == {"condition": "service_healthy"}
    config = (DEPLOY / "nginx.conf").read_text()
    location = re.search(rf"location /api/{service}/ \{{\s*proxy_pass (?P<upstream>[^;]+);", config)
    assert location, f"nginx.conf has no location /api/{service}/"
    # No URI part after host:port, so the path reaches the gateway unchanged.
    assert location["upstream"] == f"http://{service}-gateway:8080"


def test_proxy_routes_no_service_that_does_not_exist():
    config = (DEPLOY / "nginx.conf").read_text()
    assert sorted(re.findall(r"location /api/([a-z]+)/", config)) == SERVICES


def test_blob_store_is_shared_by_every_worker_and_gateway(services, service):
    for role in ("worker", "gateway"):
        definition = services[f"{service}-{role}"]
        assert "blobs:/var/lib/cars/blobs" in definition["volumes"]
        assert environment(definition)["BLOB_DIR"] == "/var/lib/cars/blobs"


def test_accounts_worker_and_gateway_share_one_signing_key(services):
    for role in ("worker", "gateway"):
        definition = services[f"accounts-{role}"]
        assert "accounts-keys:/var/lib/cars/keys" in definition["volumes"]
        assert environment(definition)["ACCOUNTS_SIGNING_KEY_FILE"] == "/var/lib/cars/keys/accounts-signing-key.pem"


@pytest.mark.parametrize("sealing", SEALING_SERVICES)
def test_a_sealing_services_migration_worker_and_gateway_share_one_data_key(services, sealing):
    for role in ("migrate", "worker", "gateway"):
        definition = services[f"{sealing}-{role}"]
        assert f"{sealing}-keys:/var/lib/cars/keys" in definition["volumes"]
        assert environment(definition)[f"{sealing.upper()}_DATA_KEY_FILE"] == f"/var/lib/cars/keys/{sealing}-data-key"


def test_notify_worker_and_gateway_share_one_alert_signing_key(services):
    for role in ("worker", "gateway"):
        definition = services[f"notify-{role}"]
        assert "notify-keys:/var/lib/cars/keys" in definition["volumes"]
        assert environment(definition)["NOTIFY_ALERT_SIGNING_KEY_FILE"] == "/var/lib/cars/keys/notify-alert-signing-key"
