"""English users see English: the main flows driven as people whose MAX locale is English,
every text, button label and toast they were shown collected and searched for Cyrillic.

Names and text people typed are theirs, in whatever script they wrote them: the test
knows which of those it used and strips them before looking. Three runs: a team an English
owner runs (commands, dialogs, reminders, nudges, escalation and its summary, a linked
chat, errors); a Russian owner's team with an English member, whose own language must win
for everything sent to her (reminders, nudges, announcements, role changes, summaries of
her own events); and the edges (no team yet, invites, a calendar file, buttons of groups
and tags, editing, leaving). What the engine sends is real: events a minute ahead.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest

from maxremind.emulator.limits import Limits
from maxremind.emulator.models import Message
from tests.bot.conftest import Bot, Phone
from tests.bot.people_kit import FAST_CHAT_RPS, link_in, open_link
from tests.bot.test_events_support import wait_for_text
from tests.calendar.conftest import Answer, Server, server
from tests.calendar.test_import_bot import send_file
from tests.harness import product_settings, running_emulator, running_product, wait_for

__all__ = ["server"]  # the calendar file server's fixture

CYRILLIC = re.compile(r"[\u0400-\u04ff]+")
T = TypeVar("T")

# A calendar file an English organizer sends the bot: one good event, and one of each
# kind the import leaves out or notes, so every line of its answer is seen.
ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//maxremind tests//EN
BEGIN:VEVENT
UID:good@test
DTSTAMP:20261201T000000Z
DTSTART:20271205T100000Z
SUMMARY:Quarterly review
END:VEVENT
BEGIN:VEVENT
UID:untitled@test
DTSTAMP:20261201T000000Z
DTSTART:20271206T100000Z
END:VEVENT
BEGIN:VEVENT
UID:mars@test
DTSTAMP:20261201T000000Z
DTSTART;TZID=Mars/Olympus:20271207T100000
SUMMARY:Mars call
END:VEVENT
BEGIN:VEVENT
UID:hourly@test
DTSTAMP:20261201T000000Z
DTSTART:20271208T100000Z
RRULE:FREQ=HOURLY
SUMMARY:Hourly ping
END:VEVENT
BEGIN:VEVENT
UID:past@test
DTSTAMP:20261201T000000Z
DTSTART:20200101T100000Z
SUMMARY:Old party
END:VEVENT
BEGIN:VEVENT
UID:nostart@test
DTSTAMP:20261201T000000Z
SUMMARY:No start
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    """The product against the emulator, with dialogs as fast as the flows need (see
    ``people_kit``) and calendar files fetched from the test's own local server."""
    limits = Limits(messages_per_chat_per_second=FAST_CHAT_RPS)
    async with running_emulator(limits=limits) as (emulator, url):
        settings = product_settings(
            url,
            tmp_path,
            log_level="info",
            chat_rate_limit_rps=float(FAST_CHAT_RPS),
            calendar_allow_private=True,
        )
        async with running_product(settings) as running:
            yield Bot(emulator, running, tmp_path)


@dataclass
class Seen:
    """Everything some people were shown, each with the step that showed it first."""

    phones: list[Phone] = field(default_factory=list)
    theirs: set[str] = field(default_factory=set)  # names and typed text, any script
    chats: list[int] = field(default_factory=list)  # group chats of an English team
    shown: dict[str, str] = field(default_factory=dict)  # text -> step
    step: str = ""

    def watch(self, phone: Phone, *names: str) -> Phone:
        self.phones.append(phone)
        self.theirs.update(names)
        return phone

    def typed(self, *texts: str) -> None:
        self.theirs.update(texts)

    def snap(self) -> None:
        for phone in self.phones:
            for message in phone.messages():
                self._add(message.text or "", "message")
                for button in message.buttons():
                    self._add(button.get("text", ""), "button")
            for note in phone.notifications():
                self._add(note, "toast")
        for chat_id in self.chats:
            for message in self.phones[0].bot.emulator.bot_messages(chat_id=chat_id):
                self._add(message.text or "", "chat message")
                for button in message.buttons():
                    self._add(button.get("text", ""), "chat button")

    def _add(self, text: str, kind: str) -> None:
        if text and text not in self.shown:
            self.shown[text] = f"{self.step} ({kind})"

    def leaks(self) -> list[str]:
        """Texts with Cyrillic left once the known names and typed text are taken out."""
        found = []
        known = sorted(self.theirs, key=len, reverse=True)  # longest first: "#Ночная смена"
        for text, where in self.shown.items():
            rest = text
            for name in known:
                rest = rest.replace(name, "")
            words = CYRILLIC.findall(rest)
            if words:
                found.append(f"[{where}] {words} in {text!r}")
        return found


