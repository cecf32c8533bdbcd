"""The one-liner ``/event title; when; audience; reminders; flags`` → NewEvent, and its errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from maxremind.domain.models import AudienceEntry, AudienceKind, Language, ReminderTarget, Role
from maxremind.domain.timesplit import SplitError, split_when
from maxremind.services.oneliner import (
    LineContext,
    LineError,
    parse_event_line,
    parse_flags,
    split_audience,
)
from maxremind.storage import Storage, open_storage

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # Wednesday, 12:00 in Moscow
MSK = ZoneInfo("Europe/Moscow")


@dataclass
class World:
    storage: Storage
    line: LineContext
    anna: int
    boris: int
    sales: int
    tag: int


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with open_storage(f"sqlite:///{tmp_path / 'db.sqlite'}") as storage:
        team = await storage.create_team(
            "Ромашка", timezone="Europe/Moscow", language=Language.RU, created_by=None
        )
        anna = (await storage.upsert_user(1, name="Анна Петрова", username="anna")).user_id
        boris = (await storage.upsert_user(2, name="Борис", username="boris")).user_id
        await storage.upsert_user(3, name="Анна Смирнова", username=None)
        for user_id, role in ((1, Role.ORGANIZER), (2, Role.MEMBER), (3, Role.MEMBER)):
            await storage.add_member(team.id, user_id, role)
        sales = await storage.create_group(team.id, "Отдел продаж")
        tag = await storage.create_tag(team.id, "водители")
        line = LineContext(team.id, anna, MSK, NOW, "ru")
        yield World(storage, line, anna, boris, sales.id, tag.id)


GOOD = [
    (
        "Планёрка; каждый понедельник в 10:00; #отдел-продаж; за 1 день, за 15 минут; подтверждение",
        {
            "title": "Планёрка",
            "start": datetime(2026, 11, 30, 10, 0),
            "rrule": "FREQ=WEEKLY;BYDAY=MO",
        },
    ),
    ("Отчёт; завтра в 18:00; @all", {"start": datetime(2026, 11, 26, 18, 0), "rrule": None}),
    ("Рейс; 1 декабря в 7:30; #водители, @boris; за 2 часа; срочно", {"urgent": True}),
    ("Собрание; в пятницу в 15:00; Борис; за 1 час; кворум 2", {"quorum": 2, "confirm": True}),
    ("Standup; every Monday at 10; @all; 15 minutes before; confirm", {"confirm": True}),
    ("Обед; завтра; @all", {"start": datetime(2026, 11, 26, 9, 0)}),  # a day → 09:00
]


@pytest.mark.parametrize(("text", "expected"), GOOD)
async def test_good_one_liners_become_events(world: World, text: str, expected: dict) -> None:
    spec = await parse_event_line(world.storage, text, world.line)
    assert spec.team_id == world.line.team_id and spec.organizer_id == world.anna
    assert spec.timezone == "Europe/Moscow"
    if "title" in expected:
        assert spec.title == expected["title"]
    if "start" in expected:
        assert spec.start_local == expected["start"]
    if "rrule" in expected:
        assert spec.rrule == expected["rrule"]
    assert spec.urgent is expected.get("urgent", spec.urgent)
    assert spec.quorum == expected.get("quorum", spec.quorum)
    assert spec.confirm_required is expected.get("confirm", spec.confirm_required)


async def test_audience_tokens_resolve_to_groups_tags_members_and_team(world: World) -> None:
    spec = await parse_event_line(
        world.storage,
        "Рейс; завтра в 9; #Отдел продаж, #водители @boris Анна Петрова, @all",
        world.line,
    )
    assert spec.audience == (
        AudienceEntry(AudienceKind.GROUP, world.sales),
        AudienceEntry(AudienceKind.TAG, world.tag),
        AudienceEntry(AudienceKind.MEMBER, world.boris),
        AudienceEntry(AudienceKind.MEMBER, world.anna),
        AudienceEntry(AudienceKind.TEAM),
    )


async def test_confirmation_builds_an_escalation_ladder(world: World) -> None:
    spec = await parse_event_line(
        world.storage,
        "Планёрка; завтра в 10:00; @all; за 1 день, за 1 час, за 15 минут; подтверждение",
        world.line,
    )
    steps = [(r.offset, r.target) for r in spec.reminders]
    assert steps == [
        (timedelta(days=1), ReminderTarget.ALL),
        (timedelta(hours=1), ReminderTarget.UNANSWERED),
        (timedelta(minutes=15), ReminderTarget.UNANSWERED),
        (timedelta(minutes=15), ReminderTarget.ORGANIZER_SUMMARY),
    ]


async def test_without_reminders_the_default_is_an_hour_before(world: World) -> None:
    spec = await parse_event_line(world.storage, "Отчёт; завтра в 18:00; @all", world.line)
    assert [(r.offset, r.target) for r in spec.reminders] == [
        (timedelta(hours=1), ReminderTarget.ALL)
    ]


BAD = [
    ("Только название", "format", None),
    ("Планёрка; завтра", "format", None),
    ("; завтра в 10; @all", "title", None),
    ("Планёрка; когда-нибудь; @all", "when", "not_understood"),
    ("Планёрка; вчера в 10:00; @all", "when", "past"),
    ("Планёрка; завтра в 3; @all", "when", "ambiguous"),
    ("Планёрка; завтра в 10; #нет-такой", "audience", "unknown"),
    ("Планёрка; завтра в 10; Анна", "audience", "ambiguous"),
    ("Планёрка; завтра в 10; ", "audience", "empty"),
    ("Планёрка; завтра в 10; @all; за полгода и ещё немного", "reminders", "not_understood"),
    ("Планёрка; завтра в 10; @all; за 15 минут; громко", "flags", "not_understood"),
]


@pytest.mark.parametrize(("text", "part", "reason"), BAD)
async def test_bad_one_liners_name_the_part(
    world: World, text: str, part: str, reason: str | None
) -> None:
    with pytest.raises(LineError) as caught:
        await parse_event_line(world.storage, text, world.line)
    assert caught.value.part == part
    if reason:
        assert caught.value.reason == reason
    if reason == "ambiguous" and part == "when":
        assert len(caught.value.alternatives) == 2


def test_flags_in_both_languages() -> None:
    assert parse_flags("подтверждение, срочно") == parse_flags("confirm urgent")
    flags = parse_flags("с подтверждением, кворум 5")
    assert flags.confirm and flags.quorum == 5 and not flags.urgent


def test_audience_splits_names_with_spaces() -> None:
    assert split_audience("#отдел продаж @anna Иван Петров, @all") == [
        "#отдел продаж",
        "@anna",
        "Иван Петров",
        "@all",
    ]


def test_remind_takes_the_longest_leading_time() -> None:
    when, text = split_when("через 2 часа позвонить в бухгалтерию", now=NOW, tz=MSK, lang="ru")
    assert when.start == NOW + timedelta(hours=2) and text == "позвонить в бухгалтерию"
    when, text = split_when("завтра в 9 встреча в 10", now=NOW, tz=MSK, lang="ru")
    assert when.start == datetime(2026, 11, 26, 9, tzinfo=MSK) and text == "встреча в 10"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("позвонить маме", "not_understood"),
        ("завтра в 10", "empty"),
        ("завтра в 3 позвонить", "ambiguous"),
    ],
)
def test_remind_without_a_usable_time(text: str, reason: str) -> None:
    with pytest.raises(SplitError) as caught:
        split_when(text, now=NOW, tz=MSK, lang="ru")
    assert caught.value.reason == reason
    if reason == "ambiguous":
        assert caught.value.text == "позвонить" and len(caught.value.alternatives) == 2
