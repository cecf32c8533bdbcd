"""The one-liner, and /events: view, cancel, export to .ics."""

from __future__ import annotations

from maxremind.domain.models import EventStatus, Role
from tests.bot.conftest import Bot
from tests.bot.test_events_support import database, events_of, make_team, wait_for_text

LINE = "/event Планёрка; каждый понедельник в 10:00; #отдел-продаж; за 1 день, за 15 минут; подтверждение"


async def test_one_liner_creates_and_echoes_the_event(bot: Bot) -> None:
    team = await make_team(
        bot,
        {"Анна": ("anna", Role.ORGANIZER), "Борис": ("boris", Role.MEMBER)},
        {"Отдел продаж": ["Борис"]},
    )
    echo = await team.people["Анна"].say(LINE)
    assert "Событие создано" in echo
    for part in ("Планёрка", "10:00 МСК", "каждый понедельник", "#Отдел продаж"):
        assert part in echo
    assert "за 1 день, за 15 минут" in echo and "с подтверждением" in echo
    (event,) = await events_of(bot, team.people["Анна"])
    assert event.rrule == "FREQ=WEEKLY;BYDAY=MO" and event.confirm_required


async def test_malformed_one_liners_say_which_part_and_show_an_example(bot: Bot) -> None:
    team = await make_team(bot, {"Анна": ("anna", Role.ORGANIZER)})
    anna = team.people["Анна"]
    answer = await anna.say("/event Планёрка; когда-нибудь потом; @all")
    assert "Не понял время" in answer and "Пример: /event" in answer
    answer = await anna.say("/event Планёрка; завтра в 10; #нет-такой-группы")
    assert "#нет-такой-группы" in answer and "Пример" in answer
    answer = await anna.say("/event Планёрка завтра в 10")
    assert "формат" in answer and ";" in answer
    assert "прошло" in await anna.say("/event Планёрка; вчера в 10:00; @all")
    assert await events_of(bot, anna) == []


async def test_events_list_view_export_and_cancel(bot: Bot) -> None:
    team = await make_team(
        bot,
        {"Анна": ("anna", Role.ORGANIZER), "Борис": ("boris", Role.MEMBER)},
        {"Отдел продаж": ["Борис"]},
    )
    anna, boris = team.people["Анна"], team.people["Борис"]
    await anna.say(LINE)

    # Boris is invited: he sees it with his (missing) answer, and no manage buttons.
    listing = await boris.say("/events")
    assert "Планёрка" in listing and "—" in listing
    assert not any(b["text"] == "✖️" for b in boris.buttons())
    await boris.press("🔎 1.")
    details = await wait_for_text(boris, "Ближайшие даты")
    assert "Ваш ответ: —" in details and "каждый понедельник" in details
    assert any("✅" in b["text"] for b in boris.buttons())

    # Export: an .ics file arrives as an attachment.
    await boris.press("📅")
    await wait_for_text(boris, "календарь")
    files = [a for a in boris.messages()[-1].attachments if a["type"] == "file"]
    assert files and files[0]["filename"] == "event.ics"
    assert files[0]["size"] > 200  # the content itself is checked in tests/calendar

    # Anna runs it: she may cancel, after confirming.
    listing = await anna.say("/events")
    assert "👤 ваше" in listing
    await anna.press("✖️")
    assert "Отменить «Планёрка»?" in anna.last()
    await anna.press("Да, отменить")
    await wait_for_text(anna, "отменено")
    (event,) = await events_of(bot, anna)
    assert event.status is EventStatus.CANCELLED
    assert "нет" in (await boris.say("/events")).lower()


async def test_edit_reopens_the_dialog_prefilled(bot: Bot) -> None:
    team = await make_team(
        bot,
        {"Анна": ("anna", Role.ORGANIZER), "Борис": ("boris", Role.MEMBER)},
        {"Отдел продаж": ["Борис"]},
    )
    anna = team.people["Анна"]
    await anna.say(LINE)
    await anna.say("/events")
    await anna.press("✏️")
    summary = await wait_for_text(anna, "Изменение события")
    assert "Планёрка" in summary and "#Отдел продаж" in summary
    await anna.press("Изменить")
    await anna.press("Время")
    assert "проверьте" in await anna.say("каждый вторник в 11:00")
    await anna.press("Сохранить")
    assert "каждый вторник" in await wait_for_text(anna, "Событие изменено")
    async with database(bot) as db:
        (event,) = await db.list_events(organizer_id=anna.user_id)
    assert event.rrule == "FREQ=WEEKLY;BYDAY=TU" and event.start_local.hour == 11
