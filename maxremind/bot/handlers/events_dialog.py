"""``/event``: the step-by-step dialog, the one-liner, and saving (also for "edit").

The draft lives in the state port (``ctx.set_dialog("event", step=…, …)``), so it
survives a restart and expires after the idle timeout. Every step accepts typing or a
button; a button from an older step (or a closed dialog) is answered "устарела".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from maxremind.bot.context import Ctx
from maxremind.bot.handlers import audience_pick
from maxremind.bot.handlers.events import EVENT_DIALOG
from maxremind.bot.handlers.events_render import (
    event_card,
    instant,
    lang_code,
    line_error_text,
    now_utc,
    rejected_text,
    repeat_text,
    spec_lines,
    team_line,
    time_error_text,
    when_text,
    zone_of,
)
from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    Event,
    EventKind,
    NewEvent,
    Team,
)
from maxremind.domain.timefmt import format_duration, format_offset
from maxremind.domain.timeparse import TimeParseError, When, parse_offsets
from maxremind.domain.timespan import parse_duration
from maxremind.domain.timesplit import local_start, parse_time
from maxremind.i18n import t
from maxremind.maxapi.attachments import inline_keyboard
from maxremind.maxapi.models import Button, NewMessageBody
from maxremind.services.errors import EventRejected, PermissionDenied
from maxremind.services.events import MAX_DESCRIPTION
from maxremind.services.oneliner import (
    LineContext,
    LineError,
    offsets_of,
    reminder_specs,
)

Draft = dict[str, Any]

# Place, duration and description come last: each may be skipped with a button.
DETAILS = ("place", "duration", "description")
CHANGEABLE = ("title", "when", "repeat", "audience", "reminders", "confirm", *DETAILS)
STEPS = (*CHANGEABLE, "summary")
REPEATS = ("none", "daily", "weekdays", "weekly", "monthly")
PRESETS: tuple[tuple[timedelta, ...], ...] = (
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(hours=1),),
    (timedelta(minutes=15),),
    (timedelta(days=1), timedelta(hours=1), timedelta(minutes=15)),
    (timedelta(0),),
)
# Which step a button belongs to: a press from an earlier message must not jump steps.
OP_STEP = {"when": "when", "rep": "repeat", "aud": "audience", "rem": "reminders"}
OP_STEP |= {"conf": "confirm", "save": "summary", "change": "summary", "goto": "summary"}
OP_STEP |= {"place": "place", "dur": "duration", "desc": "description"}
DURATIONS = (
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=1, minutes=30),
    timedelta(hours=2),
)
MAX_PLACE = 500  # as the web form
SKIP_WORDS = frozenset({"-", "—", "пропустить", "пропуск", "skip", "нет", "no", "без"})
MAX_CHOICES = 20
YES_WORDS = frozenset({"да", "yes", "y", "д", "ага", "нужно", "нужен"})
NO_WORDS = frozenset({"нет", "no", "n", "н", "не", "не нужно", "без"})
DIALOG = EVENT_DIALOG


# --- the draft ------------------------------------------------------------------------------


async def save(ctx: Ctx, draft: Draft) -> None:
    await ctx.set_dialog(DIALOG, **{k: v for k, v in draft.items() if k != "dialog"})


async def load(ctx: Ctx) -> Draft | None:
    loaded = await ctx.services.state.load(ctx.dialog_key)
    value = loaded.value
    return value if value is not None and value.get("dialog") == DIALOG else None


def start_of(draft: Draft) -> datetime:
    return datetime.fromisoformat(draft["start"])


def audience_of(draft: Draft) -> tuple[AudienceEntry, ...]:
    return tuple(AudienceEntry(AudienceKind(k), r) for k, r in draft.get("audience", []))


def offsets_in(draft: Draft) -> list[timedelta]:
    return [timedelta(seconds=s) for s in draft.get("offsets", [])]


def spec_of(draft: Draft, organizer_id: int, base: Event | None = None) -> NewEvent:
    """The draft as an event; fields the dialog does not ask about come from ``base``."""
    confirm = bool(draft.get("confirm"))
    return NewEvent(
        team_id=draft["team_id"],
        organizer_id=base.organizer_id if base else organizer_id,
        title=draft["title"],
        start_local=start_of(draft),
        timezone=draft["tz"],
        kind=EventKind.EVENT,
        description=draft.get("description", base.description if base else ""),
        place=draft.get("place", base.place if base else ""),
        duration=duration_of(draft, base),
        rrule=draft.get("rrule"),
        exdates=base.exdates if base else (),
        audience=audience_of(draft),
        reminders=reminder_specs(offsets_in(draft), confirm),
        confirm_required=confirm,
        urgent=bool(draft.get("urgent")),
        quorum=draft.get("quorum"),
    )


def duration_of(draft: Draft, base: Event | None) -> timedelta | None:
    """The draft's length (seconds, None when skipped); a draft saved before the dialog
    asked for it keeps the event's."""
    if "duration" not in draft:
        return base.duration if base else None
    seconds = draft["duration"]
    return None if seconds is None else timedelta(seconds=int(seconds))