class Driver:
    """Says and presses as a person would, and records what everyone watched was shown."""

    def __init__(self, seen: Seen) -> None:
        self.seen = seen

    def english(self, bot: Bot, name: str, username: str = "") -> Phone:
        """A person whose MAX app is in English, watched; their name is theirs."""
        phone = bot.phone(name, username=username or name.lower(), locale="en")
        return self.seen.watch(phone, name)

    async def at(self, step: str, action: Awaitable[T]) -> T:
        """What is neither said nor pressed (a start, a link opened, a file sent) as
        ``step``."""
        self.seen.step = step
        done = await action
        self.seen.snap()
        return done

    async def join(self, phone: Phone, link: str, step: str = "") -> str:
        return await self.at(step or f"join {phone.user_id}", open_link(phone, link))

    async def chat(
        self,
        title: str,
        owner: Phone,
        member: Phone,
        step: str,
        *,
        watched: bool = True,
        with_user: bool | None = None,
    ) -> int:
        """A chat of ``owner`` and ``member`` the bot is added to, once ``owner`` is asked
        about it; ``watched``: an English team's chat, whose messages are checked too."""
        emulator = owner.bot.emulator
        chat = emulator.create_chat(title, owner.user_id, [member.user_id])
        if watched:
            self.seen.chats.append(chat.chat_id)
        self.seen.step = step
        emulator.add_bot_to_chat(chat.chat_id, owner.user_id, with_user=with_user)
        await wait_for(lambda: title in owner.last(), what=f"the owner asked about {title}")
        self.seen.snap()
        return chat.chat_id

    async def say(self, phone: Phone, text: str, step: str = "") -> str:
        self.seen.step = step or text
        answer = await phone.say(text)
        self.seen.snap()
        return answer

    async def say_in_chat(self, phone: Phone, chat_id: int, text: str) -> str:
        """A command in a group chat; the bot's answer there is to this person."""
        emulator = phone.bot.emulator

        def answers() -> list[str]:
            return [m.text or "" for m in emulator.bot_messages(chat_id=chat_id)]

        before = len(answers())
        emulator.send_chat_message(chat_id, phone.user_id, text)
        await wait_for(lambda: len(answers()) > before, what=f"an answer to {text!r} in the chat")
        self.seen.step = f"{text} in a chat"
        for answer in answers()[before:]:
            self.seen._add(answer, "answer in a chat")
        self.seen.snap()
        return answers()[before]

    async def say_all(self, phone: Phone, text: str, step: str = "") -> list[str]:
        self.seen.step = step or text
        answers = await phone.say_all(text)
        self.seen.snap()
        return answers

    async def press(
        self, phone: Phone, label: str, step: str = "", message: Message | None = None
    ) -> str:
        self.seen.step = step or f"press {label}"

        def offered() -> bool:
            return any(label in b.get("text", "") for m in phone.messages() for b in m.buttons())

        try:  # the message with the button may come a moment after an earlier answer
            await wait_for(offered, 10, f"a button {label!r}")
        except AssertionError:
            last = phone.messages()[-1] if phone.messages() else None
            shown = (last.text, [b.get("text") for b in last.buttons()]) if last else None
            raise AssertionError(f"no button {label!r}; last message: {shown}") from None
        answer = await phone.press(label, message)
        self.seen.snap()
        return answer

    async def edit_event(
        self, phone: Phone, title: str, field: str, value: str, *, several: bool = False
    ) -> None:
        """From /events: the event, Edit, Change, ``field``, its new ``value`` (answered
        with ``several`` messages, as a time is), Save."""
        await self.say(phone, "/events")
        await self.press(phone, title)
        await self.press(phone, "Edit")
        await self.press(phone, "Change")
        await self.press(phone, field)
        if several:
            await self.say_all(phone, value)
        else:
            await self.say(phone, value)
        await self.press(phone, "Save")

    async def wait(self, phone: Phone, *needles: str, step: str = "", count: int = 1) -> str:
        """The newest message holding all ``needles`` once ``count`` such have come."""
        self.seen.step = step or f"wait for {needles}"

        def matching() -> list[str]:
            return [text for text in phone.texts() if all(n in text for n in needles)]

        try:
            await wait_for(lambda: len(matching()) >= count, 90, f"{needles} x{count}")
        except AssertionError:
            raise AssertionError(f"no {needles} x{count}; last: {phone.texts()[-3:]}") from None
        self.seen.snap()
        return matching()[-1]


