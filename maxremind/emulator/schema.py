"""Validate Bot API requests and responses against the official schema.

The emulator runs every incoming request through `ApiSchema.check_request`; the
project's tests rely on it to prove that everything the product sends is valid, so
it errs on the side of strictness: unknown query parameters, wrong types and unknown
discriminator values are all violations. Unknown body fields are different: OpenAPI 3.0
allows properties a schema does not list, and real MAX accepts them (a button's `intent`
from other clients), so they are reported apart as warnings, which the project's own
tests still treat as failures.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from maxremind.emulator.spec import JSON, load_document, resolve

_DOC_URI = "urn:maxremind:max-bot-api"
_INT_RE = re.compile(r"-?\d+")


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    operation_id: str
    spec: JSON
    pattern: re.Pattern[str]

    @property
    def gone(self) -> bool:
        """The document keeps removed methods (GET /chats) with no responses."""
        return not self.spec.get("responses")


@dataclass
class RequestCheck:
    """The outcome of checking one request: what matched, the decoded inputs, and
    every violation found (empty when the request is valid)."""

    operation: Operation | None
    path_known: bool
    path_params: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    violations: list[str] = field(default_factory=list)
    # Body fields the document does not list: accepted, but reported.
    warnings: list[str] = field(default_factory=list)


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        f"(?P<{part}>[^/]+)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$")


def _location(prefix: str, error: ValidationError) -> str:
    where = prefix
    for step in error.absolute_path:
        where += f"[{step}]" if isinstance(step, int) else f".{step}"
    return where


def _message(error: ValidationError) -> str:
    if error.validator in {"maxLength", "minLength"} and isinstance(error.instance, str):
        word = "long" if error.validator == "maxLength" else "short"
        size = len(error.instance)
        return (
            f"string of {size} characters is too {word} ({error.validator} {error.validator_value})"
        )
    text = error.message
    return text if len(text) <= 300 else text[:300] + "…"


def _unknown_fields_only(errors: list[ValidationError]) -> bool:
    """Every error is an `unevaluatedProperties` one: nothing is wrong but extra keys."""
    return bool(errors) and all(e.validator == "unevaluatedProperties" for e in errors)


def _format_errors(prefix: str, errors: list[ValidationError]) -> list[str]:
    # A failed discriminated branch also makes its fields "unevaluated" one level up;
    # that echo adds nothing when a more specific error exists at or below the place.
    specific = [e for e in errors if e.validator != "unevaluatedProperties"]
    deepest: dict[str, ValidationError] = {}
    for error in errors:
        if error.validator != "unevaluatedProperties":
            continue
        here = list(error.absolute_path)
        if any(list(other.absolute_path)[: len(here)] == here for other in specific):
            continue
        key = json.dumps(here)
        kept = deepest.get(key)
        if kept is None or len(error.absolute_schema_path) > len(kept.absolute_schema_path):
            deepest[key] = error
    chosen = {id(e) for e in specific} | {id(e) for e in deepest.values()}
    return [f"{_location(prefix, e)}: {_message(e)}" for e in errors if id(e) in chosen]


class ApiSchema:
    """The patched official document, compiled for request and response checks."""

    def __init__(self) -> None:
        self.document = load_document()
        resource: Resource[Any] = DRAFT202012.create_resource(self.document)
        self._registry: Registry[Any] = Registry().with_resource(_DOC_URI, resource)
        self._validators: dict[str, Draft202012Validator] = {}
        self.operations: list[Operation] = []
        for template, item in self.document["paths"].items():
            for method, op in item.items():
                self.operations.append(
                    Operation(
                        method.upper(), template, op["operationId"], op, _template_regex(template)
                    )
                )
        # Literal paths first, so `/chats/{chatId}/members/me` wins over templates.
        self.operations.sort(key=lambda op: op.template.count("{"))

    # -- schema access ---------------------------------------------------------------

    def _validator(self, schema: JSON) -> Draft202012Validator:
        key = json.dumps(schema, sort_keys=True)
        found = self._validators.get(key)
        if found is None:
            found = Draft202012Validator(_rebase(schema), registry=self._registry)
            self._validators[key] = found
        return found

    def check(self, schema_name: str, instance: Any, prefix: str = "body") -> list[str]:
        """Violations of `instance` against `#/components/schemas/<schema_name>`."""
        return self.check_schema({"$ref": f"#/components/schemas/{schema_name}"}, instance, prefix)

    def check_schema(self, schema: JSON, instance: Any, prefix: str) -> list[str]:
        errors = list(self._validator(schema).iter_errors(instance))
        return _format_errors(prefix, errors)

    def check_body_schema(self, schema: JSON, instance: Any) -> tuple[list[str], list[str]]:
        """(violations, unknown fields) of a request body: when the only trouble is keys
        the schema does not list, they come back as the second list (accepted by MAX)."""
        errors = list(self._validator(schema).iter_errors(instance))
        found = _format_errors("body", errors)
        return ([], found) if _unknown_fields_only(errors) else (found, [])

    # -- requests --------------------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[list[tuple[Operation, dict[str, str]]], bool]:
        """Operations whose template matches `path` for `method`, and whether the
        path exists for any method (to tell 405 from 404)."""
        found: list[tuple[Operation, dict[str, str]]] = []
        known = False
        for op in self.operations:
            hit = op.pattern.match(path)
            if hit is None:
                continue
            known = True
            if op.method == method:
                found.append((op, hit.groupdict()))
        return found, known

    def check_request(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        body: bytes,
        content_type: str | None,
    ) -> RequestCheck:
        candidates, known = self.match(method, path)
        if not candidates:
            what = "method not allowed" if known else "no such path"
            return RequestCheck(None, known, violations=[f"{method} {path}: {what}"])
        # `/chats/{chatLink}` and `/chats/{chatId}` share a shape: prefer the one
        # whose path parameters validate.
        best: RequestCheck | None = None
        for op, raw_params in sorted(candidates, key=lambda c: self._loose_params(c[0])):
            check = RequestCheck(op, True)
            self._check_path(op, raw_params, check)
            if best is None or (best.violations and not check.violations):
                best = check
        assert best is not None
        assert best.operation is not None
        op = best.operation
        if op.gone:
            best.violations.append(f"{op.method} {op.template} is no longer supported by MAX")
        self._check_query(op, query, best)
        self._check_body(op, body, content_type, best)
        best.violations = [f"{method} {path}: {v}" for v in best.violations]
        best.warnings = [f"{method} {path}: {v}" for v in best.warnings]
        return best

    def _loose_params(self, op: Operation) -> int:
        """How many path parameters take any string: typed templates are tried first,
        so an out-of-range `/chats/<number>` is reported as a bad chat id."""
        return sum(
            1
            for p in op.spec.get("parameters", [])
            if p["in"] == "path" and resolve(self.document, p["schema"]).get("type") == "string"
        )

    def _check_path(self, op: Operation, raw: dict[str, str], check: RequestCheck) -> None:
        for param in op.spec.get("parameters", []):
            if param["in"] != "path":
                continue
            name = param["name"]
            value = _coerce(self.document, param["schema"], [raw.get(name, "")])
            check.path_params[name] = value
            check.violations += self.check_schema(param["schema"], value, f"path.{name}")

    def _check_query(
        self, op: Operation, query: list[tuple[str, str]], check: RequestCheck
    ) -> None:
        params = {p["name"]: p for p in op.spec.get("parameters", []) if p["in"] == "query"}
        grouped: dict[str, list[str]] = {}
        for name, value in query:
            grouped.setdefault(name, []).append(value)
        for name, values in grouped.items():
            param = params.get(name)
            if param is None:
                check.violations.append(f"query.{name}: unknown query parameter")
                continue
            schema = param["schema"]
            if resolve(self.document, schema).get("type") != "array" and len(values) > 1:
                check.violations.append(f"query.{name}: given {len(values)} times")
            value = _coerce(self.document, schema, values)
            check.query[name] = value
            check.violations += self.check_schema(schema, value, f"query.{name}")
        for name, param in params.items():
            if param.get("required") and name not in grouped:
                check.violations.append(f"query.{name}: required parameter is missing")

    def _check_body(
        self, op: Operation, body: bytes, content_type: str | None, check: RequestCheck
    ) -> None:
        spec = op.spec.get("requestBody")
        if spec is None:
            if body.strip():
                check.violations.append("body: this method takes no request body")
            return
        if not body.strip():
            if spec.get("required"):
                check.violations.append("body: request body is required")
            return
        media = (content_type or "application/json").split(";")[0].strip().lower()
        if media != "application/json":
            check.violations.append(f"body: content type must be application/json, not {media}")
        try:
            check.body = json.loads(body.decode("utf-8"))
        except UnicodeDecodeError:
            check.violations.append("body: not valid UTF-8")
            return
        except ValueError as exc:
            check.violations.append(f"body: invalid JSON ({exc})")
            return
        schema = spec["content"]["application/json"]["schema"]
        violations, unknown = self.check_body_schema(schema, check.body)
        check.violations += violations
        check.warnings += unknown

    # -- responses -------------------------------------------------------------------

    def check_response(self, method: str, path: str, status: int, payload: Any) -> list[str]:
        """Violations of an answer against the documented response for `status`
        (errors not listed for an operation are checked against `Error`)."""
        candidates, _ = self.match(method, path)
        if not candidates:
            return self.check("Error", payload, "response")
        op = candidates[0][0]
        if len(candidates) > 1:
            op = next((o for o, p in candidates if self._path_ok(o, p)), op)
        responses = op.spec.get("responses", {})
        response = responses.get(str(status))
        if response is None:
            if status < 400:
                return [f"response: status {status} is not documented for {op.operation_id}"]
            return self.check("Error", payload, "response")
        if "$ref" in response:
            response = resolve_ref(self.document, response["$ref"])
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            return []
        return [f"{method} {path}: {v}" for v in self.check_schema(schema, payload, "response")]

    def _path_ok(self, op: Operation, raw: dict[str, str]) -> bool:
        check = RequestCheck(op, True)
        self._check_path(op, raw, check)
        return not check.violations


def resolve_ref(doc: JSON, ref: str) -> JSON:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return dict(node)


def _rebase(schema: JSON) -> JSON:
    """Make local `#/...` references inside an ad-hoc schema point at the document."""
    text = json.dumps(schema).replace('"$ref": "#/', f'"$ref": "{_DOC_URI}#/')
    rebased: JSON = json.loads(text)
    return rebased


def _coerce_one(kind: Any, raw: str) -> Any:
    if kind == "integer" and _INT_RE.fullmatch(raw):
        return int(raw)
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            return raw
    if kind == "boolean" and raw in {"true", "false"}:
        return raw == "true"
    return raw


def _coerce(doc: JSON, schema: JSON, values: list[str]) -> Any:
    """Turn query/path strings into typed values; what cannot be converted stays a
    string so the schema check reports it."""
    target = resolve(doc, schema)
    if target.get("type") == "array":
        kind = resolve(doc, target.get("items", {})).get("type")
        # Lists travel comma-separated (the documented examples) or repeated.
        return [_coerce_one(kind, part) for value in values for part in value.split(",")]
    return _coerce_one(target.get("type"), values[-1])


@cache
def api_schema() -> ApiSchema:
    """A shared, lazily built instance (compiling validators is not free)."""
    return ApiSchema()