def draft_of(event: Event) -> Draft:
    """An existing event as a draft at the summary step (for "edit")."""
    return {
        "step": "summary",
        "edit_id": event.id,
        "team_id": event.team_id,
        "tz": event.timezone,
        "title": event.title,
        "start": event.start_local.isoformat(),
        "rrule": event.rrule,
        "rule_in_when": False,
        "audience": [[e.kind.value, e.ref_id] for e in event.audience],
        "offsets": [int(o.total_seconds()) for o in offsets_of(event)],
        "confirm": event.confirm_required,
        "urgent": event.urgent,
        "quorum": event.quorum,
        "place": event.place,
        "description": event.description,
        "duration": int(event.duration.total_seconds()) if event.duration else None,
    }


# --- asking ---------------------------------------------------------------------------------


async def ask(ctx: Ctx, draft: Draft, note: str = "") -> None:
    """Ask the current step's question; ``note`` (an echo of the last answer) goes first,
    in the same message: fewer messages read better and MAX limits them per chat."""
    step = draft["step"]

    def text(key: str) -> str:
        return "\n".join(part for part in (note, ctx.t(key)) if part)

    rows: list[list[Button]] = []
    if step == "repeat":
        labels = [(key, ctx.t(f"ev_repeat_{key}")) for key in REPEATS]
        rows = [[ctx.button(label, "ev", "rep", key)] for key, label in labels[:1]]
        rows += [[ctx.button(label, "ev", "rep", key) for key, label in labels[1:3]]]
        rows += [[ctx.button(label, "ev", "rep", key) for key, label in labels[3:]]]
    elif step == "audience":
        rows = await audience_rows(ctx, draft)
    elif step == "reminders":
        rows = [[ctx.button(preset_label(ctx, p), "ev", "rem", i)] for i, p in enumerate(PRESETS)]
    elif step == "confirm":
        rows = [
            [
                ctx.button(ctx.t("ev_yes"), "ev", "conf", "yes"),
                ctx.button(ctx.t("ev_no"), "ev", "conf", "no"),
            ]
        ]
    elif step == "duration":
        rows = [
            [ctx.button(duration_label(ctx, d), "ev", "dur", i)] for i, d in enumerate(DURATIONS)
        ]
        rows = [rows[0] + rows[1], rows[2] + rows[3]]
        rows.append([ctx.button(ctx.t("ev_skip"), "ev", "dur", "skip")])
    elif step == "place":
        rows = [[ctx.button(ctx.t("ev_skip"), "ev", "place", "skip")]]
    elif step == "description":
        rows = [[ctx.button(ctx.t("ev_skip"), "ev", "desc", "skip")]]
    elif step == "summary":
        await show_summary(ctx, draft, note)
        return
    await ctx.reply(text(f"ev_ask_{step}"), rows)


def duration_label(ctx: Ctx, duration: timedelta) -> str:
    return format_duration(duration, lang_code(ctx))


def preset_label(ctx: Ctx, offsets: Sequence[timedelta]) -> str:
    words = [format_offset(o, lang_code(ctx)) for o in offsets]
    return ctx.t("ev_and").join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else words[0]


