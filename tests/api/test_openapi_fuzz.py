"""Every gateway, fuzzed from its own OpenAPI document: no 5xx, and nothing that contradicts the document."""

import importlib
import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cars_shared.config import SERVICES

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.parametrize("service", SERVICES)
def test_gateway_keeps_to_its_openapi_document(service, tmp_path, monkeypatch, token_mint, migrated_sqlite):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    gateway = importlib.import_module(f"{service}.gateway")
    app = gateway.create_app(database=migrated_sqlite(service), verifier=token_mint.verifier)
    schema = schemathesis.openapi.from_wsgi(f"/api/{service}/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, f"{service} documents no operation"
    for operation, mode in itertools.product(operations, GenerationMode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def call(case):
            case.call_and_validate(headers=token_mint.headers(), checks=CHECKS)

        try:
            call()
        except Unsatisfiable:
            # An operation without parameters or body has no invalid input to generate.
            assert mode is GenerationMode.NEGATIVE