async def answer_the_optional_steps(me: Driver, phone: Phone) -> None:
    """Place, length and description, whichever of them the dialog asks, until the summary."""
    for _ in range(6):
        last = phone.last()
        if "Please check" in last:
            return
        if "Where?" in last:
            await me.say(phone, "Dock 4")
        elif "How long" in last:
            labels = [b["text"] for b in phone.buttons() if "Skip" not in b["text"]]
            await me.press(phone, labels[0] if labels else "Skip")
        elif "description" in last:
            await me.say(phone, "Bring gloves")
        else:
            await me.press(phone, "Skip")
    raise AssertionError(f"the dialog did not reach its summary: {phone.last()!r}")


async def russian_team(bot: Bot) -> tuple[Phone, str]:
    """Ольга, whose MAX app is in Russian, and the invite link of her team Склад Север."""
    olga = bot.phone("Ольга", username="olga")
    await olga.start()
    return olga, link_in(await olga.say("/team Склад Север"))


async def russian_nudge(olga: Phone, audience: str) -> None:
    """Ольга's Планёрка in three hours for ``audience``, and a nudge to all of them now."""
    await olga.say(f"/event Планёрка; через 3 часа; {audience}; за 1 час; подтверждение")
    await olga.say("/who Планёрка")
    await olga.press("Напомнить")


def assert_english(seen: Seen) -> None:
    seen.snap()
    leaks = seen.leaks()
    assert not leaks, "Cyrillic shown to an English user:\n" + "\n".join(leaks)