async def audience_rows(ctx: Ctx, draft: Draft) -> list[list[Button]]:
    chosen = {(k, r) for k, r in draft.get("audience", [])}

    def mark(label: str, key: tuple[str, int | None]) -> str:
        return f"✅ {label}" if key in chosen else label

    team_id = draft["team_id"]
    rows = [[ctx.button(mark(ctx.t("ev_audience_team"), ("team", None)), "ev", "aud", "team")]]
    choices = [
        (f"#{g.name}", ("group", g.id), f"g{g.id}")
        for g in await ctx.services.people.groups(team_id)
    ]
    choices += [
        (f"🏷 {tag.name}", ("tag", tag.id), f"t{tag.id}")
        for tag in await ctx.services.people.tags(team_id)
    ]
    # Linked chats are an audience too ("#Склад" may be a chat's title).
    choices += [
        (
            ctx.t("ev_audience_chat_button", name=chat.title),
            ("chat", chat.chat_id),
            f"c{chat.chat_id}",
        )
        for chat in await ctx.services.chats.team_chats(team_id)
    ]
    # People chosen by name (typed, or picked among namesakes) can be taken out again.
    refs = [int(r) for k, r in chosen if k == "member" and r is not None]
    people = [AudienceEntry(AudienceKind.MEMBER, r) for r in refs]
    parts = await ctx.services.agenda.audience_parts(people, ctx.user.user_id)
    for ref, part in zip(refs, parts, strict=True):
        label = ctx.t("ev_audience_me") if part.is_viewer else part.name
        choices.append((label or ctx.t("ev_audience_gone"), ("member", ref), f"m{ref}"))
    buttons = [ctx.button(mark(label, key), "ev", "aud", code) for label, key, code in choices]
    rows += [buttons[i : i + 2] for i in range(0, min(len(buttons), MAX_CHOICES), 2)]
    rows.append([ctx.button(ctx.t("ev_done"), "ev", "aud", "done")])
    return rows


async def show_summary(ctx: Ctx, draft: Draft, note: str = "") -> None:
    spec = spec_of(draft, ctx.user.user_id)
    lines = [note] if note else []
    lines += [ctx.t("ev_summary_edit" if draft.get("edit_id") else "ev_summary")]
    lines += await spec_lines(ctx, spec, offsets_in(draft), ZoneInfo(draft["tz"]))
    save_label = ctx.t("ev_save" if draft.get("edit_id") else "ev_create")
    rows = [
        [ctx.button(save_label, "ev", "save")],
        [
            ctx.button(ctx.t("ev_change"), "ev", "change"),
            ctx.button(ctx.t("ev_quit"), "ev", "quit"),
        ],
    ]
    await ctx.reply("\n".join(lines), rows)


async def advance(ctx: Ctx, draft: Draft, note: str = "") -> None:
    """Go to the next unanswered step (or back to the summary after a change)."""
    if draft.pop("back", False) or draft["step"] == "summary":
        draft["step"] = "summary"
        note = ""  # the summary shows the new value anyway
    else:
        index = STEPS.index(draft["step"]) + 1
        if STEPS[index] == "repeat" and draft.get("rule_in_when"):
            index += 1
        draft["step"] = STEPS[index]
    await save(ctx, draft)
    await ask(ctx, draft, note)


# --- typed answers --------------------------------------------------------------------------


async def on_text(ctx: Ctx) -> None:
    draft = dict(ctx.extras["state"])
    text = ctx.args.strip()
    step = draft.get("step")
    tz = ZoneInfo(draft["tz"])
    note = ""
    if step == "title":
        if not text or len(text) > 200:
            await ctx.say("ev_title_bad")
            return
        draft["title"] = text
    elif step == "when":
        if not await take_when(ctx, draft, text, tz):
            return
        note = ctx.t("ev_when_set", when=describe_start(ctx, draft, tz))
    elif step == "repeat":
        if not await take_repeat(ctx, draft, text, tz):
            return
    elif step == "audience":
        try:
            entries = await ctx.services.typed.audience(draft["team_id"], text)
        except LineError as exc:
            await audience_error(ctx, draft, exc)
            return
        draft["audience"] = [[e.kind.value, e.ref_id] for e in entries]
    elif step == "reminders":
        try:
            offsets = [] if text.lower() in NO_WORDS else parse_offsets(text, lang_code(ctx))
        except TimeParseError as exc:
            keys = {"too_far": "ev_rejected_offset_too_long", "negative": "ev_offset_negative"}
            await ctx.say(keys.get(exc.reason, "ev_reminders_bad"))
            return
        draft["offsets"] = [int(o.total_seconds()) for o in offsets]
    elif step == "confirm":
        if text.lower() in YES_WORDS | NO_WORDS:
            draft["confirm"] = text.lower() in YES_WORDS
        else:
            await ctx.say("ev_confirm_bad")
            return
    elif step in DETAILS:
        if not await take_detail(ctx, draft, step, text):
            return
    else:
        await show_summary(ctx, draft, ctx.t("ev_use_buttons"))
        return
    await advance(ctx, draft, note)


