"""Issue 15: names with spaces at the start of /remind and /notify, quotes, names several
things share, and flags written as separate parts of the /event one-liner."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from maxremind.domain.models import AudienceEntry, AudienceKind, Language, Role
from maxremind.services.oneliner import (
    LineContext,
    LineError,
    leading_audience,
    parse_audience,
    parse_event_line,
)
from maxremind.storage import Storage, open_storage

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
MSK = ZoneInfo("Europe/Moscow")


@dataclass
class World:
    storage: Storage
    team_id: int
    line: LineContext
    entries: dict[str, AudienceEntry]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with open_storage(f"sqlite:///{tmp_path / 'db.sqlite'}") as storage:
        team = await storage.create_team(
            "Ромашка", timezone="Europe/Moscow", language=Language.RU, created_by=None
        )
        entries: dict[str, AudienceEntry] = {}
        for user_id, name, username in ((1, "Анна Петрова", "anna"), (2, "Борис Иванов", None)):
            await storage.upsert_user(user_id, name=name, username=username)
            await storage.add_member(team.id, user_id, Role.ORGANIZER)
            entries[name] = AudienceEntry(AudienceKind.MEMBER, user_id)
        for name in ("Отдел", "Отдел продаж", "Склад"):
            group = await storage.create_group(team.id, name)
            entries[f"#{name}"] = AudienceEntry(AudienceKind.GROUP, group.id)
        tag = await storage.create_tag(team.id, "водители склада")
        entries["tag"] = AudienceEntry(AudienceKind.TAG, tag.id)
        await storage.upsert_chat(-100, title="Склад", chat_type="chat", added_by=None)
        await storage.link_chat(-100, team.id, None)
        entries["chat"] = AudienceEntry(AudienceKind.CHAT, -100)
        line = LineContext(team.id, 1, MSK, NOW, "ru")
        yield World(storage, team.id, line, entries)


@pytest.mark.parametrize(
    ("text", "names", "rest"),
    [
        ("#Отдел продаж через 3 минуты позвонить", ["#Отдел продаж"], "через 3 минуты позвонить"),
        ("#Отдел через 3 минуты позвонить", ["#Отдел"], "через 3 минуты позвонить"),
        ("#отдел-продаж завтра в 9 отчёт", ["#Отдел продаж"], "завтра в 9 отчёт"),
        ("#Отдел_продаж завтра в 9 отчёт", ["#Отдел продаж"], "завтра в 9 отчёт"),
        ("#«Отдел продаж» завтра отчёт", ["#Отдел продаж"], "завтра отчёт"),
        ('#"Отдел" продаж', ["#Отдел"], "продаж"),
        ("#Отдел продаж; текст", ["#Отдел продаж"], "текст"),
        ("#водители склада, @Борис Иванов завтра", ["tag", "Борис Иванов"], "завтра"),
        ("@anna #Отдел завтра", ["Анна Петрова", "#Отдел"], "завтра"),
        ("@all через час собрание", [], "через час собрание"),
        ("без адресата", [], "без адресата"),
    ],
)
async def test_leading_names_take_the_longest_known(
    world: World, text: str, names: list[str], rest: str
) -> None:
    lead = await leading_audience(world.storage, world.team_id, text)
    expected = [world.entries[n] for n in names] or (
        [AudienceEntry(AudienceKind.TEAM)] if text.startswith("@all") else []
    )
    assert list(lead.audience) == expected
    assert lead.rest == rest


async def test_an_unknown_name_is_named_by_its_first_word(world: World) -> None:
    with pytest.raises(LineError) as caught:
        await leading_audience(world.storage, world.team_id, "#Бухгалтерия завтра акты")
    assert (caught.value.reason, caught.value.detail) == ("unknown", "#Бухгалтерия")


async def test_a_shared_name_lists_its_readings_until_one_is_picked(world: World) -> None:
    with pytest.raises(LineError) as caught:
        await leading_audience(world.storage, world.team_id, "#Склад завтра в 9 ревизия")
    assert caught.value.reason == "ambiguous" and caught.value.detail == "#Склад"
    assert caught.value.choices == [world.entries["#Склад"], world.entries["chat"]]
    picked = {"#Склад": world.entries["chat"]}
    lead = await leading_audience(world.storage, world.team_id, "#Склад завтра ревизия", picked)
    assert lead.audience == (world.entries["chat"],) and lead.rest == "завтра ревизия"


async def test_a_whole_audience_with_names_with_spaces(world: World) -> None:
    found = await parse_audience(
        world.storage, world.team_id, "#Отдел продаж Борис Иванов, #водители склада"
    )
    assert found == (
        world.entries["#Отдел продаж"],
        world.entries["Борис Иванов"],
        world.entries["tag"],
    )


async def test_flags_as_separate_parts_add_up(world: World) -> None:
    spec = await parse_event_line(
        world.storage,
        "Планёрка; завтра в 10; @all; срочно; за 15 минут; подтверждение; кворум 3",
        world.line,
    )
    assert spec.urgent and spec.confirm_required and spec.quorum == 3
    with pytest.raises(LineError) as caught:
        await parse_event_line(
            world.storage, "Планёрка; завтра в 10; @all; подтверждение; громко", world.line
        )
    assert caught.value.part == "flags"
