"""How the declared JSON shapes (msgspec Structs in webapp/api/schemas.py and
webapp/ogc/shapes.py) become both the responses and the OpenAPI components.

A response is produced by converting the domain's result to its declared type: a key the
type does not declare is dropped, a required key that is missing or a value of the wrong
type raises `ContractBroken` here, at the edge of our code (a bug: the client gets a 500
that is logged, never a body that breaks the document). The OpenAPI components are the
same types' JSON Schema, with their docstrings as descriptions and examples that are
instances of the types, checked when they are declared; so are the request bodies'
(read through their types by webapp/api/bodies.py)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import msgspec
from flask import Response

T = TypeVar("T")
_ENCODER = msgspec.json.Encoder(order="sorted")  # sorted keys: the bytes jsonify sent
JSON = "application/json"


class ContractBroken(Exception):
    """A result that does not have its declared shape: a bug on our side."""


def produce(shape: type[T], value: Any) -> T:
    try:
        return msgspec.convert(value, shape)
    except msgspec.ValidationError as error:
        raise ContractBroken(f"{shape.__name__}: {error}") from error


def plain(shape: type, value: Any) -> Any:
    """`value` as its declared type, back as JSON-ready data (for encoders that take
    dicts, such as admissions/encoding.py's)."""
    return msgspec.to_builtins(produce(shape, value))


def encode(shape: type, value: Any) -> bytes:
    """The JSON bytes of `value` as its declared type (compact, UTF-8, sorted keys and a
    final newline, as Flask's `jsonify` wrote them)."""
    return _ENCODER.encode(produce(shape, value)) + b"\n"


def respond(shape: type, value: Any, status: int = 200, mimetype: str = JSON) -> Response:
    return Response(encode(shape, value), status=status, mimetype=mimetype)


def example(shape: type[T], value: dict) -> T:
    """An example for the documentation, as an instance of `shape`; a key the type does
    not declare or a value it does not allow fails at import, not in the document."""
    instance = produce(shape, value)
    if msgspec.to_builtins(instance) != value:
        raise ContractBroken(f"{shape.__name__}: the example has undeclared or altered keys")
    return instance


def components(types: Iterable[type], examples: dict[type, object],
               ref_template: str = "#/components/schemas/{name}") -> dict[str, dict]:
    """The JSON Schema of every type (and the types they use), by name, each declared
    example attached to its type's schema."""
    types = list(types)
    _, schemas = msgspec.json.schema_components(types, ref_template=ref_template)
    for shape, instance in examples.items():
        schemas[shape.__name__]["examples"] = [msgspec.to_builtins(instance)]
    return schemas


def ref(shape: type) -> dict:
    return {"$ref": f"#/components/schemas/{shape.__name__}"}


def json_body(shape: type, **other_media: dict) -> dict:
    """An operation's `requestBody`: JSON of the declared type (read through it,
    webapp/api/bodies.py), and any other media it takes."""
    return {"required": True, "content": {JSON: {"schema": ref(shape)}, **other_media}}


_SUBSCHEMA = ("items", "additionalProperties", "not")
_SUBSCHEMAS = ("anyOf", "allOf", "oneOf")
_NAMED_SUBSCHEMAS = ("properties", "patternProperties", "$defs")


def openapi_30(schema: dict) -> dict:
    """A JSON Schema (as msgspec writes it, the dialect of OpenAPI 3.1) in the OpenAPI 3.0
    dialect the OGC conformance class asks for: `nullable` instead of a null type, one
    `example` instead of `examples`."""
    out: dict = {}
    for key, value in schema.items():
        if key in _SUBSCHEMA and isinstance(value, dict):
            out[key] = openapi_30(value)
        elif key in _NAMED_SUBSCHEMAS:
            out[key] = {name: openapi_30(sub) for name, sub in value.items()}
        elif key == "examples":
            out["example"] = value[0]
        elif key == "type" and isinstance(value, list):  # ["string", "null"]
            kinds = [k for k in value if k != "null"]
            out["type"] = kinds[0]
            if len(kinds) < len(value):
                out["nullable"] = True
        elif key in _SUBSCHEMAS:
            options = [openapi_30(o) for o in value if o.get("type") != "null"]
            if len(options) < len(value):
                out["nullable"] = True
            if len(options) == 1 and "$ref" not in options[0]:
                out.update(options[0])
            else:  # a $ref takes no siblings in 3.0: wrap it
                out[key if len(options) > 1 else "allOf"] = options
        else:
            out[key] = value
    return out
