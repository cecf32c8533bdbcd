"""The web's door reads (a cookie's session and person, a person's seat in a team, their
teams) are shared while nothing is written, and never outlive a write or an expiry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from maxremind.domain.models import Language, Role
from maxremind.services.access import AccessService
from maxremind.services.teams import TeamService
from maxremind.storage import Storage, open_storage
from tests.engine.conftest import Clock

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    async with open_storage(f"sqlite:///{tmp_path / 'door.db'}") as store:
        yield store


class Counting:
    """Counts the storage reads the door makes."""

    def __init__(self, storage: Storage) -> None:
        self.calls: dict[str, int] = {}
        for name in (
            "find_web_session",
            "get_user",
            "get_member",
            "get_team",
            "list_teams_of_user",
        ):
            self._wrap(storage, name)

    def _wrap(self, storage: Storage, name: str) -> None:
        real = getattr(storage, name)

        async def counted(*args: object, **kwargs: object) -> object:
            self.calls[name] = self.calls.get(name, 0) + 1
            return await real(*args, **kwargs)

        setattr(storage, name, counted)


async def _team(storage: Storage) -> int:
    for uid in (1, 2):
        await storage.upsert_user(uid, name=f"Person {uid}", username=None)
    team = await storage.create_team(
        "Отдел", timezone="Europe/Moscow", language=Language.RU, created_by=1
    )
    await storage.add_member(team.id, 1, Role.OWNER)
    await storage.add_member(team.id, 2, Role.MEMBER)
    return team.id


async def test_session_shared_until_sign_out_and_checked_for_expiry(storage: Storage) -> None:
    clock = Clock(START)
    access = AccessService(storage, bot_token="t", key=b"k" * 32, clock=clock)
    await _team(storage)
    issued = await access.redeem_login(await access.login_link(2))
    assert issued is not None
    counting = Counting(storage)

    first = await access.signed_in(issued.cookie)
    assert first is not None and first[1].user_id == 2
    again = await access.signed_in(issued.cookie)
    assert again == first
    assert counting.calls == {"find_web_session": 1, "get_user": 1}  # the second was shared

    assert await access.sign_out(issued.cookie)  # a write: nothing shared survives it
    assert await access.signed_in(issued.cookie) is None

    other = await access.redeem_login(await access.login_link(2))
    assert other is not None
    found = await access.signed_in(other.cookie)
    assert found is not None
    clock.now = found[0].expires_at  # expiry is checked even on a shared answer
    assert await access.signed_in(other.cookie) is None


async def test_seat_and_teams_shared_until_a_write(storage: Storage) -> None:
    teams = TeamService(storage, clock=Clock(START))
    team_id = await _team(storage)
    counting = Counting(storage)

    seat = await teams.seat(team_id, 2)
    assert seat is not None and seat[0] is Role.MEMBER and seat[1].id == team_id
    assert await teams.seat(team_id, 2) == seat
    assert [t.id for t in await teams.teams_of(2)] == [team_id]
    assert [t.id for t in await teams.teams_of(2)] == [team_id]
    assert counting.calls == {"get_member": 1, "get_team": 1, "list_teams_of_user": 1}

    await storage.set_member_role(team_id, 2, Role.ORGANIZER)
    seat = await teams.seat(team_id, 2)
    assert seat is not None and seat[0] is Role.ORGANIZER

    await storage.remove_member(team_id, 2)
    assert await teams.seat(team_id, 2) is None
    assert await teams.teams_of(2) == []
    assert await teams.seat(team_id, 3) is None  # never a member


async def test_shared_for_at_most_a_second(storage: Storage) -> None:
    """Writes of another process are not counted: a shared answer is at most a second old."""
    clock = Clock(START)
    teams = TeamService(storage, clock=clock)
    team_id = await _team(storage)
    counting = Counting(storage)
    await teams.seat(team_id, 1)
    clock.advance(seconds=0.5)
    await teams.seat(team_id, 1)
    assert counting.calls["get_member"] == 1
    clock.advance(seconds=0.6)
    await teams.seat(team_id, 1)
    assert counting.calls["get_member"] == 2
