"""The OpenAPI 3.1 document at ``/api/openapi.json``, generated from the routes.

Every route declared with :func:`.common.api_route` carries its access rule and its
models (:func:`~maxremind.http.web.visit.access_of`); the document is built by walking
the application's routes, so a route cannot exist undocumented or be documented without
existing.  Schemas come from the pydantic models (JSON Schema 2020-12, which OpenAPI 3.1
uses as is); path parameters from the route's path (``{team_id:int}`` is an integer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from maxremind import __version__
from maxremind.http.api.models import MAX_INT64, ErrorOut
from maxremind.http.web.visit import SESSION_COOKIE, Access

DOCUMENT_PATH = "/api/openapi.json"
PREFIX = "/api/v1/"
REF = "#/components/schemas/{model}"
_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")

DESCRIPTION = """\
The JSON API of maxremind (MAX Reminders): teams, members, groups, tags, events and their
dates, answers, deliveries, announcements and quick reminders, through the same rules as
the bot.

**Sign-in.** A personal API token (`Authorization: Bearer mr_…`, made on the settings
page; it works for one team only: another team's addresses answer 404), or the browser
session cookie; with the cookie every change also needs the page's CSRF token in the
`X-CSRF-Token` header.

**Errors** are `{"error", "message", "details"}`: `error` a machine word (`invalid`,
`not_found`, `forbidden`, `conflict`, ...), `message` in the person's language, `details`
a message per field for invalid input (422) or a refused field (400).

**Lists** paginate with `?page=` (from 1) and `?per_page=` (up to 200); the answer has
`total` and `next`, the address of the following page (null on the last one).

**Edits** of an event need the version they start from (`expected_updated_at`, or the
GET's `ETag` as `If-Match`); a change by someone else in between is a 409.
"""


def _access(route: BaseRoute) -> Access | None:
    found = getattr(getattr(route, "endpoint", None), "access", None)
    return found if isinstance(found, Access) else None


def api_routes(routes: Iterable[BaseRoute]) -> list[tuple[Route, Access]]:
    """The documented routes: declared through the door as API routes under /api/v1/."""
    return [
        (route, access)
        for route in routes
        if isinstance(route, Route)
        and (access := _access(route)) is not None
        and access.api
        and route.path.startswith(PREFIX)
    ]


def openapi_path(path: str) -> str:
    """``/teams/{team_id:int}`` as OpenAPI writes it: ``/teams/{team_id}``."""
    return _PARAM.sub(lambda m: "{" + m[1] + "}", path)


def _path_parameters(path: str) -> list[dict[str, Any]]:
    params = []
    for name, convertor in _PARAM.findall(path):
        schema: dict[str, Any] = {"type": "string"}
        if convertor == "int":
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_INT64}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def _methods(route: Route) -> list[str]:
    return sorted(m for m in (route.methods or ()) if m != "HEAD")


def build_document(routes: Iterable[BaseRoute]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API routes among ``routes``."""
    found = api_routes(routes)
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(ErrorOut, "serialization")]
    for _, access in found:
        kinds: tuple[tuple[str, JsonSchemaMode], ...] = (
            ("body", "validation"),
            ("query", "validation"),
            ("response", "serialization"),
        )
        for key, mode in kinds:
            model = access.meta.get(key)
            if model is not None and (model, mode) not in wanted:
                wanted.append((model, mode))
    refs, top = models_json_schema(wanted, ref_template=REF)
    schemas: dict[str, Any] = dict(top.get("$defs", {}))

    def ref(model: type[BaseModel], mode: JsonSchemaMode) -> dict[str, Any]:
        return dict(refs[(model, mode)])

    def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
        schema = schemas[ref(model, "validation")["$ref"].rsplit("/", 1)[1]]
        required = set(schema.get("required", ()))
        return [
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": {k: v for k, v in prop.items() if k not in ("title", "description")},
                **({"description": prop["description"]} if "description" in prop else {}),
            }
            for name, prop in schema.get("properties", {}).items()
        ]

    error = {
        "description": "refused: see `error`, `message` and `details`",
        "content": {"application/json": {"schema": ref(ErrorOut, "serialization")}},
    }
    paths: dict[str, dict[str, Any]] = {}
    for route, access in found:
        meta = access.meta
        status = str(meta.get("status", 200))
        responses: dict[str, Any] = {}
        if meta.get("response") is None:
            responses[status] = {"description": "done"}
        else:
            responses[status] = {
                "description": "done",
                "content": {"application/json": {"schema": ref(meta["response"], "serialization")}},
            }
        responses["4XX"] = error
        parameters = _path_parameters(route.path)
        if meta.get("query") is not None:
            parameters += query_parameters(meta["query"])
        for method in _methods(route):
            operation: dict[str, Any] = {
                "operationId": route.name
                if len(_methods(route)) == 1
                else f"{route.name}_{method}",
                "summary": meta.get("summary", ""),
                "tags": [meta.get("tag", "api")],
                "parameters": parameters,
                "responses": responses,
            }
            doc = (route.endpoint.__doc__ or "").strip()
            if doc:
                operation["description"] = doc
            if access.role is not None:
                operation["x-maxremind-role"] = access.role.value
            if meta.get("body") is not None:
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": ref(meta["body"], "validation")}},
                }
                for media in meta.get("raw_body", ()):  # the same route also takes raw text
                    operation["requestBody"]["content"][media] = {"schema": {"type": "string"}}
            if not access.signed_in:
                operation["security"] = []
            paths.setdefault(openapi_path(route.path), {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "maxremind API", "version": __version__, "description": DESCRIPTION},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "mr_…",
                    "description": "a personal API token, for one team",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": SESSION_COOKIE,
                    "description": "the browser session; changes also need X-CSRF-Token",
                },
            },
        },
        "security": [{"bearer": []}, {"session": []}],
    }


async def document(request: Request) -> Response:
    """``GET /api/openapi.json``: public, built once per application."""
    built: dict[str, Any] | None = getattr(request.app.state, "openapi_document", None)
    if built is None:
        built = build_document(request.app.routes)
        request.app.state.openapi_document = built
    return JSONResponse(built)


ROUTE = Route(DOCUMENT_PATH, document, methods=["GET"], name="openapi_document")