async def take_detail(ctx: Ctx, draft: Draft, step: str, text: str) -> bool:
    """Place, length or description, typed; "-" or "пропустить" leaves it empty."""
    skip = text.casefold() in SKIP_WORDS
    if step == "place":
        if len(text) > MAX_PLACE:
            await ctx.say("ev_place_bad", limit=MAX_PLACE)
            return False
        draft["place"] = "" if skip else text
    elif step == "description":
        if len(text) > MAX_DESCRIPTION:
            await ctx.say("ev_description_bad", limit=MAX_DESCRIPTION)
            return False
        draft["description"] = "" if skip else text
    elif skip:
        draft["duration"] = None
    else:
        try:
            length = parse_duration(text, lang_code(ctx))
        except TimeParseError:
            await ctx.say("ev_duration_bad")
            return False
        draft["duration"] = int(length.total_seconds())
    return True


async def take_when(ctx: Ctx, draft: Draft, text: str, tz: ZoneInfo) -> bool:
    try:
        when = parse_time(text, now=now_utc(), tz=tz, lang=lang_code(ctx))
    except TimeParseError as exc:
        if exc.reason == "ambiguous" and exc.alternatives:
            await ask_which(ctx, draft, exc.alternatives, tz)
        else:
            await ctx.reply(time_error_text(ctx, exc.reason, exc.day_month))
        return False
    set_when(draft, when, tz)
    return True


def set_when(draft: Draft, when: When, tz: ZoneInfo) -> None:
    draft["start"] = local_start(when, tz).isoformat()
    if when.rrule:
        draft["rrule"] = when.rrule
        draft["rule_in_when"] = True
    draft.pop("alts", None)


def describe_start(ctx: Ctx, draft: Draft, tz: ZoneInfo) -> str:
    text = when_text(ctx, instant(start_of(draft), draft["tz"]), tz)
    if draft.get("rrule"):
        text += f" ({repeat_text(ctx, draft['rrule'])})"
    return text


async def ask_which(ctx: Ctx, draft: Draft, alternatives: list[When], tz: ZoneInfo) -> None:
    """An hour like "в 3" may be morning or afternoon: ask with one button per reading."""
    draft["alts"] = [[local_start(w, tz).isoformat(), w.rrule] for w in alternatives]
    await save(ctx, draft)
    rows = [
        [ctx.button(when_text(ctx, w.start, tz), "ev", "when", i)]
        for i, w in enumerate(alternatives)
    ]
    await ctx.say("ev_time_which", rows)


async def take_repeat(ctx: Ctx, draft: Draft, text: str, tz: ZoneInfo) -> bool:
    if text.lower() in NO_WORDS or text.lower() in ("не повторять", "once", "никогда"):
        draft["rrule"] = None
        return True
    try:
        when = parse_time(text, now=now_utc(), tz=tz, lang=lang_code(ctx))
    except TimeParseError:
        when = None
    if when is None or when.rrule is None:
        await ctx.say("ev_repeat_bad")
        return False
    start = start_of(draft)
    if when.time_given:
        draft["start"] = local_start(when, tz).isoformat()
    else:  # "каждый понедельник": the rule's first day at the time already chosen
        first = when.start.astimezone(tz).date()
        draft["start"] = datetime.combine(first, start.time()).isoformat()
    draft["rrule"] = when.rrule
    return True


def rule_for(key: str, start: datetime) -> str | None:
    days = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    return {
        "none": None,
        "daily": "FREQ=DAILY",
        "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "weekly": f"FREQ=WEEKLY;BYDAY={days[start.weekday()]}",
        "monthly": f"FREQ=MONTHLY;BYMONTHDAY={start.day}",
    }[key]


