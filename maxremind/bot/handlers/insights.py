"""Insights in MAX: /stats, /digest and presses on the who-came checklist.

``/stats`` sums up the last 28 days of the current team: organizers and up see the
team's numbers and who answers least (unless the owner turned per-member statistics
off), everybody their own.  ``/digest`` turns the weekly digest on or off for the
organizer, and lets admins choose its day and time.  The checklist itself is sent by
the engine once a date has ended; a press here marks a person and redraws it.  Who may
see or change what is the insights service's rule.
"""

from __future__ import annotations

from maxremind.bot.context import Ctx
from maxremind.bot.router import Router
from maxremind.core import texts_insights  # noqa: F401 - the help lines and the menu need them
from maxremind.core.insights_render import ACTION_MARK
from maxremind.domain.models import Role

ACTION_DIGEST = "ins.dg"  # team, 1 on / 0 off, the view to redraw
ACTION_MEMBERS = "ins.ms"  # team, 1 on / 0 off, the view to redraw

# The views (.insights_views) and what they stand on (the insights service, core.insights)
# are imported with the first command or press: about half a MiB that an instance whose
# people never ask for statistics does not carry (issue 12, idle memory).


async def stats(ctx: Ctx) -> None:
    from maxremind.bot.handlers import insights_views

    await insights_views.stats(ctx)


async def digest(ctx: Ctx) -> None:
    from maxremind.bot.handlers import insights_views

    await insights_views.digest(ctx)


async def on_digest_button(ctx: Ctx) -> None:
    from maxremind.bot.handlers import insights_views

    await insights_views.on_digest_button(ctx)


async def on_members_button(ctx: Ctx) -> None:
    from maxremind.bot.handlers import insights_views

    await insights_views.on_members_button(ctx)


async def on_mark(ctx: Ctx) -> None:
    from maxremind.bot.handlers import insights_views

    await insights_views.on_mark(ctx)


def register(router: Router) -> None:
    router.command("/stats", stats, help_key="help_stats", team_role=Role.MEMBER)
    router.command("/digest", digest, help_key="help_digest", team_role=Role.ORGANIZER)
    router.action(ACTION_DIGEST, on_digest_button, once=False)
    router.action(ACTION_MEMBERS, on_members_button, once=False)
    router.action(ACTION_MARK, on_mark, once=False)
