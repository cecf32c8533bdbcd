"""Issue 15: every button press does its work once, a cancelled event's buttons say so,
a snooze is shown in the message, /events answers in a group chat, members see who is
coming when the organizer allows it, and people are told when their role changes."""

from __future__ import annotations

import asyncio

from maxremind.domain.models import DeliveryKind, Role
from maxremind.emulator.models import Message
from tests.bot.conftest import Bot, Phone
from tests.bot.test_events_support import Team, database, make_team, wait_for_text
from tests.harness import wait_for

EVENT = "/event Планёрка; завтра в 10:00; #Отдел продаж; за 1 час; подтверждение"


def _button(message: Message, label: str) -> dict[str, str]:
    return next(b for b in message.buttons() if label in b.get("text", ""))


async def double_tap(phone: Phone, message: Message, label: str) -> list[str]:
    """Press one button twice at once (a double tap: two callbacks for one drawn
    button, both queued before the bot handles either); the two toasts, in order."""
    button = _button(message, label)
    before = len(phone.notifications())
    callbacks = [
        phone.bot.emulator.press_button(phone.user_id, message.mid, button["payload"])
        for _ in range(2)
    ]
    world = phone.bot.emulator.world
    await wait_for(
        lambda: all(world.callbacks[c.callback_id].answers > 0 for c in callbacks),
        what=f"answers to both presses of {label!r}",
    )
    await asyncio.sleep(0.2)
    return phone.notifications()[before:]


def _with(phone: Phone, needle: str) -> list[Message]:
    return [m for m in phone.messages() if needle in (m.text or "")]


async def _team(bot: Bot) -> Team:
    return await make_team(
        bot,
        {"Анна": ("anna", Role.ORGANIZER), "Борис": ("boris", Role.MEMBER)},
        {"Отдел продаж": ["Борис"]},
    )


async def test_a_double_tapped_nudge_nudges_once(bot: Bot) -> None:
    team = await _team(bot)
    anna, boris = team.people["Анна"], team.people["Борис"]
    await anna.say(EVENT)
    await anna.say("/who Планёрка")
    roster = anna.messages()[-1]
    toasts = await double_tap(anna, roster, "Напомнить не ответившим")
    assert len(toasts) == 2 and "Уже сделано" in toasts[1]
    await wait_for_text(boris, "Планёрка")
    await asyncio.sleep(1.5)  # a second nudge would be here by now
    assert len(_with(boris, "Планёрка")) == 1
    assert len([t for t in anna.texts() if "Напомнил" in t]) == 1
    # Pressed again later, the same button still does nothing.
    assert "Уже сделано" in await anna.press("Напомнить не ответившим", roster)
    await asyncio.sleep(1.0)
    assert len(_with(boris, "Планёрка")) == 1


async def _nudged(bot: Bot) -> tuple[Team, Message]:
    team = await _team(bot)
    anna, boris = team.people["Анна"], team.people["Борис"]
    await anna.say(EVENT)
    await anna.say("/who Планёрка")
    await anna.press("Напомнить не ответившим")
    await wait_for_text(anna, "Напомнил")
    await wait_for(lambda: bool(_with(boris, "Планёрка")), what="the nudge")
    await wait_for(lambda: any("⏰ 15" in b["text"] for b in boris.buttons()), what="buttons")
    return team, _with(boris, "Планёрка")[-1]


async def test_a_double_tapped_snooze_is_one_snooze_shown_in_the_message(bot: Bot) -> None:
    team, reminder = await _nudged(bot)
    boris = team.people["Борис"]
    toasts = await double_tap(boris, reminder, "⏰ 15 мин")
    assert "Напомню" in toasts[0] and "Уже сделано" in toasts[1]
    # The message itself says it is snoozed, and until when (Moscow time, his zone).
    edited = next(m for m in boris.messages() if m.mid == reminder.mid)
    assert "Отложено" in (edited.text or "") and "МСК" in (edited.text or "")
    # Another snooze button of the same message: already snoozed, nothing added.
    assert "Уже отложено" in await boris.press("⏰ 1 час", edited)
    async with database(bot) as db:
        occurrence = (await db.list_occurrences((await db.list_events())[0].id))[0]
        snoozes = [
            d
            for d in await db.list_deliveries(occurrence.id)
            if d.kind is DeliveryKind.SNOOZE and d.recipient_id == boris.user_id
        ]
    assert len(snoozes) == 1


