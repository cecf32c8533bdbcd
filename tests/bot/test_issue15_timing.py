"""Issue 15, timing: far reminders keep their date in sight; early or late sends say why;
a step already past when its event is created is not an outage."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from maxremind.domain.models import EventStatus, ReminderTarget, Role
from tests.bot.conftest import Bot
from tests.bot.test_events_support import database, events_of, make_team, wait_for_text

MOSCOW = ZoneInfo("Europe/Moscow")
GENITIVE = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]


def ru_date(day: datetime) -> str:
    return f"{day.day} {GENITIVE[day.month - 1]} {day.year}"


async def test_far_reminders_show_their_date_are_listed_and_cancelled(bot: Bot) -> None:
    olga = bot.phone("Ольга")
    await olga.start()
    now = datetime.now(UTC).astimezone(MOSCOW)
    march = datetime(now.year + (now.month >= 3), 3, 15)
    asked = {
        "через 40 дней": ru_date(now + timedelta(days=40)),
        "через 6 месяцев": ru_date(now.replace(day=1) + timedelta(days=31 * 6)).split(" ", 1)[1],
        "через год": ru_date(now.replace(year=now.year + 1)),
        "15 марта в 10:00": ru_date(march) + ", 10:00",
    }
    for when, date in asked.items():
        answer = await olga.say(f"/remind {when} дело {when}")
        assert answer.startswith("⏰ Напомню ") and date in answer, (when, answer)
        assert answer.endswith(f"МСК: дело {when}"), answer
    listing = await olga.say("/reminders")
    for number, when in enumerate(("40 дней", "15 марта", "6 месяцев", "год"), 1):
        (line,) = [ln for ln in listing.splitlines() if ln.startswith(f"{number}. ")]
        assert line.endswith(f"дело через {when}") or line.endswith(f"дело {when} в 10:00"), line
        assert asked[next(k for k in asked if when in k)] in line
    await olga.press("✖️ 4.")
    assert "«дело через год» отменено" in await wait_for_text(olga, "отменено")
    statuses = {e.title: e.status for e in await events_of(bot, olga)}
    assert statuses["дело через год"] is EventStatus.CANCELLED
    assert statuses["дело через 40 дней"] is EventStatus.ACTIVE
    assert "через год" not in await olga.say("/reminders")


async def test_far_reminder_in_english_shows_its_date(bot: Bot) -> None:
    emma = bot.phone("Emma", locale="en")
    await emma.start()
    answer = await emma.say("/remind in 40 days renew the insurance")
    day = datetime.now(UTC).astimezone(MOSCOW) + timedelta(days=40)
    assert answer.startswith("⏰ I will remind you ") and str(day.year) in answer, answer
    assert f"{day.day}" in answer and answer.endswith(": renew the insurance")
    assert "renew the insurance" in await emma.say("/reminders")


async def test_quiet_hours_early_send_says_why_and_own_reminder_is_not_moved(bot: Bot) -> None:
    team = await make_team(bot, {"Анна": ("anna", Role.ORGANIZER), "Борис": ("boris", Role.MEMBER)})
    anna, boris = team.people["Анна"], team.people["Борис"]
    # Boris's quiet hours begin at the next minute and last half an hour.
    begin = datetime.now(UTC).astimezone(MOSCOW).replace(second=0, microsecond=0)
    begin += timedelta(minutes=1)
    quiet = f"{begin:%H:%M}-{begin + timedelta(minutes=30):%H:%M}"
    assert quiet in await boris.say(f"/quiet {quiet}")
    # Anna's reminder falls inside them, and so does its start: it goes before they
    # begin (now), and says so.
    await anna.say("/remind @boris через 4 минуты сдать ключи")
    early = await wait_for_text(boris, "сдать ключи")
    assert "🌙 Пришло раньше: по плану — " in early and f"тихие часы ({quiet})" in early
    assert "сервис был недоступен" not in early
    # His own reminder goes when he asked for it, quiet hours or not.
    await boris.say("/remind через 1 минуту выпить воды")
    await asyncio.sleep(15)
    assert not any("🔔 выпить воды" in text for text in boris.texts())  # not moved earlier
    own = await wait_for_text(boris, "🔔 выпить воды", within=90)
    assert "🌙" not in own


async def test_event_made_after_its_reminder_was_due_says_short_notice_or_skips(bot: Bot) -> None:
    team = await make_team(
        bot,
        {
            "Анна": ("anna", Role.ADMIN),
            "Борис": ("boris", Role.MEMBER),
            "Vera": ("vera", Role.MEMBER),
        },
        locales={"Vera": "en"},
    )
    anna, boris, vera = (team.people[n] for n in ("Анна", "Борис", "Vera"))
    await anna.say("/event Планёрка; через 3 часа; @всем; за 1 день, за 1 час; подтверждение")
    told = await wait_for_text(boris, "🔔 Планёрка")
    assert "ℹ️ Событие назначено меньше чем за 1 день до начала" in told
    assert "⚠️" not in told and "недоступен" not in told
    told_en = await wait_for_text(vera, "🔔 Планёрка")
    assert "ℹ️ The event was scheduled less than 1 day before the start" in told_en
    await asyncio.sleep(2)
    # No summary of answers nobody could give yet, and one message each.
    assert not any(t.startswith("📋") for t in anna.texts())
    assert sum("🔔 Планёрка" in t for t in boris.texts()) == 1
    # The admin chooses to skip such reminders instead.
    current = await anna.say("/shortnotice")
    assert "приходит сразу, с пометкой" in current
    await anna.press("⏭ Пропускать")
    assert "пропускается" in await wait_for_text(anna, "Готово")
    await anna.say("/event Обед; через 2 часа; @всем; за 1 день; подтверждение")
    await asyncio.sleep(2)  # the engine handles the step at once
    async with database(bot) as db:
        (lunch,) = [e for e in await db.list_events(team_id=team.id) if e.title == "Обед"]
        (occurrence,) = await db.list_occurrences(lunch.id)
        jobs = await db.list_jobs(occurrence.id)
    (job,) = [j for j in jobs if j.target is ReminderTarget.ALL]
    assert job.skip_reason == "its time had passed when the event was saved (the team skips these)"
    assert not any("Обед" in t for t in boris.texts())
    # Admins only; in English for an English member.
    assert "admin" in (await vera.say("/shortnotice")).lower()


async def test_far_event_shows_its_date_and_is_listed(bot: Bot) -> None:
    team = await make_team(bot, {"Анна": ("anna", Role.ORGANIZER), "Борис": ("boris", Role.MEMBER)})
    anna, boris = team.people["Анна"], team.people["Борис"]
    now = datetime.now(UTC).astimezone(MOSCOW)
    march = ru_date(datetime(now.year + (now.month >= 3), 3, 15))
    echo = "\n".join(await anna.say_all("/event Годовое собрание; 15 марта в 10:00; @всем"))
    assert f"{march}, 10:00" in echo, echo
    yearly = "\n".join(await anna.say_all("/event Юбилей; каждый год 20 октября в 18:00; @всем"))
    assert "20 октября" in yearly and "18:00" in yearly, yearly
    for phone in (anna, boris):
        listing = "\n".join(await phone.say_all("/events"))
        assert "Годовое собрание" in listing and "Юбилей" in listing, listing