async def test_an_english_owner_runs_a_team_in_english(bot: Bot) -> None:
    seen = Seen()
    me = Driver(seen)
    # The language picker names each language in itself, so a Russian reader finds theirs.
    seen.typed("Русский")
    emma = me.english(bot, "Emma")
    liam = me.english(bot, "Liam")
    # A colleague with a Russian name: her name is hers, everything around it English.
    darya = me.english(bot, "Дарья", "darya")

    await me.at("/start", emma.start())
    await me.say(emma, "/help")
    # A reminder a minute ahead arrives while the rest goes on; checked at the end.
    await me.say(emma, "/remind in 1 minute water the plants")

    # The team, people joining by its link, a group; an event whose ladder runs out within
    # a minute (its first step is already due, the nudge and the summary come at start).
    created = await me.say(emma, "/team Harbour Crew")
    link = link_in(created)
    for phone in (liam, darya):
        assert "Harbour Crew" in await me.join(phone, link)
    await me.say(emma, "/group new Night shift")
    await me.say(emma, "/group add #Night shift @liam @darya")
    drill = await me.say(
        emma, "/event Drill; in 1 minute; #Night shift; 1 minute before, at start; confirm"
    )
    assert "Event created" in drill, drill
    await me.wait(liam, "Drill")
    await me.press(liam, "✅")

    await me.say(liam, "/me")
    await me.say(emma, "/members")
    await me.say(emma, "/teams")
    assert link_in(await me.say(emma, "/invite 7d 20"))
    await me.say(emma, "/invites")
    await me.press(emma, "Revoke 1")
    await me.say(emma, "/role @liam organizer")
    await me.say(emma, "/role @liam member")

    # Groups, tags, a linked chat.
    await me.say(emma, "/groups")
    await me.say(emma, "/group #Night shift")
    await me.say(emma, "/group rename #Night shift Late shift")
    await me.say(emma, "/tag forklift @liam")
    await me.say(emma, "/tags")
    await me.say(emma, "/untag forklift @liam")
    chat_id = await me.chat("Dock crew", emma, liam, "bot added to a chat")
    await me.press(emma, "Harbour Crew")
    await me.press(emma, "Dock crew")
    # /link in a chat that is linked already: the answer (in the chat or privately).
    seen.step = "/link in a linked chat"
    before = len(emma.messages()) + len(bot.emulator.bot_messages(chat_id=chat_id))
    bot.emulator.send_chat_message(chat_id, emma.user_id, "/link")
    await wait_for(
        lambda: len(emma.messages()) + len(bot.emulator.bot_messages(chat_id=chat_id)) > before,
        what="an answer to /link",
    )
    seen.snap()

    # /remind: one-liner, far ahead, an ambiguous hour, for a group, the list and cancel.
    await me.say(emma, "/remind in 2 hours call the supplier")
    await me.say(emma, "/remind in 40 days renew the insurance")
    await me.say(emma, "/remind in 6 months check the boiler")
    await me.say(emma, "/remind tomorrow at 3 book the van")
    await me.press(emma, "15:00")
    await me.say(emma, "/remind #Late shift tomorrow at 9am bring the reports")
    listing = await me.say(emma, "/reminders")
    assert "renew the insurance" in listing
    await me.press(emma, "call the supplier")
    await me.say(emma, "/notify #Late shift; The gate code changes today")
    await me.wait(darya, "gate code")

    # /event step by step, then in one line with confirmation.
    await me.say_all(emma, "/event")
    await me.say(emma, "Inventory")
    await me.say_all(emma, "tomorrow at 10am")
    await me.press(emma, "weekly")
    await me.press(emma, "#Late shift")
    await me.press(emma, "Done")
    await me.press(emma, "1 day")
    await me.press(emma, "Yes")
    await answer_the_optional_steps(me, emma)
    await me.press(emma, "Change")
    await me.press(emma, "Time")
    await me.say_all(emma, "tomorrow at 11am")
    await me.press(emma, "Create")
    await me.wait(emma, "Event created", "Inventory")

    await me.say(emma, "/event Safety briefing; in 3 hours; #Late shift; 1 hour before; confirm")
    await me.wait(emma, "Event created", "Safety briefing")

    # Members answer from the nudge they get; snoozing says until when.
    await me.say(emma, "/who Safety briefing")
    await me.wait(emma, "No answer (2)", "Safety briefing")
    await me.press(emma, "Nudge")
    await me.wait(liam, "Safety briefing")
    await me.wait(darya, "Safety briefing")
    await me.press(liam, "✅")
    await me.press(darya, "15 min")
    await me.say(emma, "/who Safety briefing")
    await me.say(liam, "/events")
    await me.press(liam, "🔎 1.")
    # A new time: those already reminded are told what changed.
    await me.edit_event(emma, "Safety briefing", "Time", "in 4 hours", several=True)
    await me.wait(emma, "Event updated", "Safety briefing")
    await me.wait(liam, "Safety briefing", "changed", step="the change told")
    await me.say(emma, "/events")
    await me.press(emma, "Safety briefing")
    await me.press(emma, "Cancel event")
    await me.press(emma, "No, keep it")
    await me.press(emma, "Cancel event")
    await me.press(emma, "Yes, cancel it")
    await me.wait(darya, "Cancelled")

    # Statistics and the weekly digest.
    await me.say(emma, "/stats")
    await me.press(emma, "Send me the weekly digest")
    await me.press(emma, "Turn per-member statistics off")
    await me.say(emma, "/digest")
    await me.say(emma, "/digest fri 17:30")
    await me.say(emma, "/digest sometimes")
    await me.say(emma, "/digest off")
    await me.say(liam, "/stats")
    await me.say(liam, "/digest")

    # Settings, calendar, web, language.
    await me.say(emma, "/tz Novosibirsk")
    await me.say(emma, "/tz")
    await me.say(emma, "/quiet 22:00-08:00")
    await me.say(emma, "/quiet off")
    await me.say(emma, "/teamquiet")
    await me.say(emma, "/calendar")
    await me.say(emma, "/web")
    await me.say(emma, "/lang")
    await me.press(emma, "English")

    # Errors.
    await me.say(emma, "/remnid tomorrow")
    await me.say(emma, "/frobnicate")
    await me.say(emma, "/remind whenever call mum")
    await me.say(emma, "/remind in -5 minutes call mum")
    await me.say(emma, "/remind 30 February at 10 call mum")
    await me.say(emma, "/remind yesterday at 10 call mum")
    await me.say(emma, "/remind tomorrow at 10")
    await me.say(emma, "/remind #Warehouse tomorrow at 10 count boxes")
    await me.say(liam, "/event")
    await me.say(liam, "/group new Mine")
    await me.say(liam, "/notify @all hello")
    await me.say(emma, "/group add #Warehouse @liam")
    await me.say(emma, "/group frobnicate")
    await me.say(emma, "/role @nobody admin")
    await me.say(emma, "/tz Atlantis")
    await me.say(emma, "/quiet sometimes")
    await me.say(emma, "/event Broken; when pigs fly; @all")
    await me.say(emma, "/event Broken; tomorrow at 10; #Warehouse")
    await me.say(emma, "/invite #Warehouse")
    await me.say(liam, "just some words")
    await me.say(emma, "/cancel")

    # What the engine sent meanwhile: the minute's reminder, the drill's last nudge to the
    # one who did not answer, and its summary to the organizer.
    await me.wait(emma, "🔔 water the plants", step="the one-minute reminder")
    summary = await me.wait(emma, "📋", "Drill", step="the drill's summary")
    assert "Дарья" in summary, summary
    await me.wait(darya, "🔔 Drill", step="the drill's last nudge", count=2)
    assert_english(seen)