async def test_an_answer_pressed_again_changes_nothing_but_can_change_back(bot: Bot) -> None:
    team, reminder = await _nudged(bot)
    boris = team.people["Борис"]
    toasts = await double_tap(boris, reminder, "✅ Буду")
    assert "Записал" in toasts[0] and "Уже" in toasts[1]
    redrawn = next(m for m in boris.messages() if m.mid == reminder.mid)
    assert "Уже записано" in await boris.press("✅ Буду", redrawn)
    assert "не сможете" in await boris.press("❌ Не смогу")
    assert "будете" in await boris.press("✅ Буду")
    async with database(bot) as db:
        entries = await db.list_audit(team.id)
    assert [e.details.get("answer") for e in entries if e.action == "confirmation"] == [
        "yes",
        "no",
        "yes",
    ]


async def test_a_double_tapped_cancel_and_team_pick_act_once(bot: Bot) -> None:
    team = await _team(bot)
    anna = team.people["Анна"]
    await anna.say(EVENT)
    await anna.say("/events")
    await anna.press("✖️")
    confirm = anna.messages()[-1]
    toasts = await double_tap(anna, confirm, "Да, отменить")
    assert "Уже сделано" in toasts[1]
    await asyncio.sleep(0.5)
    assert len([t for t in anna.texts() if "отменено" in t.lower()]) == 1
    # The English toast.
    john = bot.phone("John", locale="en")
    await john.start()
    await john.say("/lang")
    toasts = await double_tap(john, john.messages()[-1], "English")
    assert "Already done" in toasts[1]


async def test_a_cancelled_events_buttons_say_it_was_cancelled_by_whom(bot: Bot) -> None:
    team, reminder = await _nudged(bot)
    anna, boris = team.people["Анна"], team.people["Борис"]
    await anna.say("/events")
    await anna.press("✖️")
    await anna.press("Да, отменить")
    await wait_for(lambda: any("отменено" in t.lower() for t in boris.texts()), what="told")
    answer = await boris.press("✅ Буду", reminder)
    assert "отменено" in answer and "Анна" in answer and "прошло" not in answer


def _chat_texts(bot: Bot, chat_id: int) -> list[str]:
    return [m.text or "" for m in bot.emulator.bot_messages(chat_id=chat_id)]


async def test_events_in_a_group_chat_lists_what_everyone_there_was_invited_to(
    bot: Bot,
) -> None:
    team = await _team(bot)
    anna, boris = team.people["Анна"], team.people["Борис"]
    await anna.say("/event Планёрка; завтра в 10:00; @all; за 1 час")
    await anna.say("/event Разбор отдела; завтра в 12:00; #Отдел продаж; за 1 час")
    chat = bot.emulator.create_chat("Общий", anna.user_id, [boris.user_id])
    bot.emulator.add_bot_to_chat(chat.chat_id, anna.user_id)
    async with database(bot) as db:
        await db.upsert_chat(chat.chat_id, title="Общий", chat_type="chat", added_by=None)
        await db.link_chat(chat.chat_id, team.id, None)
    before = len(_chat_texts(bot, chat.chat_id))
    bot.emulator.send_chat_message(chat.chat_id, boris.user_id, "/events")
    await wait_for(lambda: len(_chat_texts(bot, chat.chat_id)) > before, what="an answer")
    answer = _chat_texts(bot, chat.chat_id)[-1]
    assert "Ромашка" in answer and "Планёрка" in answer and "/events" in answer
    assert "Разбор отдела" not in answer  # addressed to a group, not to the chat

    # A chat linked to no team points to the private dialog, in the sender's language.
    john = bot.phone("John", locale="en")
    await john.start()
    other = bot.emulator.create_chat("Random", john.user_id, [])
    bot.emulator.add_bot_to_chat(other.chat_id, john.user_id)
    await asyncio.sleep(0.5)
    before = len(_chat_texts(bot, other.chat_id))
    bot.emulator.send_chat_message(other.chat_id, john.user_id, "/events")
    await wait_for(lambda: len(_chat_texts(bot, other.chat_id)) > before, what="an answer")
    assert "not linked to a team" in _chat_texts(bot, other.chat_id)[-1]


