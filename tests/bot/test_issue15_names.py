"""Issue 15, defect 5: group, tag, chat and member names with spaces resolve wherever a
name is typed (the longest name the team knows, quotes), a name several things share is
chosen with buttons, and linked chats are audience buttons in the /event dialog."""

from __future__ import annotations

from maxremind.domain.models import AudienceEntry, AudienceKind, Event, Role
from tests.bot.conftest import Bot, Phone
from tests.bot.test_events_support import Team, database, events_of, make_team, wait_for_text


async def team_with_names(bot: Bot) -> tuple[Team, dict[str, AudienceEntry]]:
    """Анна (organizer), Борис Иванов, Вера; groups "Отдел" and "Отдел продаж", a tag
    "водители склада", a group "Склад" and a linked chat "Склад", a chat "Склад Север"."""
    team = await make_team(
        bot,
        {
            "Анна": ("anna", Role.ORGANIZER),
            "Борис Иванов": ("boris", Role.MEMBER),
            "Вера": ("vera", Role.MEMBER),
        },
        {"Отдел": ["Вера"], "Отдел продаж": ["Борис Иванов"], "Склад": ["Вера"]},
    )
    anna = team.people["Анна"]
    names: dict[str, AudienceEntry] = {
        f"#{name}": AudienceEntry(AudienceKind.GROUP, ref) for name, ref in team.groups.items()
    }
    async with database(bot) as db:
        tag = await db.create_tag(team.id, "водители склада")
        await db.tag_members(tag.id, [team.people["Борис Иванов"].user_id])
        names["🏷"] = AudienceEntry(AudienceKind.TAG, tag.id)
        for title in ("Склад", "Склад Север"):
            chat = bot.emulator.create_chat(title, anna.user_id, [team.people["Вера"].user_id])
            await db.upsert_chat(chat.chat_id, title=title, chat_type="chat", added_by=None)
            await db.link_chat(chat.chat_id, team.id, None)
            names[f"💬{title}"] = AudienceEntry(AudienceKind.CHAT, chat.chat_id)
    return team, names


async def newest(bot: Bot, phone: Phone) -> Event:
    return max(await events_of(bot, phone), key=lambda e: e.id)


async def test_remind_takes_the_longest_name_the_team_knows(bot: Bot) -> None:
    team, names = await team_with_names(bot)
    anna = team.people["Анна"]
    answer = await anna.say("/remind #Отдел продаж через 3 минуты позвонить клиенту")
    assert "Не нашёл" not in answer and "#Отдел продаж" in answer, answer
    event = await newest(bot, anna)
    assert event.audience == (names["#Отдел продаж"],)
    assert event.title == "позвонить клиенту"
    # The shorter name is still a name of its own.
    await anna.say("/remind #Отдел завтра в 9 сдать отчёт")
    event = await newest(bot, anna)
    assert event.audience == (names["#Отдел"],) and event.title == "сдать отчёт"
    # Quotes name it exactly; a tag and a chat may have spaces too; so may a person.
    await anna.say("/remind #«Отдел продаж» завтра в 10 планёрка")
    assert (await newest(bot, anna)).audience == (names["#Отдел продаж"],)
    await anna.say("/remind #водители склада, @Борис Иванов завтра в 11 путевые листы")
    event = await newest(bot, anna)
    member = AudienceEntry(AudienceKind.MEMBER, team.people["Борис Иванов"].user_id)
    assert event.audience == (names["🏷"], member) and event.title == "путевые листы"
    await anna.say("/remind #Склад Север завтра в 12 приёмка")
    event = await newest(bot, anna)
    assert event.audience == (names["💬Склад Север"],) and event.title == "приёмка"
    assert "Не нашёл «#Бухгалтерия»" in await anna.say("/remind #Бухгалтерия завтра в 9 акты")


async def test_notify_takes_names_with_spaces(bot: Bot) -> None:
    team, names = await team_with_names(bot)
    anna, boris = team.people["Анна"], team.people["Борис Иванов"]
    answer = await anna.say("/notify #Отдел продаж Собрание переносится на 15:00")
    assert "Отправляю" in answer and "#Отдел продаж" in answer, answer
    await wait_for_text(boris, "Собрание переносится на 15:00")
    event = await newest(bot, anna)
    assert event.audience == (names["#Отдел продаж"],)
    assert event.title == "Собрание переносится на 15:00"


