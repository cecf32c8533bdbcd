"""Shared set-up for the events tests: a team with people, groups and tags.

People join through the bot (``/start``); memberships, groups and tags are written
straight into the product's database, which is the other feature's business to offer
through the bot and is not what these tests are about.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from maxremind.domain.models import Event, Language, Role
from maxremind.storage import Storage, open_storage
from tests.bot.conftest import Bot, Phone
from tests.harness import product_settings, wait_for


@asynccontextmanager
async def database(bot: Bot) -> AsyncIterator[Storage]:
    """A second connection to the running product's database."""
    async with open_storage(product_settings("http://unused", bot.data_dir).database_url) as db:
        yield db


@dataclass
class Team:
    id: int
    people: dict[str, Phone] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)


async def make_team(
    bot: Bot,
    people: dict[str, tuple[str, Role]],
    groups: dict[str, list[str]] | None = None,
    *,
    locales: dict[str, str] | None = None,
) -> Team:
    """``people``: name → (username, role). Everyone presses Start first."""
    phones = {}
    for name, (username, _) in people.items():
        phone = bot.phone(name, username=username, locale=(locales or {}).get(name, "ru"))
        await phone.start()
        phones[name] = phone
    async with database(bot) as db:
        team = await db.create_team(
            "Ромашка", timezone="Europe/Moscow", language=Language.RU, created_by=None
        )
        for name, (_, role) in people.items():
            await db.add_member(team.id, phones[name].user_id, role)
        made = Team(team.id, phones)
        for group, members in (groups or {}).items():
            created = await db.create_group(team.id, group)
            await db.add_to_group(created.id, [phones[m].user_id for m in members])
            made.groups[group] = created.id
    return made


async def events_of(bot: Bot, organizer: Phone) -> list[Event]:
    async with database(bot) as db:
        return await db.list_events(organizer_id=organizer.user_id)


async def wait_for_text(phone: Phone, needle: str, within: float = 10.0) -> str:
    """The newest message of ``phone`` containing ``needle``, once it arrives."""
    await wait_for(lambda: any(needle in t for t in phone.texts()), within, f"«{needle}»")
    return next(t for t in reversed(phone.texts()) if needle in t)
