"""Insights in MAX through the emulator: /stats for an organizer and for a member, the
owner's per-member privacy switch, the weekly digest (once per week, also across a
restart) and the who-came checklist after an event.

The ledger of the past is written into the running product's database by the test
(deliveries claimed far in the future so the product's own engine never sends them,
then recorded as sent at past times), as the engine would have left it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from maxremind.core.insights_render import last_week
from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    DeliveryKind,
    DeliveryStatus,
    Language,
    NewDelivery,
    NewEvent,
    OccurrenceIn,
    RecipientKind,
    Role,
)
from maxremind.emulator.app import Emulator
from maxremind.engine.insights import digest_key
from maxremind.storage import Storage, open_storage
from tests.bot.conftest import Bot, Phone
from tests.harness import product_settings, running_emulator, running_product, wait_for

MOSCOW = ZoneInfo("Europe/Moscow")
FAR = datetime(2100, 1, 1, tzinfo=UTC)


@asynccontextmanager
async def database(data_dir: Path) -> AsyncIterator[Storage]:
    """A second connection to the running product's database (SQLite, WAL)."""
    async with open_storage(product_settings("http://unused", data_dir).database_url) as db:
        yield db


@dataclass
class Team:
    id: int
    owner: Phone
    anna: Phone  # answers
    boris: Phone  # never answers
    event_id: int = 0
    occurrence_id: int = 0


async def make_team(bot: Bot, *, english: bool = False) -> Team:
    owner = bot.phone("Ольга", username="olga")
    anna = bot.phone(
        "Anna" if english else "Анна", username="anna", locale="en" if english else "ru"
    )
    boris = bot.phone("Борис", username="boris")
    for phone in (owner, anna, boris):
        await phone.start()
    async with database(bot.data_dir) as db:
        team = await db.create_team(
            "Ромашка", timezone="Europe/Moscow", language=Language.RU, created_by=owner.user_id
        )
        await db.add_member(team.id, owner.user_id, Role.OWNER)
        await db.add_member(team.id, anna.user_id, Role.MEMBER)
        await db.add_member(team.id, boris.user_id, Role.MEMBER)
    return Team(team.id, owner, anna, boris)


async def sent_at(db: Storage, occurrence_id: int, user_id: int, at: datetime, step: str) -> None:
    """A reminder recorded as sent at ``at`` (claimed as due in 2100: never by the product)."""
    key = f"seed:{occurrence_id}:{step}:{user_id}"
    await db.add_deliveries(
        [
            NewDelivery(
                key,
                RecipientKind.USER,
                user_id,
                due_at=FAR,
                send_at=FAR,
                occurrence_id=occurrence_id,
            )
        ]
    )
    claimed = await db.claim_deliveries(now=FAR, owner="seed", lease_until=FAR, limit=10)
    assert [d.key for d in claimed] == [key]
    await db.record_sent(key, owner="seed", max_message_id=None, sent_at=at)


async def seed_last_week(bot: Bot, team: Team, moment: datetime) -> None:
    """Last week (before ``moment``'s week, Moscow): one "Планёрка" on Wednesday 12:00,
    reminded at 09:00 to Anna (yes after 12 minutes) and Boris (no answer)."""
    first, _ = last_week(moment.astimezone(MOSCOW).replace(tzinfo=None))
    local = datetime.combine(first + timedelta(days=2), time(12, 0))
    starts = local.replace(tzinfo=MOSCOW).astimezone(UTC)
    async with database(bot.data_dir) as db:
        event = await db.create_event(
            NewEvent(
                team_id=team.id,
                organizer_id=team.owner.user_id,
                title="Планёрка",
                start_local=local,
                timezone="Europe/Moscow",
                audience=(AudienceEntry(AudienceKind.TEAM),),
                confirm_required=True,
                quorum=2,
            )
        )
        (occ,) = await db.upsert_occurrences(event.id, [OccurrenceIn(starts, local)])
        reminded = starts - timedelta(hours=3)
        await sent_at(db, occ.id, team.anna.user_id, reminded, "a")
        await sent_at(db, occ.id, team.boris.user_id, reminded, "a")
        await db.set_confirmation(
            occ.id, team.anna.user_id, Answer.YES, comment="", at=reminded + timedelta(minutes=12)
        )
    team.event_id, team.occurrence_id = event.id, occ.id


# --- /stats ------------------------------------------------------------------------------


