"""Validate request bodies against the official MAX OpenAPI 3.0 document.

OpenAPI 3.0 is not JSON Schema, so the component schemas are converted: ``nullable`` becomes
``null`` in an ``anyOf``, discriminators become if/then branches (so an unknown ``type`` or a
field of the wrong variant fails), and every concrete schema gets
``unevaluatedProperties: false`` so a key the schema does not know fails too.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

import maxremind.emulator

# The official schema as the package ships it (maxremind/emulator/openapi.json).
OPENAPI_PATH = Path(maxremind.emulator.__file__).parent / "openapi.json"
_PREFIX = "#/components/schemas/"
_DROP = {"discriminator", "example", "readOnly", "writeOnly", "description", "title"}


def _ref(target: str) -> str:
    return "#/$defs/" + target.removeprefix(_PREFIX)


def _convert(node: Any, discriminated: set[str]) -> Any:
    if isinstance(node, list):
        return [_convert(item, discriminated) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _convert(v, discriminated) for k, v in node.items() if k not in _DROP}
    if isinstance(out.get("required"), bool):  # a Swagger 2 leftover in the document
        del out["required"]
    if "$ref" in out:
        out["$ref"] = _ref(out["$ref"])
    if "allOf" in node:
        # A variant extends its discriminated base; point it at the base without the
        # discriminator, or base -> variant -> base would recurse forever.
        out["allOf"] = [
            {"$ref": item["$ref"] + "__base"}
            if isinstance(item, dict)
            and item.get("$ref", "").removeprefix("#/$defs/") in discriminated
            else item
            for item in out["allOf"]
        ]
    if out.pop("nullable", False):
        out = {"anyOf": [{"type": "null"}, out]}
    return out


@functools.cache
def _defs() -> dict[str, Any]:
    schemas = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))["components"]["schemas"]
    discriminated = {name for name, s in schemas.items() if "discriminator" in s}
    defs: dict[str, Any] = {}
    for name, schema in schemas.items():
        converted = _convert(schema, discriminated)
        if name not in discriminated:
            converted["unevaluatedProperties"] = False
            defs[name] = converted
            continue
        defs[name + "__base"] = converted
        prop = schema["discriminator"]["propertyName"]
        branches = []
        for key, target in schema["discriminator"]["mapping"].items():
            target_ref = target["$ref"] if isinstance(target, dict) else target
            branches.append(
                {
                    "if": {"properties": {prop: {"const": key}}, "required": [prop]},
                    "then": {"$ref": _ref(target_ref)},
                }
            )
        defs[name] = {
            "allOf": [{"$ref": f"#/$defs/{name}__base"}, *branches],
            "properties": {prop: {"enum": list(schema["discriminator"]["mapping"])}},
            "required": [prop],
            "unevaluatedProperties": False,
        }
    return defs


@functools.cache
def validator(component: str) -> Draft202012Validator:
    schema = {"$defs": copy.deepcopy(_defs()), "$ref": f"#/$defs/{component}"}
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(component: str, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:300]}"
        for e in validator(component).iter_errors(instance)
    ]


def assert_valid(component: str, instance: Any) -> None:
    errors = schema_errors(component, instance)
    assert not errors, f"{component} body does not match the official schema: {errors}"
