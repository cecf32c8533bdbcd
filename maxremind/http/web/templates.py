"""Server-rendered pages: one Jinja2 environment, the layout's context, and filters.

Jinja2 is imported on the first page view: an idle bot does not pay for it.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from starlette.responses import HTMLResponse

from maxremind.domain.models import Language, Role
from maxremind.domain.timedescribe import describe_rrule
from maxremind.domain.timefmt import format_duration as say_duration
from maxremind.i18n import t
from maxremind.resources import web_dir

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

    from maxremind.http.web.visit import Visit

NAV: tuple[tuple[str, str, Role | None], ...] = (
    # (text key, path under /t/<team>, role needed to see the link)
    ("web_nav_dashboard", "", None),
    ("web_nav_events", "/events", None),
    ("web_nav_people", "/people", None),
    ("web_nav_announcements", "/announcements", Role.ORGANIZER),
    ("web_nav_insights", "/insights", None),
    ("web_nav_settings", "/settings", None),
)


@functools.cache
def environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(web_dir() / "templates")),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates change only with the product: no stat() of every template per page.
        auto_reload=False,
    )
    env.filters["when"] = format_when
    env.filters["duration"] = format_duration
    env.filters["repeat"] = describe_repeat
    env.filters["list_items"] = list_items
    return env


def list_items(names: Iterable[str]) -> Markup:
    """``<li>name</li>`` for each name, escaped: a roster lists hundreds of names, and a
    template loop costs several generator steps per item where this costs one join."""
    from markupsafe import Markup

    items = "".join([f"<li>{html.escape(str(n))}</li>" for n in names])
    return Markup(items)  # noqa: S704 (each name escaped just above)


def format_when(value: datetime | None, zone: str = "UTC", lang: str = "ru") -> str:
    """``12.03.2027 18:30`` (ru) / ``2027-03-12 18:30`` (en) in ``zone``."""
    if value is None:
        return "—"
    local = value.astimezone(ZoneInfo(zone)) if value.tzinfo else value
    return local.strftime("%d.%m.%Y %H:%M" if lang == "ru" else "%Y-%m-%d %H:%M")


def format_duration(value: timedelta | float | None, lang: str = "ru") -> str:
    """``1 час 30 минут`` / ``1 hour 30 minutes`` (the bot's wording)."""
    if value is None:
        return "—"
    span = value if isinstance(value, timedelta) else timedelta(seconds=value)
    return say_duration(span, "en" if lang == "en" else "ru")


def describe_repeat(rrule: str | None, lang: str = "ru") -> str:
    """A rule as people say it (``каждую неделю по понедельникам``), the bot's describer."""
    return describe_rrule(rrule, "en" if lang == "en" else "ru") if rrule else ""


def render(visit: Visit, template: str, *, status: int, context: dict[str, Any]) -> HTMLResponse:
    lang = visit.lang
    viewer = visit.viewer
    team = visit.team

    def _(key: str, **params: object) -> str:
        return t(key, lang, **params)

    nav = []
    if team is not None:
        for key, suffix, needed in NAV:
            if needed is None or visit.at_least(needed):
                href = f"/t/{team.id}{suffix}"
                path = visit.request.url.path.rstrip("/")
                current = path == href.rstrip("/") or (bool(suffix) and path.startswith(href))
                nav.append({"text": _(key), "href": href, "current": current})
    values: dict[str, Any] = {
        "_": _,
        "lang": lang.value,
        "other_lang": (Language.EN if lang is Language.RU else Language.RU).value,
        "viewer": viewer,
        "user": viewer.user if viewer else None,
        "csrf": viewer.csrf if viewer else "",
        "team": team,
        "role": visit.role,
        "zone": team.timezone if team else (viewer.user.timezone if viewer else None) or "UTC",
        "nav": nav,
        "is_admin": bool(viewer and viewer.admin),
        "version": visit.web.version,
        "path": visit.request.url.path,
        "Role": Role,
    }
    values.update(context)
    html = environment().get_template(template).render(values)
    headers = {"cache-control": "no-store"} if viewer is not None else None
    return HTMLResponse(html, status_code=status, headers=headers)
