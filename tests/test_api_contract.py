"""The API contract: /api/openapi.json is generated from webapp/api/schemas.py, and the
live API keeps to it.

Schemathesis generates requests for every operation of the document (stateless, a bounded,
derandomized number of examples each) and runs them through the WSGI app: no response may be
a server error or violate its declared schema. Every example in the document validates
against the schema it illustrates."""
from __future__ import annotations

from urllib.parse import quote

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from webapp.api.eligibility import ANSWERS_EXAMPLE
from webapp.api.openapi import openapi_document
from webapp.api.schemas import COMPONENTS
from webapp.ogc.openapi import ogc_openapi


DOCUMENTS = {"api": ("/api/openapi.json", openapi_document()),
             "ogc": ("/ogc/api", ogc_openapi("http://localhost/ogc"))}


@pytest.fixture(scope="module")
def loaded_schemas(app):
    return {name: schemathesis.openapi.from_wsgi(url, app)
            for name, (url, _) in DOCUMENTS.items()}


OPERATIONS = [(name, method, path) for name, (_, document) in DOCUMENTS.items()
              for path, item in document["paths"].items() for method in item]


@pytest.mark.parametrize(("document", "method", "path"), OPERATIONS)
def test_every_operation_keeps_to_its_schema(loaded_schemas, document, method, path):
    operation = loaded_schemas[document][path][method.upper()]

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


def _conforms(client, url: str, component: str, json: dict | None = None,
              status: int = 200) -> dict:
    response = client.get(url) if json is None else client.post(url, json=json)
    assert response.status_code == status, url
    body = response.get_json()
    validator = jsonschema_rs.Draft202012Validator(
        {**COMPONENTS[component], "components": openapi_document()["components"]},
        validate_formats=True)
    assert [e.message for e in validator.iter_errors(body)] == [], url
    return body


def test_real_answers_keep_to_their_schemas(client):
    """The requests random generation rarely gets right (an existing school, a version, an
    address in the gazetteer) answer in their declared shapes too."""
    schools = _conforms(client, "/api/v1/schools", "Schools")["schools"]
    first = schools[0]
    _conforms(client, f"/api/v1/schools/{first['code']}", "OneSchool")
    statuses = {_conforms(client, f"/api/v1/lookup?lat={s['lat']}&lng={s['lng']}",
                          "Lookup")["status"] for s in schools}
    assert "assigned" in statuses
    _conforms(client, f"/api/v1/lookup?address={quote(first['address'])}", "Lookup")
    _conforms(client, f"/api/v1/lookup?address={quote(first['address'])}&fields=zones",
              "Lookup")
    _conforms(client, f"/api/v1/lookup?address={quote(first['address'][:2])}", "Lookup")
    _conforms(client, "/api/v1/lookup?lat=0&lng=0", "Lookup")
    versions = _conforms(client, "/api/v1/zone-versions", "ZoneVersions")["versions"]
    _conforms(client, f"/api/v1/zone-versions/{versions[0]['id']}", "OneZoneVersion")
    _conforms(client, f"/api/v1/zone-versions/{versions[0]['id']}/zones.geojson",
              "ZonesGeoJSON")
    _conforms(client, f"/api/v1/faq/search?q={quote(first['name'][:4])}", "FaqHits")
    _conforms(client, "/healthz", "Health")
    inquiry = _conforms(client, "/api/v1/inquiries", "Inquiry", status=201, json={
        "kind": "consult", "content": "请问报名需要哪些材料？", "caller_name": "张三",
        "caller_phone": "13800138000"})
    _conforms(client, f"/api/v1/inquiries/{inquiry['tracking']}?phone_last4=8000", "Inquiry")
    rows = _conforms(client, "/api/v1/lookup/batch", "BatchLookup", json={"rows": [
        {"id": "1", "lat": first["lat"], "lng": first["lng"]},
        {"id": "2", "address": first["address"]}, {"id": "3", "lat": 1}]})["rows"]
    assert [row["status"] for row in rows][2] == "invalid"
    warnings = {_conforms(client, "/api/v1/eligibility", "Eligibility", json={
        "answers": ANSWERS_EXAMPLE, "location": {"lat": s["lat"], "lng": s["lng"]}})[
            "warning"]["state"] for s in schools}
    assert "none" in warnings
