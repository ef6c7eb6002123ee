"""The API contract: the JSON shapes are declared once as types (webapp/api/schemas.py,
webapp/ogc/shapes.py); every response is produced from its type and /api/openapi.json and
/ogc/api are generated from the same types, and the live API keeps to them.

Schemathesis generates requests for every operation of the document (stateless, a bounded,
derandomized number of examples each) and runs them through the WSGI app: no response may be
a server error or violate its declared schema. Every example in the document validates
against the schema it illustrates."""
from __future__ import annotations

import json
import re
from urllib.parse import quote

import jsonschema_rs
import msgspec
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from admissions.answer import school_summary
from gis.point import WGS84Point
from webapp.api.schemas import ANSWERS_EXAMPLE
from webapp.api.openapi import openapi_document
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
    lookup = document["components"]["schemas"]["Lookup"]
    broken = {**lookup["examples"][0], "status": "maybe"}
    with pytest.raises(jsonschema_rs.ValidationError):
        jsonschema_rs.Draft202012Validator(
            {**lookup, "components": document["components"]}).validate(broken)


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
    components = openapi_document()["components"]
    validator = jsonschema_rs.Draft202012Validator(
        {**components["schemas"][component], "components": components},
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


# --- the responses are produced from the declared types ---------------------------------

def _component_refs(schema: dict) -> list[str]:
    """The components a response schema names: one $ref, or anyOf/allOf of them."""
    if "$ref" in schema:
        return [schema["$ref"].rsplit("/", 1)[1]]
    return [name for key in ("anyOf", "allOf", "oneOf") for part in schema.get(key, [])
            for name in _component_refs(part)]


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_every_json_answer_refers_to_a_declared_type(document):
    """Each operation's JSON answers (200/201 and errors) name a component, and each
    component is the JSON Schema of a declared type, with its docstring."""
    from webapp.api import schemas
    from webapp.ogc import shapes
    declared = {t.__name__: t for t in (*schemas.RESPONSE_TYPES, *shapes.RESPONSE_TYPES)}
    spec = DOCUMENTS[document][1]
    components = spec["components"]["schemas"]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                for media, content in response.get("content", {}).items():
                    if "json" not in media:
                        continue
                    names = _component_refs(content["schema"])
                    assert names, (document, method, path, status)
                    for name in names:
                        assert name in declared, (path, status, name)
                        fields = {f.encode_name for f in msgspec.structs.fields(declared[name])}
                        assert set(components[name]["properties"]) == fields, name
    assert [name for name, schema in components.items() if not schema.get("description")
            ] == []


def test_the_ogc_schemas_are_in_the_openapi_30_dialect():
    text = json.dumps(ogc_openapi("http://localhost/ogc")["components"])
    assert '"type": "null"' not in text and '"examples"' not in text
    assert '"nullable": true' in text and '"example"' in text


def test_examples_are_instances_of_their_types_and_checked_when_declared():
    from webapp.api import schemas
    from webapp.api.contract import ContractBroken, example
    from webapp.ogc import shapes
    for shape, instance in {**schemas.EXAMPLES, **shapes.EXAMPLES}.items():
        assert type(instance) is shape
    good = msgspec.to_builtins(schemas.EXAMPLES[schemas.Health])
    with pytest.raises(ContractBroken):
        example(schemas.Health, {**good, "uptime": 3})  # not declared
    with pytest.raises(ContractBroken):
        example(schemas.Health, {**good, "status": "fine"})  # not allowed
    with pytest.raises(ContractBroken):
        example(schemas.Health, {"status": "ok", "database": "ok"})  # a field missing


def test_an_undeclared_field_in_the_domain_never_reaches_a_client(client, monkeypatch):
    from webapp.api import logic
    real = logic.suggestion
    monkeypatch.setattr(logic, "suggestion", lambda place: {**real(place), "row_id": 7})
    schools = client.get("/api/v1/schools").get_json()["schools"]
    monkeypatch.setattr(logic, "school_summary", lambda *a, **k: {
        **school_summary(*a, **k), "internal_note": "x"})
    body = client.get("/api/v1/schools").get_json()["schools"]
    assert body == schools and all("internal_note" not in s for s in body)
    suggested = client.get("/api/v1/addresses/suggest",
                           query_string={"q": schools[0]["address"][:3]}).get_json()
    assert suggested["suggestions"] and all("row_id" not in s for s in suggested["suggestions"])


def test_a_missing_required_field_fails_at_our_edge_not_at_the_client(client, monkeypatch):
    from webapp.api import logic
    real = logic.suggestion
    monkeypatch.setattr(logic, "suggestion", lambda place: {
        k: v for k, v in real(place).items() if k != "address"})
    first = client.get("/api/v1/schools").get_json()["schools"][0]
    response = client.get("/api/v1/addresses/suggest", query_string={"q": first["address"][:3]})
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"


def test_the_lookup_template_is_built_from_the_declared_type(app, sample_snapshot,
                                                             monkeypatch):
    """The answer for the zones found is converted to `Lookup` once, when its template is
    made; a request only fills the slots, and what the domain adds stays out."""
    import dataclasses

    from admissions import answer as composer
    from admissions.encoding import EncodedCache
    from admissions.service import encoded_answer
    from webapp.api.logic import lookup_data
    from webapp.api.schemas import Lookup
    snapshot = dataclasses.replace(sample_snapshot, encoded=EncodedCache())
    real = composer.school_summary
    monkeypatch.setattr(composer, "school_summary", lambda *a, **k: {
        **real(*a, **k), "internal_note": "x"})
    school = next(iter(snapshot.schools.values()))
    point = WGS84Point(school.lat, school.lng)
    near = WGS84Point(school.lat + 1e-5, school.lng)
    first = encoded_answer(snapshot, point, shape=lookup_data)
    second = encoded_answer(snapshot, near, shape=lookup_data)
    assert len(snapshot.encoded) == 1  # one template, converted once, served both points
    for encoded, where in ((first, point), (second, near)):
        assert b"internal_note" not in encoded.plain
        body = msgspec.json.decode(encoded.plain, type=Lookup)  # it is a Lookup
        assert body.location.lat == round(where.lat, 6)
    unshaped = encoded_answer(dataclasses.replace(snapshot, encoded=EncodedCache()), point)
    assert b"internal_note" in unshaped.plain  # the test sees the field when not shaped


def test_a_body_without_a_required_field_is_refused_by_the_contract():
    from webapp.api.contract import ContractBroken, encode
    from webapp.api.schemas import EXAMPLES, Lookup
    from webapp.ogc.shapes import EXAMPLES as OGC_EXAMPLES, ZoneItems
    lookup = msgspec.to_builtins(EXAMPLES[Lookup])
    with pytest.raises(ContractBroken, match="zone_version"):
        encode(Lookup, {k: v for k, v in lookup.items() if k != "zone_version"})
    items = msgspec.to_builtins(OGC_EXAMPLES[ZoneItems])
    items["features"][0]["properties"]["secret"] = 1
    assert b"secret" not in encode(ZoneItems, items)


CJK = re.compile(r"[\u4e00-\u9fff]")


# --- the request bodies are read through the declared types -------------------------------

def _json_request_bodies(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                if "json" in media:
                    yield method, path, content["schema"]


def test_every_json_request_body_is_a_declared_type_read_by_its_view(client, monkeypatch):
    """Each operation's JSON body refers to a component (no schema written by hand), the
    component is the JSON Schema of a declared request type, and the view reads the body
    through that very type."""
    from webapp.api import bodies, schemas
    declared = {t.__name__: t for t in schemas.REQUEST_TYPES}
    document = openapi_document()
    components = document["components"]["schemas"]
    read = []
    for name in ("decode", "convert"):
        real = getattr(bodies, name)
        monkeypatch.setattr(bodies, name, lambda shape, *a, real=real: (
            read.append(shape), real(shape, *a))[1])
    found = list(_json_request_bodies(document))
    assert {path for _, path, _ in found} == {"/api/v1/inquiries", "/api/v1/eligibility",
                                              "/api/v1/lookup/batch"}
    for method, path, schema in found:
        assert set(schema) == {"$ref"}, (method, path)
        name = schema["$ref"].rsplit("/", 1)[1]
        shape = declared[name]
        _, generated = msgspec.json.schema_components(
            [shape], ref_template="#/components/schemas/{name}")
        for part, part_schema in generated.items():
            assert {k: v for k, v in components[part].items() if k != "examples"
                    } == part_schema, part
        read.clear()
        example = components[name]["examples"][0]
        response = client.open(path, method=method, json=example)
        assert response.status_code < 500, response.get_json()
        assert read == [shape], (path, read)


WRONG_TYPES = [
    ("/api/v1/inquiries", {"kind": "consult", "content": 5, "caller_name": "张三",
                           "caller_phone": "13800138000"}, "content", "content"),
    ("/api/v1/inquiries", {"kind": "consult", "content": "你好", "caller_name": "张三",
                           "caller_phone": "13800138000", "contact_consent": "是"},
     "contact_consent", "contact_consent"),
    ("/api/v1/eligibility", {"answers": ANSWERS_EXAMPLE,
                             "location": {"lat": "north", "lng": 114.36}},
     "location.lat", "location.lat"),
    ("/api/v1/eligibility", {"answers": {**ANSWERS_EXAMPLE, "moved_in": 2024},
                             "zone_id": "P01"}, "answers", "answers"),
    ("/api/v1/eligibility", {"answers": ANSWERS_EXAMPLE, "location": {"where": "家"}},
     "location.where", "location.where"),
    ("/api/v1/lookup/batch", {"rows": [{"id": ["1"], "lat": 30.95, "lng": 114.36}]},
     "file", "rows[0].id"),
    ("/api/v1/lookup/batch", [{"address": "示例街1号"}, {"address": 7}], "file",
     "rows[1].address"),
]


@pytest.mark.parametrize(("path", "body", "field", "named"), WRONG_TYPES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_wrong_typed_field_is_a_400_naming_it_in_the_users_language(
        app, path, body, field, named, lang):
    sent = json.dumps(body, ensure_ascii=False)
    response = app.test_client().post(f"{path}?lang={lang}", json=body)
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter" and error["field"] == field
    message = error["message"]
    assert named in message and "Expected" not in message and "`" not in message, message
    if lang == "zh":
        assert CJK.search(message), message
    else:
        assert all(ch in sent for ch in CJK.findall(message)), message


def test_the_type_refuses_a_body_before_the_domain_reads_it(client, monkeypatch):
    from admissions import inquiries
    called = []
    monkeypatch.setattr(inquiries, "clean_new", lambda *a: called.append(a))
    response = client.post("/api/v1/inquiries", json={"kind": "consult", "content": ["x"]})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "content"
    assert called == []


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"content": "你好"}, "kind", "请选择类型"),          # the form's words for the kind
    ({"kind": "visit", "content": "你好"}, "kind", "请选择类型"),
    ({"kind": "consult"}, "content", "缺少 content"),
])
def test_a_missing_or_unknown_value_keeps_clear_words(client, body, field, words):
    error = client.post("/api/v1/inquiries", json=body).get_json()["error"]
    assert error["field"] == field and words in error["message"], error