# --- buttons --------------------------------------------------------------------------------


async def on_button(ctx: Ctx) -> None:
    op, *values = ctx.extras["args"]
    draft = await load(ctx)
    if draft is None or (op != "quit" and OP_STEP.get(op) != draft.get("step")):
        await ctx.notify(ctx.t("ev_dialog_gone"))
        return
    draft.pop("dialog", None)
    if op == "quit":
        await ctx.end_dialog()
        await ctx.say("cancelled")
    elif op == "when":
        alts = draft.get("alts") or []
        index = int(values[0])
        if index >= len(alts):
            await ctx.notify(ctx.t("stale_button"))
            return
        draft["start"], rule = alts[index]
        if rule:
            draft["rrule"], draft["rule_in_when"] = rule, True
        draft.pop("alts", None)
        note = ctx.t("ev_when_set", when=describe_start(ctx, draft, ZoneInfo(draft["tz"])))
        await advance(ctx, draft, note)
    elif op == "rep":
        draft["rrule"] = rule_for(values[0], start_of(draft))
        await advance(ctx, draft)
    elif op == "aud":
        await toggle_audience(ctx, draft, values[0])
    elif op == "rem":
        index = int(values[0])
        draft["offsets"] = [int(o.total_seconds()) for o in PRESETS[index % len(PRESETS)]]
        await advance(ctx, draft)
    elif op == "conf":
        draft["confirm"] = values[0] == "yes"
        await advance(ctx, draft)
    elif op == "place":
        draft["place"] = ""
        await advance(ctx, draft)
    elif op == "desc":
        draft["description"] = ""
        await advance(ctx, draft)
    elif op == "dur":
        chosen = None if values[0] == "skip" else DURATIONS[int(values[0]) % len(DURATIONS)]
        draft["duration"] = None if chosen is None else int(chosen.total_seconds())
        await advance(ctx, draft)
    elif op == "change":
        rows = [[ctx.button(ctx.t(f"ev_step_{s}"), "ev", "goto", s)] for s in CHANGEABLE]
        await ctx.say("ev_change_what", rows)
    elif op == "goto" and values[0] in CHANGEABLE:
        draft["step"], draft["back"] = values[0], True
        await save(ctx, draft)
        await ask(ctx, draft)
    elif op == "save":
        await finish(ctx, draft)


async def audience_error(ctx: Ctx, draft: Draft, exc: LineError) -> None:
    """A typed audience not understood; a name several things share gets one button per
    reading (a press adds it, as the audience buttons do)."""
    if exc.reason != "ambiguous" or not exc.choices:
        await ctx.reply(line_error_text(ctx, exc))
        return
    team = await ctx.services.people.team(draft["team_id"])
    codes = {"group": "g", "tag": "t", "chat": "c", "member": "m"}
    rows = [
        [
            ctx.button(
                await audience_pick.choice_label(ctx, team, entry),
                "ev",
                "aud",
                f"{codes[entry.kind.value]}{entry.ref_id}",
            )
        ]
        for entry in exc.choices[: audience_pick.MAX_SHOWN]
        if entry.kind.value in codes
    ]
    await ctx.say("aud_which", rows, token=exc.detail)


async def live_audience(ctx: Ctx, draft: Draft) -> list[list[Any]]:
    """The draft's audience without groups and tags deleted since it was written: an
    event put on hold by such a deletion is fixed by ticking, and a tick never shows
    for what is gone, so it must not stay chosen unseen."""
    team_id = draft["team_id"]
    alive = {("group", g.id) for g in await ctx.services.people.groups(team_id)}
    alive |= {("tag", tag.id) for tag in await ctx.services.people.tags(team_id)}
    return [
        entry
        for entry in draft.get("audience", [])
        if entry[0] not in ("group", "tag") or (entry[0], entry[1]) in alive
    ]