async def test_stats_for_the_organizer_and_for_a_member(bot: Bot) -> None:
    team = await make_team(bot)
    await seed_last_week(bot, team, datetime.now(UTC))
    text = await team.owner.say("/stats")
    assert "Статистика · Ромашка · последние 28 дн." in text
    assert "Команда: 1 событие, ответили 50 % (1 из 2)" in text
    assert "медиана ответа 12 мин" in text
    assert "Ответы: да 1, нет 0, может быть 0, без ответа 1." in text
    assert "Кворум собран: 0 из 1." in text
    assert "• Борис — 0 из 1 (0 %)" in text
    assert "Анна —" not in text  # she answered everything
    labels = [b["text"] for b in team.owner.buttons()]
    assert labels == ["🔔 Присылать итоги недели", "🙈 Выключить статистику по участникам"]
    # a switch answers with a toast and redraws the message with the switch turned
    note = await team.owner.press("Присылать итоги недели")
    assert note.startswith("Готово: итоги недели будут приходить по понедельникам в 09:00 (МСК)")
    stats = team.owner.messages()[-1]
    assert "Итоги недели приходят вам по понедельникам в 09:00 (МСК)." in (stats.text or "")
    assert stats.buttons()[0]["text"] == "🔕 Не присылать итоги недели"

    mine = await team.boris.say("/stats")
    assert "Команда:" not in mine and "Реже всех" not in mine
    assert "Вы: ответили на 0 из 1 (0 %)" in mine
    assert team.boris.buttons() == []  # a member has nothing to switch


async def test_stats_in_english_has_no_cyrillic_but_names(bot: Bot) -> None:
    team = await make_team(bot, english=True)
    await seed_last_week(bot, team, datetime.now(UTC))
    text = await team.anna.say("/stats")
    assert "You: answered 1 of 1 (100%), median time to answer 12 min, yes 100%." in text
    assert not re.search(r"[А-Яа-яЁё]", text.replace("Ромашка", ""))


async def test_the_owner_turns_per_member_statistics_off_and_on(bot: Bot) -> None:
    team = await make_team(bot)
    await seed_last_week(bot, team, datetime.now(UTC))
    await team.owner.say("/stats")
    note = await team.owner.press("Выключить статистику по участникам")
    assert note == "Статистика по участникам выключена: организаторы видят только общие цифры."
    text = await team.owner.say("/stats")
    assert "Статистика по участникам выключена владельцем команды." in text
    assert "Борис" not in text
    assert "Команда: 1 событие" in text  # the team's numbers stay
    assert "👁 Включить статистику по участникам" in [b["text"] for b in team.owner.buttons()]
    assert await team.owner.press("Включить статистику") == "Статистика по участникам включена."
    assert "• Борис — 0 из 1 (0 %)" in (team.owner.messages()[-1].text or "")


# --- the weekly digest -------------------------------------------------------------------


@asynccontextmanager
async def product(emulator: Emulator, url: str, data_dir: Path) -> AsyncIterator[Bot]:
    async with running_product(product_settings(url, data_dir, log_level="info")) as running:
        yield Bot(emulator, running, data_dir)


def digests(phone: Phone) -> list[str]:
    return [t for t in phone.texts() if t.startswith("📊 Итоги недели")]


async def test_the_weekly_digest_comes_once_a_week_also_across_a_restart(tmp_path: Path) -> None:
    async with running_emulator() as (emulator, url):
        async with product(emulator, url, tmp_path) as bot:
            team = await make_team(bot)
            # The team's digest time: two minutes ago, in the team's zone.
            moment = datetime.now(UTC) - timedelta(minutes=2)
            local = moment.astimezone(MOSCOW)
            await seed_last_week(bot, team, moment)
            reply = await team.owner.say("/digest")
            assert "вам они не приходят" in reply and "/digest on" in reply
            assert "«/digest пт 17:30»" in reply  # the owner may set the day and time
            async with database(bot.data_dir) as db:
                await db.set_insight_settings(
                    team.id,
                    digest_weekday=local.weekday(),
                    digest_minute=local.hour * 60 + local.minute,
                    at=moment,
                )
                # subscribed before this week's moment (else next week's is the first)
                await db.set_digest_subscription(
                    team.id, team.owner.user_id, True, at=moment - timedelta(hours=1)
                )
            # A member may not ask for it.
            refused = await team.boris.say("/digest on")
            assert "роль «организатор»" in refused
            # Any poke of the engine (here: the owner's /digest on) makes it look now.
            reply = await team.owner.say("/digest on")
            assert reply.startswith("Готово: итоги недели будут приходить по ")
            await wait_for(lambda: len(digests(team.owner)) == 1, 30, "the digest")
            (digest,) = digests(team.owner)
            assert "Итоги недели · Ромашка" in digest
            assert ": 1 событие, ответили 50 %, медиана 12 мин." in digest
            assert "Кворум собран: 0 из 1." in digest
            assert "Без единого ответа на 1 напоминание: 1 человек — Борис." in digest
            assert team.boris.texts().count(digest) == 0
            # More rounds, pokes and a changed time within the week: still one.
            await team.owner.say("/digest on")
            await asyncio.sleep(6)
            assert len(digests(team.owner)) == 1
        async with product(emulator, url, tmp_path) as bot:
            await team.owner.say("/digest on")  # pokes the restarted engine
            await asyncio.sleep(7)
            assert len(digests(team.owner)) == 1
            async with database(bot.data_dir) as db:
                key = digest_key(team.id, team.owner.user_id, local)
                delivery = await db.get_delivery(key)
            assert (delivery.kind, delivery.status) == (DeliveryKind.DIGEST, DeliveryStatus.SENT)


