"""How every API route reads its input and answers, in one place.

* :func:`api_route` declares a route through the door (:func:`..web.visit.route`, with
  ``api=True``) and records what the OpenAPI document needs: ``body``, ``query`` and
  ``response`` models, the success ``status``, ``summary`` and ``tag``.  It also turns
  the services' refusals into JSON errors with a message in the viewer's language and,
  when one field is to blame, a detail for that field.
* :func:`read_body` and :func:`read_query` validate with the route's own models (the
  ones the document shows): a bad field is a 422 with ``details`` per field.
* Lists paginate with ``?page=&per_page=`` (the services page that way): the answer
  carries ``total`` and the ready-made ``next`` address (:func:`page_fields`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from maxremind.domain.models import Role
from maxremind.http.api.models import FIRST_YEAR, LAST_YEAR, MAX_INT64, ListQuery, Page
from maxremind.http.web import texts_api as _texts  # noqa: F401  (registers the API's texts)
from maxremind.http.web.visit import Handler, Visit, WebError, route
from maxremind.services.errors import EditConflict, EventRejected, PeopleRefused

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

# Which field an event refusal is about, for ``details``.
_EVENT_FIELDS = {
    "empty_title": "title",
    "too_long": "title",
    "bad_timezone": "timezone",
    "bad_quorum": "quorum",
    "offset_too_long": "reminders",
    "never_fires": "rrule",
    "in_the_past": "start_local",
    "empty_audience": "audience",
    "audience_gone": "audience",
}
_PEOPLE_FIELDS = {"name_empty": "name", "name_too_long": "name", "group_exists": "name"}


def api_route(
    path: str,
    *,
    summary: str,
    tag: str,
    methods: Sequence[str] = ("GET",),
    role: Role | None = None,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    **meta: Any,
) -> Callable[[Handler], Route]:
    """An API route; ``response=None`` means an empty answer (``status`` 204).  Other
    ``meta`` goes to the door as is (``max_body``; ``raw_body``, media types the body may
    also come in, for the document)."""

    def wrap(handler: Handler) -> Route:
        @functools.wraps(handler)
        async def guarded(visit: Visit) -> Response:
            try:
                return await handler(visit)
            except EventRejected as exc:
                raise _rejected(visit, exc) from None
            except PeopleRefused as exc:
                raise _refused(visit, exc) from None
            except EditConflict as exc:
                raise WebError(
                    409, "web_api_conflict_event", updated_at=exc.event.updated_at.isoformat()
                ) from None

        return route(
            path,
            methods=methods,
            role=role,
            api=True,
            body=body,
            query=query,
            response=response,
            status=status,
            summary=summary,
            tag=tag,
            **meta,
        )(guarded)

    return wrap


def refusal(visit: Visit, exc: EventRejected | PeopleRefused) -> WebError:
    """A service's refusal said in the viewer's language, with the field it is about."""
    return _rejected(visit, exc) if isinstance(exc, EventRejected) else _refused(visit, exc)


def _rejected(visit: Visit, exc: EventRejected) -> WebError:
    if exc.reason == "occurrence_over":
        return WebError(409, "web_api_occurrence_over")
    if exc.reason == "from_calendar":  # a subscribed calendar owns the event
        return WebError(409, "web_api_event_from_calendar")
    key = f"web_api_event_{exc.reason}"
    if exc.reason not in _EVENT_FIELDS:
        key = "web_api_event_other"
    reason = visit.t(key)
    field = _EVENT_FIELDS.get(exc.reason)
    details = {field: reason} if field else {}
    return WebError(400, "web_api_refused", details=details, reason=reason)


def _refused(visit: Visit, exc: PeopleRefused) -> WebError:
    known = {*_PEOPLE_FIELDS, "last_owner", "remove_self", "remove_owner"}
    key = f"web_api_people_{exc.reason}" if exc.reason in known else "web_api_people_other"
    try:
        reason = visit.t(key, **exc.params)
    except KeyError:  # a placeholder the reason did not bring
        reason = visit.t("web_api_people_other")
    field = _PEOPLE_FIELDS.get(exc.reason)
    status = 409 if exc.reason == "group_exists" else 400
    return WebError(
        status, "web_api_refused", details={field: reason} if field else {}, reason=reason
    )


# --- input ---------------------------------------------------------------------------------


def _declared(visit: Visit, kind: str, model: type[M]) -> None:
    if visit.access.meta.get(kind) is not model:  # the document would lie
        raise RuntimeError(f"{visit.request.url.path}: {kind} is not declared as {model.__name__}")


async def read_body(visit: Visit, model: type[M]) -> M:
    """The JSON body as ``model``. :raises WebError: 400 not JSON, 422 invalid fields."""
    _declared(visit, "body", model)
    raw = await visit.request.body()
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise WebError(400, "web_bad_json") from None
        raise WebError(422, "web_invalid", details=field_details(visit, exc)) from None


def read_query(visit: Visit, model: type[M]) -> M:
    """The query string as ``model``. :raises WebError: 422 invalid or unknown fields."""
    _declared(visit, "query", model)
    try:
        return model.model_validate(dict(visit.request.query_params))
    except ValidationError as exc:
        raise WebError(422, "web_invalid", details=field_details(visit, exc)) from None


def path_id(visit: Visit, name: str) -> int:
    """A numeric path parameter; one past int64 names nothing (404)."""
    value = int(visit.request.path_params[name])
    if not 0 < value <= MAX_INT64:
        raise WebError(404, "web_not_found")
    return value


def field_details(visit: Visit, exc: ValidationError) -> dict[str, str]:
    details: dict[str, str] = {}
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "body"
        details.setdefault(where, _field_message(visit, error))
    return details


def _field_message(visit: Visit, error: ErrorDetails) -> str:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == "missing":
        return visit.t("web_api_field_missing")
    if kind == "extra_forbidden":
        return visit.t("web_api_field_extra")
    if kind in ("string_too_short", "too_short"):
        return visit.t("web_api_field_too_short", limit=ctx.get("min_length", ""))
    if kind in ("string_too_long", "too_long"):
        return visit.t("web_api_field_too_long", limit=ctx.get("max_length", ""))
    if kind in ("greater_than_equal", "greater_than"):
        return visit.t("web_api_field_too_small", limit=ctx.get("ge", ctx.get("gt", "")))
    if kind in ("less_than_equal", "less_than"):
        return visit.t("web_api_field_too_big", limit=ctx.get("le", ctx.get("lt", "")))
    if kind in ("enum", "literal_error"):
        return visit.t("web_api_field_choice", choices=ctx.get("expected", ""))
    if kind.startswith("datetime") or kind == "timezone_naive":
        return visit.t("web_api_field_datetime")
    if kind == "timezone_aware":
        return visit.t("web_api_field_aware")
    if kind.startswith("date"):
        return visit.t("web_api_field_date")
    if kind in ("model_type", "model_attributes_type", "dict_type") and not error["loc"]:
        return visit.t("web_api_field_body")
    if kind == "value_error":
        said = str(ctx.get("error", ""))
        if said == "year":
            return visit.t("web_api_field_year", first=FIRST_YEAR, last=LAST_YEAR)
        if said == "timezone":
            return visit.t("web_api_event_bad_timezone")
        if said == "one_time":
            return visit.t("web_api_field_one_time")
        if said.startswith("ref:"):
            return visit.t("web_api_field_ref", kind=said[4:])
        return visit.t("web_api_field_invalid")
    if kind.endswith(("_type", "_parsing")):
        return visit.t("web_api_field_type")
    return visit.t("web_api_field_invalid")


# --- output --------------------------------------------------------------------------------


def reply(
    visit: Visit, model: BaseModel | None, *, headers: dict[str, str] | None = None
) -> Response:
    """The route's declared answer: ``model`` as JSON with the declared status, or an
    empty 204 when the route declares no response."""
    declared = visit.access.meta.get("response")
    status: int = visit.access.meta.get("status", 200)
    if model is None:
        if declared is not None:
            raise RuntimeError(f"{visit.request.url.path} must answer {declared.__name__}")
        return Response(status_code=status, headers=headers)
    if declared is None or not isinstance(model, declared):
        raise RuntimeError(f"{visit.request.url.path} answers {type(model).__name__}")
    return JSONResponse(model.model_dump(mode="json"), status_code=status, headers=headers)


# --- pages ---------------------------------------------------------------------------------


def page_fields(visit: Visit, query: ListQuery, items: Sequence[T], total: int) -> dict[str, Any]:
    """The fields of a :class:`Page` holding ``items`` (page ``query.page``) of ``total``."""
    following = None
    if query.page * query.per_page < total:
        params = {k: v for k, v in visit.request.query_params.items() if k != "page"}
        params["page"] = str(query.page + 1)
        following = f"{visit.request.url.path}?{urlencode(params)}"
    return {
        "items": list(items),
        "total": total,
        "page": query.page,
        "per_page": query.per_page,
        "next": following,
    }


def slice_page(visit: Visit, query: ListQuery, everything: Sequence[T]) -> dict[str, Any]:
    """A page of a list the service gives whole (members, groups, tags: tens to
    thousands, each page cut from it)."""
    start = (query.page - 1) * query.per_page
    return page_fields(visit, query, everything[start : start + query.per_page], len(everything))


__all__ = [
    "Page",
    "api_route",
    "field_details",
    "page_fields",
    "path_id",
    "read_body",
    "read_query",
    "reply",
    "slice_page",
]
