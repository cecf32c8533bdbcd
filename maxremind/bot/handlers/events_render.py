"""How events read in the chat: the echo after saving, list lines, error messages.

Shared by the ``/event`` dialog, the one-liner, ``/events``, ``/who`` and ``/remind``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from maxremind.bot import texts_typed  # noqa: F401 - registers the texts used here
from maxremind.bot.context import Ctx
from maxremind.domain.clock import utcnow
from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    Event,
    NewEvent,
    Occurrence,
    Team,
)
from maxremind.domain.timedescribe import describe_rrule
from maxremind.domain.timefmt import (
    MONTHS_EN,
    MONTHS_RU_GENITIVE,
    format_duration,
    format_offset,
    format_when,
)
from maxremind.domain.timetypes import Lang
from maxremind.domain.wall_time import resolve_local
from maxremind.services.agenda import AudiencePart
from maxremind.services.oneliner import LineError, offsets_of

ANSWER_MARK = {Answer.YES: "✅", Answer.NO: "❌", Answer.MAYBE: "🤔", None: "—"}
_SHOWN_ADJUSTMENTS = 3


def now_utc() -> datetime:
    return utcnow()


def lang_code(ctx: Ctx) -> Lang:
    return "en" if ctx.lang.value == "en" else "ru"


def zone_of(ctx: Ctx, team: Team | None) -> ZoneInfo:
    """The person's zone: their own, else the team's, else the instance default."""
    return ZoneInfo(
        ctx.user.timezone or (team.timezone if team else None) or ctx.services.default_timezone
    )


def when_text(ctx: Ctx, starts_at: datetime, tz: ZoneInfo) -> str:
    return format_when(starts_at, tz, lang_code(ctx), now=now_utc())


def instant(start_local: datetime, timezone: str) -> datetime:
    return resolve_local(start_local, ZoneInfo(timezone))[0]


async def audience_text(ctx: Ctx, audience: Sequence[AudienceEntry]) -> str:
    """``вся команда, #Отдел продаж, Анна Петрова, чат «Склад»`` (gone parts marked)."""
    parts = await ctx.services.agenda.audience_parts(audience, ctx.user.user_id)
    return ", ".join(_part_text(ctx, part) for part in parts) or ctx.t("nobody")


def _part_text(ctx: Ctx, part: AudiencePart) -> str:
    if part.name is None:
        return ctx.t("ev_audience_gone")
    if part.kind is AudienceKind.TEAM:
        return ctx.t("ev_audience_team")
    if part.kind in (AudienceKind.GROUP, AudienceKind.TAG):
        return f"#{part.name}"
    if part.kind is AudienceKind.CHAT:
        return ctx.t("ev_audience_chat", title=part.name)
    return ctx.t("ev_audience_me") if part.is_viewer else part.name


def reminders_text(ctx: Ctx, offsets: Sequence[timedelta]) -> str:
    return ", ".join(format_offset(o, lang_code(ctx)) for o in offsets) or ctx.t("ev_no_reminders")


def repeat_text(ctx: Ctx, rrule: str | None) -> str:
    return describe_rrule(rrule, lang_code(ctx)) if rrule else ctx.t("ev_repeat_none")


def flags_text(ctx: Ctx, confirm: bool, urgent: bool, quorum: int | None) -> str:
    flags = [ctx.t("ev_flag_confirm") if confirm else ctx.t("ev_flag_no_confirm")]
    if quorum:
        flags.append(ctx.t("ev_flag_quorum", n=quorum))
    if urgent:
        flags.append(ctx.t("ev_flag_urgent"))
    return " · ".join(flags)


