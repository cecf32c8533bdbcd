"""What reminders, summaries and reports look like, in the reader's language and zone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from maxremind.domain.escalation import Summary
from maxremind.domain.models import Answer, Event, EventKind, Language, Occurrence
from maxremind.domain.signing import CallbackSigner
from maxremind.domain.timefmt import format_when
from maxremind.i18n import t
from maxremind.maxapi.attachments import callback_button, inline_keyboard
from maxremind.maxapi.models import NewMessageBody

MAX_TEXT = 4000
MAX_NAMES = 40


@dataclass(frozen=True)
class Reader:
    """Who reads a message: decides language and the zone times are shown in."""

    lang: Language
    tz: ZoneInfo
    is_chat: bool = False


def fit(text: str) -> str:
    """Keep within MAX's 4000 characters instead of having MAX refuse the message."""
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _names(names: Sequence[str], lang: Language) -> str:
    if not names:
        return t("nobody", lang)
    shown = ", ".join(names[:MAX_NAMES])
    extra = len(names) - MAX_NAMES
    return shown + (f" … (+{extra})" if extra > 0 else "")


def confirm_keyboard(
    signer: CallbackSigner, occurrence_id: int, lang: Language, *, chat: bool
) -> NewMessageBody:
    """Only the attachments matter here; see :func:`reminder_body`."""
    rows = [
        [
            callback_button(t("button_yes", lang), signer.sign("c", occurrence_id, "yes")),
            callback_button(t("button_no", lang), signer.sign("c", occurrence_id, "no")),
        ]
    ]
    if not chat:  # snoozing is personal; in a chat it would nag everyone
        rows.append(
            [
                callback_button(t("button_snooze_15", lang), signer.sign("z", occurrence_id, "15")),
                callback_button(t("button_snooze_60", lang), signer.sign("z", occurrence_id, "60")),
                callback_button(
                    t("button_snooze_morning", lang), signer.sign("z", occurrence_id, "am")
                ),
            ]
        )
    return NewMessageBody(text=None, attachments=[inline_keyboard(*rows)])


def reminder_text(
    event: Event,
    occurrence: Occurrence,
    reader: Reader,
    *,
    now: datetime,
    delayed: bool = False,
    snoozed: bool = False,
    answer: Answer | None = None,
    counts: Mapping[str, int] | None = None,
    changed: bool = False,
    note: str | None = None,
    team: str | None = None,
    sender: str | None = None,
) -> str:
    lang = reader.lang
    title_key = "announcement_title" if event.kind is EventKind.ANNOUNCEMENT else "reminder_title"
    lines = [t(title_key, lang, title=event.title)]
    if team is not None and sender is not None:
        lines.append(t("reminder_from", lang, team=team, sender=sender))
    elif team is not None:
        lines.append(t("reminder_team", lang, team=team))
    if changed:
        lines.append(t("reminder_changed", lang))
    if event.kind is not EventKind.ANNOUNCEMENT:
        when = format_when(occurrence.starts_at, reader.tz, lang.value, now=now)
        lines.append(t("reminder_when", lang, when=when))
    if event.place:
        lines.append(t("reminder_place", lang, place=event.place))
    if event.description:
        lines.append(event.description)
    if delayed:
        lines.append(t("reminder_delayed", lang))
    if note:  # why it comes at another time than planned
        lines.append(note)
    if snoozed:
        lines.append(t("reminder_snoozed", lang))
    if event.confirm_required:
        if counts is not None:
            lines.append(t("chat_counts", lang, **counts))
        elif answer is not None:
            lines.append(t(f"your_answer_{answer.value}", lang))
        else:
            lines.append(t("reminder_confirm", lang))
    return fit("\n".join(lines))