async def test_digest_settings_by_command(bot: Bot) -> None:
    team = await make_team(bot)
    # a team without events: sensible empty statistics
    empty = await team.owner.say("/stats")
    assert "За это время не было событий, где просили подтвердить участие." in empty
    assert "Вас за это время ни о чём не спрашивали." in empty
    reply = await team.owner.say("/digest пт 17:30")
    assert reply == "Итоги недели для команды «Ромашка» теперь выходят по пятницам в 17:30 (МСК)."
    assert (await team.owner.say("/digest когда-нибудь")).startswith("Не понял «когда-нибудь».")
    reply = await team.owner.say("/digest on")
    assert reply == "Готово: итоги недели будут приходить по пятницам в 17:30 (МСК)."
    await team.owner.say("/stats")
    assert "🔕 Не присылать итоги недели" in [b["text"] for b in team.owner.buttons()]
    note = await team.owner.press("Не присылать итоги недели")
    assert note.startswith("Итоги недели больше не придут.")
    async with database(bot.data_dir) as db:
        assert await db.digest_subscribers(team.id) == []
        settings = await db.get_insight_settings(team.id)
    assert (settings.digest_weekday, settings.digest_minute) == (4, 17 * 60 + 30)


# --- who came ----------------------------------------------------------------------------


async def test_who_came_checklist_after_the_event(bot: Bot) -> None:
    team = await make_team(bot)
    starts = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=3)
    local = starts.astimezone(MOSCOW).replace(tzinfo=None)
    async with database(bot.data_dir) as db:
        event = await db.create_event(
            NewEvent(
                team_id=team.id,
                organizer_id=team.owner.user_id,
                title="Субботник",
                start_local=local,
                timezone="Europe/Moscow",
                audience=(AudienceEntry(AudienceKind.TEAM),),
                confirm_required=True,
            )
        )
        (occ,) = await db.upsert_occurrences(event.id, [OccurrenceIn(starts, local)])
        for phone in (team.anna, team.boris):
            await db.set_confirmation(occ.id, phone.user_id, Answer.YES, comment="", at=starts)
    await team.owner.say("/digest on")  # pokes the engine
    await wait_for(lambda: any("Кто пришёл" in t for t in team.owner.texts()), 30, "checklist")
    checklist = next(m for m in team.owner.messages() if "Кто пришёл" in (m.text or ""))
    assert checklist.text is not None and "«Субботник»" in checklist.text
    assert "Отмечено 0 из 2, пришли 0." in checklist.text
    assert [b["text"] for b in checklist.buttons()] == ["▫️ Анна", "▫️ Борис"]

    # A double tap (two presses of one drawn button, both queued before the bot handles
    # either) sets the same mark twice: Anna came, once.
    anna_button = next(b for b in checklist.buttons() if "Анна" in b["text"])
    world = bot.emulator.world
    before = len(team.owner.notifications())
    callbacks = [
        bot.emulator.press_button(team.owner.user_id, checklist.mid, anna_button["payload"])
        for _ in range(2)
    ]
    await wait_for(lambda: all(world.callbacks[c.callback_id].answers > 0 for c in callbacks))
    await asyncio.sleep(0.2)
    assert team.owner.notifications()[before:] == ["Анна: пришёл", "Анна: пришёл"]
    edited = next(m for m in team.owner.messages() if m.mid == checklist.mid)
    assert [b["text"] for b in edited.buttons()] == ["✅ Анна", "▫️ Борис"]
    assert "Отмечено 1 из 2, пришли 1." in (edited.text or "")
    assert await team.owner.press("Борис", edited) == "Борис: пришёл"
    edited = next(m for m in team.owner.messages() if m.mid == checklist.mid)
    assert await team.owner.press("✅ Борис", edited) == "Борис: не пришёл"
    async with database(bot.data_dir) as db:
        assert await db.attendance_of(occ.id) == {
            team.anna.user_id: True,
            team.boris.user_id: False,
        }
    # Sent once: the planner's next looks add nothing.
    await team.owner.say("/digest off")
    await asyncio.sleep(6)
    assert sum("Кто пришёл" in t for t in team.owner.texts()) == 1
    async with database(bot.data_dir) as db:
        ledger = await db.ledger(occurrence_id=occ.id, limit=10)
    assert ledger[1] == 0  # the checklist is not one of the date's reminders