async def spec_lines(
    ctx: Ctx, spec: NewEvent | Event, offsets: Sequence[timedelta], tz: ZoneInfo
) -> list[str]:
    """The fields of an event, one per line, times in the reader's zone ``tz``."""
    lines = [
        ctx.t("ev_line_title", title=spec.title),
        ctx.t("ev_line_when", when=when_text(ctx, instant(spec.start_local, spec.timezone), tz)),
    ]
    if spec.rrule:
        lines.append(ctx.t("ev_line_repeat", repeat=repeat_text(ctx, spec.rrule)))
    if spec.duration:
        duration = format_duration(spec.duration, lang_code(ctx))
        lines.append(ctx.t("ev_line_duration", duration=duration))
    if spec.place:
        lines.append(ctx.t("ev_line_place", place=spec.place))
    if spec.description:
        lines.append(ctx.t("ev_line_description", description=spec.description))
    lines.append(ctx.t("ev_line_audience", audience=await audience_text(ctx, spec.audience)))
    lines.append(ctx.t("ev_line_reminders", reminders=reminders_text(ctx, offsets)))
    lines.append(flags_text(ctx, spec.confirm_required, spec.urgent, spec.quorum))
    if spec.roster_visible:
        lines[-1] += " · " + ctx.t("roster_flag")
    return lines


def adjustment_lines(ctx: Ctx, event: Event, occurrences: Sequence[Occurrence]) -> list[str]:
    """Occurrences a DST switch moved (a wall time that does not exist, or exists twice)."""
    tz = ZoneInfo(event.timezone)
    moved = [o for o in occurrences if o.adjustment != "none"][:_SHOWN_ADJUSTMENTS]
    return [
        ctx.t(
            f"ev_adjusted_{o.adjustment}",
            planned=f"{o.local_start:%d.%m %H:%M}",
            actual=when_text(ctx, o.starts_at, tz),
        )
        for o in moved
    ]


async def event_card(
    ctx: Ctx, event: Event, tz: ZoneInfo, occurrences: Sequence[Occurrence] = ()
) -> str:
    """The echo after saving, and the body of "view"."""
    lines = await spec_lines(ctx, event, offsets_of(event), tz)
    lines += adjustment_lines(ctx, event, occurrences)
    team = await team_line(ctx, event.team_id)
    return "\n".join([*lines, team] if team else lines)


async def team_line(ctx: Ctx, team_id: int | None) -> str:
    """ "👥 Команда «…»" for someone in several teams (which one is not obvious), else ""."""
    if team_id is None:
        return ""
    teams = {team.id: team.name for team in await ctx.teams()}
    return ctx.t("team_line", team=teams[team_id]) if len(teams) > 1 and team_id in teams else ""


def rejected_text(ctx: Ctx, reason: str) -> str:
    known = {
        "in_the_past",
        "never_fires",
        "offset_too_long",
        "empty_audience",
        "audience_gone",
        "empty_title",
        "too_long",
        "bad_quorum",
        "from_calendar",
    }
    return ctx.t(f"ev_rejected_{reason}" if reason in known else "ev_rejected_other")


def time_error_text(ctx: Ctx, reason: str, day_month: tuple[int, int] | None = None) -> str:
    """Why a time was refused; a date that does not exist is named ("30 февраля")."""
    if reason == "no_such_date":
        if day_month is None:
            return ctx.t("ev_time_no_such_date_bare")
        day, month = day_month
        months = MONTHS_EN if lang_code(ctx) == "en" else MONTHS_RU_GENITIVE
        return ctx.t("ev_time_no_such_date", date=f"{day} {months[month - 1]}")
    known = {"past", "ambiguous", "too_far", "empty", "negative"}
    return ctx.t(f"ev_time_{reason}" if reason in known else "ev_time_not_understood")


def line_error_text(ctx: Ctx, error: LineError) -> str:
    """Which part of a typed event was not understood, and an example."""
    if error.part == "when":
        # The time's own message says what is wrong with it ("Не понял время. …"):
        # a "Не понял время." line above it would say it twice.
        return time_error_text(ctx, error.reason, error.day_month)
    if error.part == "audience":
        detail = ctx.t(f"ev_audience_{error.reason}", token=error.detail)
    elif error.part == "reminders" and error.reason == "too_far":
        detail = ctx.t("ev_rejected_offset_too_long")
    elif error.part == "reminders" and error.reason == "negative":
        detail = ctx.t("ev_offset_negative")
    else:
        detail = ctx.t(f"ev_part_{error.part}")
    return "\n".join([ctx.t("ev_line_error", part=ctx.t(f"ev_part_name_{error.part}")), detail])