def reminder_body(
    event: Event,
    occurrence: Occurrence,
    reader: Reader,
    signer: CallbackSigner,
    *,
    now: datetime,
    delayed: bool = False,
    snoozed: bool = False,
    answer: Answer | None = None,
    counts: Mapping[str, int] | None = None,
    changed: bool = False,
    note: str | None = None,
    team: str | None = None,
    sender: str | None = None,
) -> NewMessageBody:
    text = reminder_text(
        event,
        occurrence,
        reader,
        now=now,
        delayed=delayed,
        snoozed=snoozed,
        answer=answer,
        counts=counts,
        changed=changed,
        note=note,
        team=team,
        sender=sender,
    )
    attachments = None
    if event.confirm_required and now < occurrence.starts_at:
        keyboard = confirm_keyboard(signer, occurrence.id, reader.lang, chat=reader.is_chat)
        attachments = keyboard.attachments
    # An announcement is written (and previewed on the web) in MAX's markdown; other
    # reminders carry plain text that must show as typed.
    if event.kind is EventKind.ANNOUNCEMENT:
        return NewMessageBody(text=text, attachments=attachments, format="markdown")
    return NewMessageBody(text=text, attachments=attachments)


def summary_text(
    event: Event,
    occurrence: Occurrence,
    summary: Summary,
    names: Mapping[int, str],
    reader: Reader,
    *,
    now: datetime,
    quorum: int | None,
) -> str:
    lang = reader.lang
    when = format_when(occurrence.starts_at, reader.tz, lang.value, now=now)

    def who(ids: Sequence[int]) -> str:
        return _names([names.get(i, str(i)) for i in ids], lang)

    lines = [
        t("summary_title", lang, title=event.title),
        t("reminder_when", lang, when=when),
        t("summary_yes", lang, n=len(summary.yes), names=who(summary.yes)),
        t("summary_no", lang, n=len(summary.no), names=who(summary.no)),
    ]
    if summary.maybe:
        lines.append(t("summary_maybe", lang, n=len(summary.maybe), names=who(summary.maybe)))
    lines.append(t("summary_none", lang, n=len(summary.no_answer), names=who(summary.no_answer)))
    if quorum:
        if len(summary.yes) >= quorum:
            lines.append(t("summary_quorum", lang, yes=len(summary.yes), quorum=quorum))
        else:
            missing = quorum - len(summary.yes)
            lines.append(t("summary_no_quorum", lang, missing=missing, quorum=quorum))
    return fit("\n".join(lines))


def unreachable_text(event: Event, names: Sequence[str], reader: Reader) -> str:
    return fit(
        t(
            "report_unreachable",
            reader.lang,
            title=event.title,
            n=len(names),
            names=_names(names, reader.lang),
        )
    )


def flagged_text(event: Event, reader: Reader) -> str:
    reason = t("flag_reason_audience_gone", reader.lang)
    return fit(t("report_flagged", reader.lang, title=event.title, reason=reason))


def catchup_text(items: Sequence[tuple[str, datetime]], reader: Reader, *, now: datetime) -> str:
    lines = [t("catchup_title", reader.lang)]
    for title, starts_at in items:
        when = format_when(starts_at, reader.tz, reader.lang.value, now=now)
        lines.append(t("catchup_item", reader.lang, title=title, when=when))
    return fit("\n".join(lines))


def cancelled_text(
    event: Event, occurrence: Occurrence, reader: Reader, *, now: datetime, dropped: bool = False
) -> str:
    """A date is off: the event (or this date of it) was cancelled, or, ``dropped``, its
    repeat rule was edited so that this date no longer takes place."""
    title_key = "dropped_date_title" if dropped else "cancelled_title"
    lines = [t(title_key, reader.lang, title=event.title)]
    if event.kind is not EventKind.ANNOUNCEMENT:
        when = format_when(occurrence.starts_at, reader.tz, reader.lang.value, now=now)
        lines.append(t("reminder_when", reader.lang, when=when))
    lines.append(t("dropped_date_note" if dropped else "cancelled_note", reader.lang))
    return fit("\n".join(lines))
