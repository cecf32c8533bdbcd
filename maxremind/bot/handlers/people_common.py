"""Helpers shared by the people handlers: parsing @/# references, finding members,
rendering refusals, and editing a message in place after a button press."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from maxremind.bot.context import Ctx, Handler
from maxremind.domain.models import Group, Language, Member, Role, Team, User
from maxremind.domain.timetypes import Lang
from maxremind.i18n import t
from maxremind.maxapi.attachments import inline_keyboard
from maxremind.maxapi.models import Button, NewMessageBody
from maxremind.services.teams import (
    PeopleRefused,
    PermissionDenied,
    TeamService,
    close_members,
)

log = logging.getLogger(__name__)

PICK_DIALOG = "ppl_pick"
MAX_BUTTON_TEXT = 60

# A reference starts with @ or # at the start of the text or after a space.
_REF = re.compile(r"(?:^|(?<=\s))([@#])")


@dataclass
class Refs:
    """``/group add #Отдел кадров @anna @Иван Петров`` → head "add", groups, people."""

    head: str
    groups: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)


def parse_refs(text: str) -> Refs:
    """Split text into the plain head and the ``#group``/``@person`` references.

    A reference runs until the next ``@``/``#`` that starts a word, so names with
    spaces work (``#Отдел кадров``); ``_`` may stand for a space (``#Отдел_кадров``).
    """
    marks = [(m.start(1), m.group(1)) for m in _REF.finditer(text)]
    refs = Refs(head=(text[: marks[0][0]] if marks else text).strip())
    for i, (pos, kind) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        value = text[pos + 1 : end].strip()
        if value:
            (refs.groups if kind == "#" else refs.people).append(value)
    return refs


def service(ctx: Ctx) -> TeamService:
    return ctx.services.people


def team_of(ctx: Ctx) -> Team:
    """The team the router resolved for a command registered with ``team_role``."""
    team = ctx.extras["team"]
    assert isinstance(team, Team)
    return team


def lang_code(lang: Language) -> Lang:
    return "en" if lang is Language.EN else "ru"


def role_name(ctx: Ctx, role: Role) -> str:
    return ctx.t(f"role_{role.value}")


def label(member: Member | User) -> str:
    """ "Анна Петрова (@anna)" — the username helps tell namesakes apart."""
    return f"{member.name} (@{member.username})" if member.username else member.name


def short(text: str, limit: int = MAX_BUTTON_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def refuse(ctx: Ctx, exc: PermissionDenied | PeopleRefused) -> None:
    if isinstance(exc, PermissionDenied):
        text = ctx.t("role_needed", role=role_name(ctx, exc.needed))
    else:
        text = ctx.t(f"ppl_err_{exc.reason}", **exc.params)
    await ctx.reply(text)
    await ctx.notify(text)  # after a press the toast says it too


def guarded(handler: Handler) -> Handler:
    """Turn a rule the service enforces into a message that names it."""

    @functools.wraps(handler)
    async def run(ctx: Ctx) -> None:
        try:
            await handler(ctx)
        except (PermissionDenied, PeopleRefused) as exc:
            await refuse(ctx, exc)

    return run


async def show(
    ctx: Ctx, text: str, buttons: Sequence[Sequence[Button]] = (), *, note: str | None = None
) -> None:
    """Replace the pressed message (paging, toggles) or, outside a press, reply."""
    if ctx.callback_id is None or ctx.extras.get("message") is None:
        await ctx.reply(text, buttons)
        return
    rows = [list(r) for r in buttons if r]
    body = NewMessageBody(text=text[:4000], attachments=[inline_keyboard(*rows)] if rows else [])
    await ctx.services.client.answer_callback(
        ctx.callback_id, message=body, notification=note[:200] if note else None
    )
    ctx.callback_id = None


async def tell(ctx: Ctx, user_id: int, key: str, **params: object) -> None:
    """Message another person in their language; someone who stopped the bot is skipped."""
    user = await ctx.services.users.get(user_id)
    if user is None or not user.reachable:
        return
    text = t(key, user.language or Language.RU, **params)
    await ctx.services.client.send_message(text, user_id=user_id)


async def find_group(ctx: Ctx, team: Team, name: str) -> Group | None:
    """``#name`` as typed, with ``_`` standing for spaces when that is what matches."""
    return await ctx.services.people.find_group(team.id, name)


async def group_prefix(ctx: Ctx, team: Team, text: str) -> tuple[Group | None, str]:
    """The group named by the longest start of ``text``, and what follows it.

    "#Отдел кадров завтра" → (Отдел кадров, "завтра"): a group reference runs to the
    next @/#, so a stray word after it must not hide which group was meant.
    """
    words = text.split()
    for cut in range(len(words), 0, -1):
        group = await find_group(ctx, team, " ".join(words[:cut]))
        if group is not None:
            return group, " ".join(words[cut:])
    return None, text


async def group_or_say(ctx: Ctx, team: Team, name: str) -> Group | None:
    """The group, or a message listing the team's groups when there is none such."""
    group = await find_group(ctx, team, name)
    if group is None:
        names = ", ".join(f"#{g.name}" for g in await ctx.services.people.groups(team.id))
        await ctx.say("ppl_group_not_found", name=name, names=names or ctx.t("nobody"))
    return group


async def resolve_people(
    ctx: Ctx, team: Team, tokens: Sequence[str], command: str
) -> list[Member] | None:
    """The members meant by ``tokens``; None after telling the person what went wrong.

    Several matches for a token: the person picks one with buttons and the command
    runs again with that choice remembered (``ppl.pick``).
    """
    picked: dict[str, int] = dict(ctx.extras.get("picked", {}))
    found: list[Member] = []
    for token in tokens:
        if token in picked:
            chosen = await ctx.services.people.member(team.id, picked[token])
            if chosen is not None:
                found.append(chosen)
                continue
        matches = await ctx.services.people.find_members(team.id, token)
        if len(matches) == 1:
            found.append(matches[0])
            continue
        if not matches:
            close = close_members(await ctx.services.people.members(team.id), token)
            if close:
                names = ", ".join(label(m) for m in close)
                await ctx.say("ppl_member_not_found_close", token=token, names=names)
            else:
                await ctx.say("ppl_member_not_found", token=token, team=team.name)
            return None
        await ctx.set_dialog(
            PICK_DIALOG, command=command, args=ctx.args, token=token, picked=picked
        )
        buttons = [[ctx.button(short(label(m)), "ppl.pick", m.user_id)] for m in matches[:8]]
        await ctx.say("ppl_member_which", buttons, token=token)
        return None
    return list({m.user_id: m for m in found}.values())


def names_of(members: Sequence[Member]) -> str:
    return ", ".join(m.name for m in members)
