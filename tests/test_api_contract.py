"""The API contract: /api/openapi.json is generated from webapp/api/schemas.py, and the
live API keeps to it.

Schemathesis generates requests for every operation of the document (stateless, a bounded,
derandomized number of examples each) and runs them through the WSGI app: no response may be
a server error or violate its declared schema. Every example in the document validates
against the schema it illustrates."""
from __future__ import annotations

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from webapp.api.openapi import openapi_document
from webapp.api.schemas import COMPONENTS


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


OPERATIONS = [(method, path) for path, item in openapi_document()["paths"].items()
              for method in item]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_keeps_to_its_schema(api_schema, method, path):
    operation = api_schema[path][method.upper()]

    @given(operation.as_strategy())
    @settings(max_examples=15, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def keeps_to_schema(case):
        # The WSGI transport does not inflate gzip as an HTTP client would.
        response = case.call(headers={"Accept-Encoding": "identity"})
        case.validate_response(response, checks=(not_a_server_error,
                                                 response_schema_conformance))

    keeps_to_schema()


def _examples(node, path=""):
    """(where, schema, example) for every schema in the document that carries examples."""
    if isinstance(node, dict):
        for example in node.get("examples", []) if isinstance(node.get("examples"),
                                                              list) else []:
            yield path, node, example
        for key, value in node.items():
            if key != "examples":
                yield from _examples(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _examples(value, f"{path}/{i}")


def test_every_example_validates_against_its_schema():
    document = openapi_document()
    found = list(_examples(document["components"]["schemas"], "#/components/schemas"))
    assert {where.split("/")[3] for where, _, _ in found} >= {
        "Lookup", "Schools", "ZoneVersions", "Inquiry", "Error", "Health"}
    wrong = [where for where, node, example in found
             if not jsonschema_rs.Draft202012Validator(
                 {**node, "components": document["components"]},
                 validate_formats=True).is_valid(example)]
    assert wrong == []


def test_an_example_that_breaks_its_schema_is_caught():
    document = openapi_document()
    broken = {**COMPONENTS["Lookup"]["examples"][0], "status": "maybe"}
    with pytest.raises(jsonschema_rs.ValidationError):
        jsonschema_rs.Draft202012Validator(
            {**COMPONENTS["Lookup"], "components": document["components"]}).validate(broken)


def test_every_json_response_is_typed():
    """No operation answers JSON with a bare object: each names its properties or refers
    to a declared component."""
    for path, item in openapi_document()["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                for media, content in response.get("content", {}).items():
                    if "json" in media:
                        schema = content["schema"]
                        assert "$ref" in schema or schema.get("properties"), \
                            (method, path, status, media)
