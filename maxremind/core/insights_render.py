"""What insights say in MAX: numbers in words, the weekly digest, the who-came checklist.

Shared by the engine (it sends the digest and the first checklist) and the bot (/stats,
and the checklist redrawn after each press), so both draw the same message.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from maxremind.core import texts_insights  # noqa: F401 - registers the texts
from maxremind.domain.models import Language
from maxremind.domain.signing import CallbackSigner
from maxremind.domain.timefmt import MONTHS_EN, MONTHS_RU_GENITIVE, format_when, zone_label
from maxremind.domain.timewords import plural_ru
from maxremind.i18n import t
from maxremind.maxapi.attachments import callback_button, inline_keyboard
from maxremind.maxapi.models import Button, NewMessageBody

if TYPE_CHECKING:  # the numbers' shapes; core.insights itself loads with the first use
    from maxremind.core.insights import Checklist, Computed, MemberInsight

MAX_TEXT = 4000
# A checklist shows at most this many people as buttons (two a row, within MAX's rows).
CHECKLIST_PEOPLE = 60
PER_ROW = 2
NAMES_SHOWN = 10
ACTION_MARK = "ins.a"  # press on a checklist name: occurrence, person, 1 came / 0 did not


def percent(value: float | None, lang: Language) -> str:
    if value is None:
        return t("ins_none", lang)
    return t("ins_percent", lang, n=round(value * 100))


def span(seconds: float | None, lang: Language) -> str:
    """A time to answer, short: "12 мин", "1 ч 5 мин", "2 дн 3 ч"."""
    if seconds is None:
        return t("ins_none", lang)
    minutes = int(seconds // 60)
    if minutes < 1:
        return t("ins_under_minute", lang)
    if minutes < 60:
        return t("ins_minutes", lang, n=minutes)
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return t("ins_hours", lang, h=hours, m=rest) if rest else t("ins_hours_only", lang, h=hours)
    days, hours = divmod(hours, 24)
    return t("ins_days", lang, d=days, h=hours) if hours else t("ins_days_only", lang, d=days)


def count_events(n: int, lang: Language) -> str:
    if lang is Language.RU:
        return f"{n} {plural_ru(n, 'событие', 'события', 'событий')}"
    return f"{n} event" if n == 1 else f"{n} events"


def count_people(n: int, lang: Language) -> str:
    if lang is Language.RU:
        return f"{n} {plural_ru(n, 'человек', 'человека', 'человек')}"
    return f"{n} person" if n == 1 else f"{n} people"


def count_reminders(n: int, lang: Language) -> str:
    if lang is Language.RU:
        return f"{n} {plural_ru(n, 'напоминание', 'напоминания', 'напоминаний')}"
    return f"{n} reminder" if n == 1 else f"{n} reminders"


def weekly(weekday: int, at: time, lang: Language) -> str:
    """ "по пятницам в 17:30" / "on Fridays at 17:30"."""
    return t(f"ins_weekly_{weekday}", lang, time=f"{at:%H:%M}")


def zone_now(zone: str, now: datetime, lang: Language) -> str:
    return zone_label(ZoneInfo(zone), now, "ru" if lang is Language.RU else "en")


def dates(first: date, last: date, lang: Language) -> str:
    """ "23–29 марта" / "23–29 March", months and years spelt out when they differ."""
    months = MONTHS_RU_GENITIVE if lang is Language.RU else MONTHS_EN
    end = f"{last.day} {months[last.month - 1]}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{end}"
    start = f"{first.day} {months[first.month - 1]}"
    if first.year != last.year:
        start += f" {first.year}"
        end += f" {last.year}"
    return f"{start} – {end}"


def person(m: MemberInsight, lang: Language) -> str:
    return m.name + (t("ins_former", lang) if m.former else "")


def _fit(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


# --- the weekly digest -----------------------------------------------------------------


def digest_text(
    team_name: str,
    computed: Computed,
    week: tuple[date, date],
    lang: Language,
    *,
    names: bool,
) -> str:
    """ "Last week (23–29 Mar): 14 events, 87 % answered, median 12 min; 3 people did not
    answer any of 4 reminders" — with names when per-member statistics are on."""
    totals = computed.totals
    shown = dates(week[0], week[1], lang)
    lines = [t("ins_digest_title", lang, team=team_name)]
    if not totals.occurrences:
        lines.append(t("ins_digest_week_empty", lang, dates=shown))
    else:
        lines.append(
            t(
                "ins_digest_week",
                lang,
                dates=shown,
                events=count_events(totals.occurrences, lang),
                rate=percent(totals.answers.rate, lang),
                median=span(totals.time_to_answer.median_s, lang),
            )
        )
        if totals.quorum_checked:
            lines.append(
                t(
                    "ins_stats_quorum",
                    lang,
                    met=totals.quorum_met,
                    checked=totals.quorum_checked,
                )
            )
        if totals.attendance.marked:
            lines.append(
                t(
                    "ins_stats_came",
                    lang,
                    came=totals.attendance.came,
                    marked=totals.attendance.marked,
                    no_show=totals.attendance.no_show,
                )
            )
        silent = computed.silent
        if silent:
            people = count_people(len(silent), lang)
            n = count_reminders(computed.silent_dates, lang)
            if names:
                listed = ", ".join(m.name for m in silent[:NAMES_SHOWN])
                if len(silent) > NAMES_SHOWN:
                    listed += f" … (+{len(silent) - NAMES_SHOWN})"
                lines.append(t("ins_digest_silent_names", lang, people=people, n=n, names=listed))
            else:
                lines.append(t("ins_digest_silent", lang, people=people, n=n))
        elif totals.answers.asked:
            lines.append(t("ins_digest_all_answered", lang))
    lines.append(t("ins_digest_footer", lang))
    return _fit("\n".join(lines))


# --- who came --------------------------------------------------------------------------


def checklist_body(
    checklist: Checklist,
    signer: CallbackSigner,
    lang: Language,
    tz: ZoneInfo,
    *,
    now: datetime,
) -> NewMessageBody:
    """The checklist with a button per "yes" person; a press sets the opposite mark (not
    marked -> came), so the same press delivered twice sets the same mark."""
    when = format_when(checklist.starts_at, tz, "ru" if lang is Language.RU else "en", now=now)
    lines = [t("ins_check_title", lang, title=checklist.event_title, when=when)]
    if not checklist.rows:
        lines.append(t("ins_check_nobody", lang))
        return NewMessageBody(text=_fit("\n".join(lines)))
    lines.append(t("ins_check_hint", lang))
    lines.append(
        t(
            "ins_check_counts",
            lang,
            marked=checklist.marked,
            total=len(checklist.rows),
            came=checklist.came,
        )
    )
    shown = checklist.rows[:CHECKLIST_PEOPLE]
    if len(checklist.rows) > CHECKLIST_PEOPLE:
        lines.append(t("ins_check_more", lang, n=len(checklist.rows) - CHECKLIST_PEOPLE))
    buttons: list[Button] = []
    for row in shown:
        mark = "✅" if row.came else "❌" if row.came is False else "▫️"
        target = 0 if row.came else 1
        label = f"{mark} {row.name}"[:64]
        payload = signer.sign(ACTION_MARK, checklist.occurrence_id, row.user_id, target)
        buttons.append(callback_button(label, payload))
    rows = [buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]
    return NewMessageBody(text=_fit("\n".join(lines)), attachments=[inline_keyboard(*rows)])


def last_week(moment_local: datetime) -> tuple[date, date]:
    """The calendar week (Monday to Sunday) before the one ``moment_local`` falls in."""
    monday = moment_local.date() - timedelta(days=moment_local.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)
