"""Issue 15, timing: far reminders keep their date in sight; early or late sends say why;
a step already past when its event is created is not an outage."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from maxremind.domain.models import EventStatus, Role
from tests.bot.conftest import Bot
from tests.bot.test_events_support import events_of, make_team, wait_for_text

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