async def test_a_role_changed_from_the_web_api_is_told_in_max(bot: Bot) -> None:
    import httpx

    from maxremind.services.access import AccessService

    team = await make_team(
        bot,
        {"Анна": ("anna", Role.OWNER), "Борис": ("boris", Role.MEMBER), "Mary": ("m", Role.MEMBER)},
        locales={"Mary": "en"},
    )
    anna, boris, mary = (team.people[n] for n in ("Анна", "Борис", "Mary"))
    async with database(bot) as db:
        access = await AccessService.create(db, bot_token="unused")
        _, secret = await access.create_api_token(anna.user_id, team.id, "tests")
    async with httpx.AsyncClient(
        base_url=bot.running.web_url, headers={"authorization": f"Bearer {secret}"}
    ) as api:
        for who, role in ((boris, "admin"), (mary, "organizer")):
            changed = await api.patch(
                f"/api/v1/teams/{team.id}/members/{who.user_id}", json={"role": role}
            )
            assert changed.status_code == 200, changed.text
    told = await wait_for_text(boris, "вашу роль")
    assert "Анна" in told and "Ромашка" in told and "участник" in told
    assert "теперь: администратор" in told
    told = await wait_for_text(mary, "your role")
    assert "Анна changed your role" in told and "now it is: organizer" in told

    # From the bot, the person is told once (by the service, not also by the handler).
    await anna.say("/role @boris участник")
    await wait_for_text(boris, "теперь: участник")
    await asyncio.sleep(0.5)
    assert len([t for t in boris.texts() if "теперь: участник" in t]) == 1


async def test_members_see_who_is_coming_once_the_organizer_opens_the_roster(bot: Bot) -> None:
    team = await make_team(
        bot,
        {
            "Анна": ("anna", Role.ORGANIZER),
            "Борис": ("boris", Role.MEMBER),
            "Vera": ("vera", Role.MEMBER),
        },
        {"Отдел продаж": ["Борис", "Vera"]},
        locales={"Vera": "en"},
    )
    anna, boris, vera = (team.people[n] for n in ("Анна", "Борис", "Vera"))
    await anna.say(EVENT)
    await boris.say("/events")
    await boris.press("🔎 1.")
    await wait_for_text(boris, "Ближайшие даты")
    assert not any("Кто идёт" in b["text"] for b in boris.buttons())  # hidden by default
    assert "Нет предстоящих событий" in await boris.say("/who")
    assert "Записал" in await boris.press("✅ Буду")

    # The organizer opens the list from the event's details.
    await anna.say("/events")
    await anna.press("🔎 1.")
    await wait_for_text(anna, "Ближайшие даты")
    assert "Список открыт" in await anna.press("Показывать участникам")
    await wait_for_text(anna, "видят, кто идёт")

    await boris.say("/events")
    await boris.press("🔎 1.")
    await wait_for(lambda: any("Кто идёт" in b["text"] for b in boris.buttons()), what="button")
    await boris.press("👥 Кто идёт")
    roster = await wait_for_text(boris, "👥 Планёрка")
    assert "Будут (1): Борис" in roster and "Нет ответа (1): Vera" in roster
    assert not any("Напомнить" in b["text"] for b in boris.messages()[-1].buttons())
    # /who lists it for members too; in English for Vera (her MAX is in English).
    assert "Attending (1)" in await vera.say("/who Планёрка")

    # Hidden again: the member's button is refused.
    await anna.press("Скрыть от участников")
    await wait_for_text(anna, "видят только организаторы")
    assert "Нет предстоящих событий" in await boris.say("/who")


async def test_the_roster_option_is_set_by_one_liner_and_the_api(bot: Bot) -> None:
    import httpx

    from maxremind.services.access import AccessService

    team = await _team(bot)
    anna, boris = team.people["Анна"], team.people["Борис"]
    echo = await anna.say(EVENT + "; открытый список")
    assert "участники видят, кто идёт" in echo and "с подтверждением" in echo
    async with database(bot) as db:
        (event,) = await db.list_events(team_id=team.id)
        assert event.roster_visible and event.confirm_required
        access = await AccessService.create(db, bot_token="unused")
        _, secret = await access.create_api_token(anna.user_id, team.id, "tests")
    assert "Планёрка" in await boris.say("/who Планёрка")
    async with httpx.AsyncClient(
        base_url=bot.running.web_url, headers={"authorization": f"Bearer {secret}"}
    ) as api:
        path = f"/api/v1/teams/{team.id}/events/{event.id}"
        got = (await api.get(path)).json()
        assert got["roster_visible"] is True
        body = {
            k: got[k] for k in ("title", "start_local", "timezone", "audience", "confirm_required")
        }
        body["reminders"] = [
            {"offset_seconds": r["offset_seconds"], "target": r["target"]} for r in got["reminders"]
        ]
        body["roster_visible"] = False
        body["expected_updated_at"] = got["updated_at"]
        put = await api.put(path, json=body)
        assert put.status_code == 200, put.text
        assert put.json()["roster_visible"] is False
    assert "Нет предстоящих событий" in await boris.say("/who")