async def test_a_name_several_things_share_is_chosen_with_buttons(bot: Bot) -> None:
    team, names = await team_with_names(bot)
    anna = team.people["Анна"]
    answer = await anna.say("/remind #Склад завтра в 9 инвентаризация")
    assert "«#Склад»" in answer and "Кого вы имели в виду" in answer, answer
    labels = [b["text"] for b in anna.buttons()]
    assert labels == ["группа «Склад»", "чат «Склад»"], labels
    await anna.press("чат «Склад»")
    echo = await wait_for_text(anna, "Напомню")
    assert "инвентаризация" in echo
    event = await newest(bot, anna)
    assert event.audience == (names["💬Склад"],) and event.title == "инвентаризация"
    # The /event one-liner asks the same way.
    answer = await anna.say("/event Ревизия; завтра в 10; #Склад, @vera; за 15 минут")
    assert "Кого вы имели в виду" in answer, answer
    await anna.press("группа «Склад»")
    await wait_for_text(anna, "Ревизия")
    event = await newest(bot, anna)
    vera = AudienceEntry(AudienceKind.MEMBER, team.people["Вера"].user_id)
    assert event.title == "Ревизия" and event.audience == (names["#Склад"], vera)


async def test_namesakes_are_chosen_with_buttons(bot: Bot) -> None:
    team = await make_team(
        bot,
        {
            "Ольга": ("olga", Role.ORGANIZER),
            "Анна Петрова": ("anna_p", Role.MEMBER),
            "Анна Смирнова": ("anna_s", Role.MEMBER),
        },
    )
    olga = team.people["Ольга"]
    answer = await olga.say("/remind @Анна завтра в 9 принести ключи")
    assert "Кого вы имели в виду" in answer, answer
    await olga.press("Анна Смирнова")
    await wait_for_text(olga, "принести ключи")
    event = await newest(bot, olga)
    assert event.audience == (
        AudienceEntry(AudienceKind.MEMBER, team.people["Анна Смирнова"].user_id),
    )
    # A full name with a space needs no choice.
    await olga.say("/remind @Анна Петрова завтра в 10 отчёт")
    event = await newest(bot, olga)
    assert event.audience == (
        AudienceEntry(AudienceKind.MEMBER, team.people["Анна Петрова"].user_id),
    )


async def test_the_event_dialog_offers_linked_chats(bot: Bot) -> None:
    team, _ = await team_with_names(bot)
    anna = team.people["Анна"]
    await anna.say("/event")
    await anna.say("Приёмка товара")
    await anna.say("завтра в 15:00")
    await anna.press("без повтора")
    labels = [b["text"] for b in anna.buttons()]
    assert "💬 Склад Север" in labels and "💬 Склад" in labels, labels
    await anna.press("💬 Склад Север")
    labels = [b["text"] for b in anna.buttons()]
    assert "✅ 💬 Склад Север" in labels, labels
    # A typed name several things share: one button per reading.
    answer = await anna.say("#Склад")
    assert "Кого вы имели в виду" in answer, answer
    labels = [b["text"] for b in anna.buttons()]
    assert labels == ["группа «Склад»", "чат «Склад»"], labels
    await anna.press("группа «Склад»")
    labels = [b["text"] for b in anna.buttons()]
    assert "✅ #Склад" in labels and "✅ 💬 Склад Север" in labels, labels
    # And a typed name with spaces resolves.
    answer = await anna.say("#Отдел продаж, #Склад Север")
    assert "Кого вы имели в виду" not in answer and "Не нашёл" not in answer, answer


async def test_an_english_organizer_chooses_in_english(bot: Bot) -> None:
    team = await make_team(
        bot,
        {"Jane": ("jane", Role.ORGANIZER), "Bob": ("bob", Role.MEMBER)},
        {"Sales team": ["Bob"]},
        locales={"Jane": "en", "Bob": "en"},
    )
    jane = team.people["Jane"]
    async with database(bot) as db:
        chat = bot.emulator.create_chat("Sales team", jane.user_id, [team.people["Bob"].user_id])
        await db.upsert_chat(chat.chat_id, title="Sales team", chat_type="chat", added_by=None)
        await db.link_chat(chat.chat_id, team.id, None)
    answer = await jane.say("/remind #Sales team tomorrow at 9am send the report")
    assert "“#Sales team” could mean several recipients" in answer, answer
    labels = [b["text"] for b in jane.buttons()]
    assert labels == ["group “Sales team”", "chat “Sales team”"], labels
    await jane.press("group “Sales team”")
    echo = await wait_for_text(jane, "I will remind")
    assert "#Sales team" in echo and "send the report" in echo, echo
    event = await newest(bot, jane)
    assert event.audience == (AudienceEntry(AudienceKind.GROUP, team.groups["Sales team"]),)