async def test_an_english_member_of_a_russian_team_reads_english(bot: Bot) -> None:
    seen = Seen()
    me = Driver(seen)
    olga, link = await russian_team(bot)
    ivan = bot.phone("Иван", username="ivan")
    await open_link(ivan, link)
    emma = me.english(bot, "Emma")
    seen.typed("Ольга", "Иван", "Склад Север", "Русский")
    assert "Склад Север" in await me.join(emma, link, "join")

    await olga.say("/group new Ночная смена")
    await olga.say("/group add #Ночная смена @emma @ivan")
    seen.typed("Ночная смена")
    await olga.say("/role @emma organizer")
    await me.wait(emma, "organizer", step="role change")
    # An event of the Russian owner's reaches Emma, and its last nudge at start.
    await olga.say(
        "/event Инвентаризация; через 1 минуту; #Ночная смена; за 1 минуту, в момент начала; "
        "подтверждение"
    )
    seen.typed("Инвентаризация")
    # Emma's own event in the Russian team: its summary comes to her, in English.
    await me.say(
        emma, "/event Stocktake; in 1 minute; #Ночная смена; 1 minute before, at start; confirm"
    )
    await me.wait(emma, "Инвентаризация", step="reminder from the Russian owner")
    await olga.say("/notify #Ночная смена; Ворота закрыты до обеда")
    seen.typed("Ворота закрыты до обеда")
    await me.wait(emma, "Ворота закрыты", step="announcement")

    seen.typed("Планёрка")
    await russian_nudge(olga, "#Ночная смена")
    await wait_for(lambda: sum("Планёрка" in t for t in emma.texts()) >= 1, what="the nudge")
    await me.press(emma, "1 hour")
    await me.press(emma, "❌")
    await me.say(emma, "/events")
    await me.press(emma, "🔎 1.")
    await me.say(emma, "/who Stocktake")
    await me.say(emma, "/members")
    await me.say(emma, "/groups")
    await me.say(emma, "/me")
    await me.say(emma, "/invite")
    await me.say(emma, "/teams")
    await me.say(emma, "/reminders")
    await me.say(emma, "/stats")
    await me.say(emma, "/digest on")

    # In the team's chat, linked by the owner, the bot answers Emma in English.
    seen.typed("Склад чат")
    chat_id = await me.chat("Склад чат", olga, emma, "the team's chat", watched=False)
    await olga.press("Склад Север")
    await olga.press("Ночная смена")
    for command in ("/web", "/calendar", "/help"):
        await me.say_in_chat(emma, chat_id, command)

    # The organizer cancels and takes Emma's role back: Emma hears of both in English.
    await olga.say("/events")
    await olga.press("Планёрка")
    await olga.press("Отменить")
    await olga.press("Да, отменить")
    await me.wait(emma, "Cancelled", step="event cancelled")
    # Her buttons on the cancelled event's reminder say so, naming who cancelled it.
    reminder = next(
        m for m in reversed(emma.messages()) if "🔔 Планёрка" in (m.text or "") and m.buttons()
    )
    said = await me.press(emma, "I'll be there", "a press after the cancel", reminder)
    assert "cancel" in said.lower(), said
    await olga.say("/role @emma участник")
    await me.wait(emma, "changed your role", step="role taken back", count=2)
    await me.say(emma, "/event")

    await me.wait(emma, "📋", "Stocktake", step="the summary of Emma's event")
    await me.wait(emma, "🔔 Инвентаризация", step="the owner's last nudge", count=2)
    await asyncio.sleep(0.5)
    assert_english(seen)


