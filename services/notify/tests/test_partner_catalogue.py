"""The public event catalogue: committed files agree with the code, and every example fits its schema."""

from pathlib import Path

import jsonschema
import pytest

from cars_shared.events import make_event
from cars_shared.events.envelope import read_event
from cars_shared.events.registry import load_all, payload_schema
from notify.gateway import create_app
from notify.partners import catalogue
from notify.partners.contracts import PUBLIC_EVENTS, TYPES
from notify.partners.translator import TRANSLATIONS, translate

DOCS = Path(__file__).resolve().parents[3] / "docs" / "partners"
REGENERATE = "python -m notify.partners.catalogue docs/partners"


def validator(schema):
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("relative", sorted(catalogue.documents()))
def test_committed_catalogue_files_match_the_contracts(relative):
    committed = DOCS / relative
    assert committed.exists(), f"{committed} is missing: run {REGENERATE}"
    assert committed.read_text(encoding="utf-8") == catalogue.render(catalogue.documents()[relative]), (
        f"{committed} is out of date: run {REGENERATE}"
    )


def test_no_stale_schema_files_are_committed():
    expected = {relative for relative in catalogue.documents() if relative.startswith("schemas/")}
    assert {f"schemas/{path.name}" for path in (DOCS / "schemas").glob("*.json")} == expected


@pytest.mark.parametrize("spec", PUBLIC_EVENTS, ids=lambda spec: f"{spec.type}.v{spec.version}")
def test_every_example_event_fits_its_published_schema(spec):
    schema = catalogue.event_schema(spec)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator(schema).validate(catalogue.example_event(spec))


@pytest.mark.parametrize(("producer", "type_"), sorted(TRANSLATIONS))
def test_every_translated_internal_example_fits_the_published_schema(producer, type_):
    spec = load_all()[(producer, type_, 1)]
    event = read_event(make_event(producer, type_, payload_schema(producer, type_).load(spec.example)))
    public = translate(event, "https://cars.example")
    published = next(e["schema"] for e in catalogue.catalogue()["events"] if e["type"] == public.type)
    validator(published).validate(public.body(42))


def test_a_field_the_schema_does_not_publish_fails_the_contract():
    spec = PUBLIC_EVENTS[0]
    event = catalogue.example_event(spec)
    event["payload"] = {**event["payload"], "registered_by": "someone"}
    with pytest.raises(jsonschema.ValidationError):
        validator(catalogue.event_schema(spec)).validate(event)


def test_asyncapi_document_has_a_channel_on_the_public_exchange_per_event_type():
    document = catalogue.asyncapi()
    assert document["asyncapi"] == "2.6.0"
    assert set(document["channels"]) == set(TYPES)
    for type_, channel in document["channels"].items():
        assert channel["bindings"]["amqp"]["exchange"]["name"] == "cars.public"
        for ref in channel["subscribe"]["message"]["oneOf"]:
            message = document["components"]["messages"][ref["$ref"].rsplit("/", 1)[1]]
            assert message["name"] == type_
            validator(message["payload"]).validate(message["examples"][0]["payload"])


def test_gateway_serves_the_catalogue_and_the_asyncapi_document(migrated_sqlite, token_mint):
    client = create_app(database=migrated_sqlite("notify"), verifier=token_mint.verifier).test_client()
    assert client.get("/api/notify/partners/catalogue").get_json() == catalogue.catalogue()
    assert client.get("/api/notify/partners/asyncapi.json").get_json() == catalogue.asyncapi()
