"""Load the official MAX Bot API OpenAPI 3.0 document and turn it into JSON Schema.

OpenAPI 3.0 schemas are not JSON Schema: `nullable`, `discriminator` and implicit
object types need translating before `jsonschema` can enforce them. The published
document also has a few slips that real MAX does not honour; they are patched here,
at load time, so the bundled `openapi.json` stays a verbatim copy of the official file.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

JSON = dict[str, Any]
SCHEMAS = "#/components/schemas/"
BASE = "__base"

# Keys that carry documentation only; dropping them keeps error output readable.
_DOC_KEYS = {"description", "example", "examples", "summary", "externalDocs", "xml"}


def _patch_slips(doc: JSON) -> None:
    """Fix places where the published document disagrees with the real API."""
    schemas = doc["components"]["schemas"]
    # Real chats are also `dialog` and `channel`; the document only lists `chat`.
    schemas["ChatType"]["enum"] = ["dialog", "chat", "channel"]
    # `link` is not a property of MessageBody at all, and real messages lack it.
    schemas["MessageBody"]["required"] = ["mid", "seq", "text", "attachments"]
    # The document's own examples send `{"text": ...}` alone (POST/PUT /messages,
    # POST /answers), so the three nullable fields cannot really be required.
    schemas["NewMessageBody"]["required"] = []
    # `description` is required but missing from the properties; real chats carry it.
    schemas["Chat"]["properties"]["description"] = {"type": "string", "nullable": True}
    # The property was pasted from a parameter definition instead of a schema.
    schemas["UserIdsList"]["properties"]["user_ids"] = {
        "type": "array",
        "uniqueItems": True,
        "maxItems": 100,
        "items": {"type": "integer", "format": "int64"},
    }
    # A string type next to an object reference can never validate.
    del schemas["VideoAttachment"]["allOf"][1]["properties"]["thumbnail"]["type"]
    # 2026 changelog: `bot_added` may come without `user` (who added the bot).
    added = schemas["BotAddedToChatUpdate"]["allOf"][1]
    added["required"] = [r for r in added["required"] if r != "user"]


def _add_missing_operations(doc: JSON) -> None:
    """Operations MAX serves that this copy of the document lacks.

    `PATCH /me/commands` (dev.max.ru/docs-api/methods/PATCH/me/commands) sets the
    command menu; both official clients call it. Its body and answer are built from
    the document's own `BotCommand` (the list `BotPatch.commands` describes)."""
    doc["components"]["schemas"]["BotCommandsPatch"] = {
        "properties": {
            "commands": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/BotCommand"},
                "maxItems": 32,
                "nullable": True,
            }
        }
    }
    body = {"$ref": "#/components/schemas/BotCommandsPatch"}
    doc["paths"].setdefault("/me/commands", {})["patch"] = {
        "tags": ["bots"],
        "operationId": "editMyCommands",
        "summary": "Set the bot's commands (the menu MAX clients show)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {
            "200": {
                "description": "The bot's commands now",
                "content": {"application/json": {"schema": body}},
            },
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "500": {"$ref": "#/components/responses/InternalError"},
        },
    }


def _convert(node: Any) -> Any:
    """Translate one OpenAPI schema node (recursively) into JSON Schema 2020-12."""
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: JSON = {}
    for key, value in node.items():
        if key in _DOC_KEYS or key.startswith("x-") or key in {"nullable", "discriminator"}:
            continue
        if key == "required" and not isinstance(value, list):
            continue  # `required: false` on a property is OpenAPI-2 style noise
        if key in {"maxItems", "minItems", "maxLength", "minLength"} and isinstance(value, str):
            value = int(value)
        if key == "properties":
            out[key] = {name: _convert(sub) for name, sub in value.items()}
        elif key in {"items", "additionalProperties", "not"} or key in {"allOf", "anyOf", "oneOf"}:
            out[key] = _convert(value)
        else:
            out[key] = value
    if "properties" in out and "type" not in out:
        out["type"] = "object"
    bits = {"int32": 31, "int64": 63}.get(str(out.get("format")))
    if out.get("type") == "integer" and bits:
        out.setdefault("minimum", -(2**bits))
        out.setdefault("maximum", 2**bits - 1)
    if node.get("nullable") is True:
        return {"if": {"type": "null"}, "else": out}
    return out


def _ref_name(ref: str) -> str | None:
    return ref[len(SCHEMAS) :] if ref.startswith(SCHEMAS) else None


def _inherits_required(schemas: JSON, name: str, prop: str) -> bool:
    schema = schemas[name]
    if prop in schema.get("required", []):
        return True
    for part in schema.get("allOf", []):
        parent = _ref_name(part.get("$ref", ""))
        if parent and _inherits_required(schemas, parent, prop):
            return True
    return False


def _build_components(raw: JSON) -> JSON:
    """Split every named schema into `<Name>__base` (its own content, used for
    inheritance) and `<Name>` (base + strict unknown-property check + discriminator
    dispatch), so `allOf` inheritance and polymorphism cannot recurse into each other."""
    out: JSON = {}
    for name, schema in raw.items():
        content = _convert(schema)
        for part in content.get("allOf", []):
            parent = _ref_name(part.get("$ref", ""))
            if parent is not None:
                part["$ref"] = SCHEMAS + parent + BASE
        out[name + BASE] = content
        wrapper: JSON = {"$ref": SCHEMAS + name + BASE, "unevaluatedProperties": False}
        disc = schema.get("discriminator")
        if disc:
            prop = disc["propertyName"]
            mapping = {
                key: (target["$ref"] if isinstance(target, dict) else target)
                for key, target in disc["mapping"].items()
            }
            if _inherits_required(raw, name, prop):
                wrapper["required"] = [prop]
            wrapper["properties"] = {prop: {"type": "string", "enum": sorted(mapping)}}
            wrapper["allOf"] = [
                {
                    "if": {"properties": {prop: {"const": key}}, "required": [prop]},
                    "then": {"$ref": target},
                }
                for key, target in mapping.items()
            ]
        out[name] = wrapper
    return out


def _raw_document() -> JSON:
    text = resources.files(__package__).joinpath("openapi.json").read_text("utf-8")
    doc: JSON = json.loads(text)
    return doc


@cache
def load_document() -> JSON:
    """The patched OpenAPI document with `components.schemas` as JSON Schema 2020-12.

    Paths and parameters keep their OpenAPI shape; parameter and body schemas are
    converted so they can be validated against the same registry resource.
    """
    doc = copy.deepcopy(_raw_document())
    _patch_slips(doc)
    _add_missing_operations(doc)
    doc["components"]["schemas"] = _build_components(doc["components"]["schemas"])
    for item in doc["paths"].values():
        for op in item.values():
            for param in op.get("parameters", []):
                param["schema"] = _convert(param.get("schema", {}))
    return doc


def resolve(doc: JSON, node: JSON) -> JSON:
    """Follow `$ref`, nullable and single-`allOf` wrappers to the schema with `type`."""
    for _ in range(20):
        ref = node.get("$ref")
        if isinstance(ref, str):
            target: Any = doc
            for part in ref.removeprefix("#/").split("/"):
                target = target[part]
            node = target
        elif "if" in node and "else" in node:
            node = node["else"]
        elif "type" not in node and len(node.get("allOf", [])) == 1:
            node = node["allOf"][0]
        else:
            break
    return node