async def test_english_edges_files_and_leaving(bot: Bot, server: Server) -> None:
    seen = Seen()
    me = Driver(seen)
    seen.typed("Русский")
    emma = me.english(bot, "Emma")
    liam = me.english(bot, "Liam")
    noah = me.english(bot, "Noah")
    await me.at("/start", emma.start())

    # Before any team: what needs one says so.
    await me.say(emma, "/members")
    await me.say(emma, "/event")
    await me.say(emma, "/remind")
    await me.say(emma, "/who")
    await me.join(noah, "no-such-code-0123456789", "an unknown invite")

    link = link_in(await me.say(emma, "/team Harbour Crew"))
    for phone in (liam, noah):
        await me.join(phone, link)
    await me.join(liam, link, "joining again")

    # A second team: switching by name and by buttons says which team is current.
    await me.say(emma, "/team Night Ops")
    await me.say(emma, "/team Harbour Crew")
    await me.say(emma, "/team")
    await me.press(emma, "Night Ops")
    await me.say(emma, "/members")
    await me.say(emma, "/teams")
    await me.press(emma, "Harbour Crew")

    # A chat MAX does not say who added the bot to: its owner is asked, in English.
    # An English team's chat: English there too.
    yard = await me.chat("Yard", emma, liam, "bot added to a chat by nobody named", with_user=False)
    await me.press(emma, "Harbour Crew")
    await me.press(emma, "No group")
    await me.say_in_chat(liam, yard, "/events")

    # A calendar file, and a file that is not one.
    server.answers["/files/team.ics"] = Answer(body=ICS.encode())
    await me.at(
        "calendar file", send_file(emma, server.url("/files/team.ics"), "team.ics", locale="en")
    )
    await me.wait(emma, "New: ", step="calendar import result")
    await me.at(
        "not a calendar", send_file(emma, server.url("/files/team.ics"), "notes.txt", locale="en")
    )

    # Team settings, invites for a group, groups and tags by buttons.
    await me.say(emma, "/teamtz Omsk")
    await me.say(emma, "/teamquiet 23:00-07:00")
    await me.say(emma, "/shortnotice")
    await me.say(emma, "/group new Drivers")
    await me.press(emma, "Change members")
    await me.press(emma, "Liam")
    assert "“Drivers”: 1 person." in await me.press(emma, "Done")
    await me.say(emma, "/invite #Drivers 24h 5")
    await me.say(emma, "/tag forklift @liam @noah")
    await me.say(emma, "/tags")
    await me.press(emma, "forklift")
    await me.say(emma, "/groups")
    await me.press(emma, "Drivers")
    await me.press(emma, "Delete group")
    await me.press(emma, "Yes, delete")

    # /event: a past time, an ambiguous hour, bad reminders, a stale button.
    await me.say_all(emma, "/event")
    await me.say(emma, "Stand-up")
    await me.say(emma, "yesterday at 10:00")
    await me.say(emma, "tomorrow at 4")
    await me.press(emma, "16:00")
    await me.say(emma, "every funday")
    await me.press(emma, "no repeat")
    await me.say(emma, "@nobody")
    await me.say(emma, "@all")
    await me.say(emma, "whenever you like")
    await me.say(emma, "10 minutes before")
    await me.say(emma, "perhaps")
    await me.say(emma, "no")
    await answer_the_optional_steps(me, emma)
    await me.press(emma, "Create")
    await me.wait(emma, "Event created", "Stand-up")
    await me.say(emma, "/event")
    await me.say(emma, "/cancel")
    await me.press(emma, "no repeat")

    # One-liners with a clock change, repeat rules and a quorum, in a zone with summer time.
    await me.say(emma, "/tz Europe/Berlin")
    await me.say(emma, "/event Night check; 28 March 2027 at 02:30; @all; 1 hour before")
    twice = await me.say(emma, "/event Autumn check; 31 October 2027 at 02:30; @all")
    assert "happens twice because of the clock change" in twice, twice
    payroll = "/event Payroll; every last Friday of the month at 5pm; @all; 1 day before"
    assert "every last Friday" in await me.say(emma, payroll)
    await me.say(emma, "/event Yoga; every other Tuesday at 7pm; @all; at start")
    await me.say(emma, "/event Vote; tomorrow at 10:00; @all; 2 hours before; confirm; quorum 2")
    await me.say(emma, "/event Vote again; tomorrow at 11:00; @all; urgent; quorum 0")
    await me.say(emma, "/who Vote")

    # Editing from /events, the .ics of one event, who is coming with no name given.
    await me.edit_event(emma, "Stand-up", "Name", "Stand-up meeting")
    await me.wait(emma, "Event updated")
    await me.say(emma, "/events")
    await me.press(emma, "📅")
    await me.say(emma, "/who")
    await me.press(emma, "Stand-up meeting")
    await me.say(emma, "/notify")
    await me.say(emma, "/calendar")
    await me.press(emma, "New link")
    await me.press(emma, "Turn off")

    # A member who stopped the bot cannot be reached: the organizer is told.
    seen.step = "Noah stops the bot"
    bot.emulator.stop_bot(noah.user_id)
    said = await me.say(emma, "/remind @all in 1 minute stand up and stretch")
    assert said.startswith("⏰ I will remind the whole team "), said
    await me.say(emma, "/remove @emma")
    await me.say(emma, "/remove @noah")
    await me.say(liam, "/leave")
    await me.press(liam, "Stay")
    await me.say(liam, "/leave")
    await me.press(liam, "Leave")
    await me.say(liam, "/members")
    await me.at("Noah starts the bot again", noah.start())
    await me.wait(emma, "🔔 stand up and stretch", step="the team reminder")
    await asyncio.sleep(1)
    assert_english(seen)


async def test_switching_the_max_app_to_english_switches_the_bot(bot: Bot) -> None:
    olga, link = await russian_team(bot)
    kate = bot.phone("Kate", username="kate")  # her MAX app is in Russian at first
    await open_link(kate, link)
    assert "Что я умею" in await kate.say("/help")
    bot.emulator.world.user(kate.user_id).locale = "en"
    assert "What I can do" in await kate.say("/help")
    # What the engine sends her later, outside any conversation, follows too.
    await russian_nudge(olga, "@all")
    assert "Please confirm" in await wait_for_text(kate, "Планёрка")
    # Her own choice wins over the app's language.
    await kate.say("/lang")
    await kate.press("Русский")
    assert "Что я умею" in await kate.say("/help")


async def test_the_collector_finds_a_leak() -> None:
    """The search itself works: Cyrillic outside the known strings is reported."""
    seen = Seen(theirs={"Ольга"})
    seen.shown = {"Hello Ольга": "a", "Hello, Ольга, напоминание": "b"}
    (leak,) = seen.leaks()
    assert "напоминание" in leak