async def toggle_audience(ctx: Ctx, draft: Draft, code: str) -> None:
    chosen: list[list[Any]] = await live_audience(ctx, draft)
    draft["audience"] = chosen
    if code == "done":
        if not chosen:
            await ctx.notify(ctx.t("ev_audience_pick_one"))
            return
        await advance(ctx, draft)
        return
    kinds = {"g": "group", "t": "tag", "c": "chat", "m": "member"}
    key: list[Any] = ["team", None] if code == "team" else [kinds[code[0]], int(code[1:])]
    draft["audience"] = [e for e in chosen if e != key] if key in chosen else [*chosen, key]
    await save(ctx, draft)
    # Redraw the same message with the new ticks instead of sending another one.
    body = NewMessageBody(
        text=ctx.t("ev_ask_audience"),
        attachments=[inline_keyboard(*await audience_rows(ctx, draft))],
    )
    if ctx.callback_id is not None:
        await ctx.services.client.answer_callback(ctx.callback_id, message=body)
        ctx.callback_id = None


async def finish(ctx: Ctx, draft: Draft) -> None:
    """Create (or, when editing, update) the event; on rejection the draft stays."""
    events = ctx.services.events
    try:
        if draft.get("edit_id"):
            base = await ctx.services.agenda.event(int(draft["edit_id"]))
            if base is None:
                await ctx.end_dialog()
                await ctx.notify(ctx.t("ev_gone"))
                return
            spec = spec_of(draft, ctx.user.user_id, base)
            event = await events.update(base.id, spec, actor_id=ctx.user.user_id)
            key = "ev_updated"
        else:
            event = await events.create(spec_of(draft, ctx.user.user_id))
            key = "ev_created"
    except EventRejected as exc:
        await ctx.reply(rejected_text(ctx, exc.reason) + "\n" + ctx.t("ev_fix_hint"))
        return
    except PermissionDenied as exc:
        await ctx.end_dialog()
        await ctx.say("role_needed", role=ctx.t(f"role_{exc.needed.value}"))
        return
    await ctx.end_dialog()
    await ctx.notify(ctx.t(key))
    await echo(ctx, event, key)


async def echo(ctx: Ctx, event: Event, key: str) -> None:
    occurrences = await ctx.services.agenda.coming_dates(event.id)
    team = await ctx.services.people.team(event.team_id) if event.team_id else None
    card = await event_card(ctx, event, zone_of(ctx, team), occurrences)
    await ctx.reply(ctx.t(key) + "\n" + card + "\n" + ctx.t("ev_after_create"))


# --- the command ----------------------------------------------------------------------------


async def start(ctx: Ctx) -> None:
    """``/event`` alone opens the dialog; ``/event a; b; c`` is the one-liner."""
    team: Team = ctx.extras["team"]
    if ctx.args.strip():
        await one_liner(ctx, team)
        return
    draft: Draft = {"step": "title", "team_id": team.id, "tz": zone_of(ctx, team).key}
    await save(ctx, draft)
    # Someone in several teams is told which one the event is for.
    intro = "\n".join(filter(None, [ctx.t("ev_intro"), await team_line(ctx, team.id)]))
    await ask(ctx, draft, intro)


async def one_liner(ctx: Ctx, team: Team) -> None:
    line = LineContext(team.id, ctx.user.user_id, zone_of(ctx, team), now_utc(), lang_code(ctx))
    try:
        spec = await ctx.services.typed.event(ctx.args, line, audience_pick.picked(ctx))
    except LineError as exc:
        if exc.part == "audience" and exc.reason == "ambiguous" and exc.choices:
            await audience_pick.ask(ctx, "/event", team, exc)
            return
        await ctx.reply(line_error_text(ctx, exc) + "\n\n" + ctx.t("ev_oneliner_example"))
        return
    try:
        event = await ctx.services.events.create(spec)
    except EventRejected as exc:
        await ctx.reply(rejected_text(ctx, exc.reason) + "\n\n" + ctx.t("ev_oneliner_example"))
        return
    except PermissionDenied as exc:
        await ctx.say("role_needed", role=t(f"role_{exc.needed.value}", ctx.lang))
        return
    await echo(ctx, event, "ev_created")


async def open_editor(ctx: Ctx, event: Event) -> None:
    """ "Edit" from /events: the dialog again, prefilled, at the summary."""
    draft = draft_of(event)
    await save(ctx, draft)
    await show_summary(ctx, draft)
