"""The instance page, for instance admins (``MAXREMIND_ADMIN_IDS``): the MAX connection,
the delivery queue and throughput, the database and the backups.

The database and the backup folder come from :class:`InstanceService`; what only the
running process knows (mode, bot, updates received since start, uptime, whether MAX
answers) from the web context the app keeps in ``app.state.ops``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from starlette.responses import Response
from starlette.routing import Route

from maxremind.http.web import texts_dashboard as _texts  # noqa: F401  (registers the texts)
from maxremind.http.web.visit import Visit, route

if TYPE_CHECKING:
    from maxremind.http.app import WebContext

_UNITS = ("web_instance_kib", "web_instance_mib", "web_instance_gib")


def size_text(visit: Visit, size: int | None) -> str:
    """``512 B``, ``1.5 MB`` (``1,5 МБ`` in Russian)."""
    if size is None:
        return visit.t("web_instance_unknown")
    if size < 1024:
        return visit.t("web_instance_bytes", n=size)
    value, step = size / 1024, 0
    while value >= 1024 and step < len(_UNITS) - 1:
        value, step = value / 1024, step + 1
    unit = _UNITS[step]
    number = f"{value:.1f}"
    if visit.lang.value == "ru":
        number = number.replace(".", ",")
    return visit.t(unit, n=number)


@route("/instance", admin=True)
async def instance(visit: Visit) -> Response:
    """This installation at a glance (instance admins only)."""
    info = await visit.services.instance.status()
    ops: WebContext | None = getattr(visit.request.app.state, "ops", None)
    process = None
    if ops is not None:
        process = {
            "mode": ops.mode,
            "bot_name": ops.bot_name,
            "bot_username": ops.bot_username,
            "received": ops.inbox.received,
            "uptime": int(time.time() - ops.started_at),
            "max_ok": await ops.max_reachable(),
        }
    busiest = max((h.sent for h in info.sent_per_hour), default=0)
    return await visit.render(
        "instance.html",
        info=info,
        process=process,
        busiest=busiest,
        size=lambda n: size_text(visit, n),
        zone=visit.user.timezone or "UTC",
    )


ROUTES: list[Route] = [instance]
