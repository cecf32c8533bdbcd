"""Engine tests: a real SQLite file, a fixed clock you can move, a recording sender."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from maxremind.core.keys import load_signer
from maxremind.domain.models import Language, Role
from maxremind.domain.signing import CallbackSigner
from maxremind.engine.dispatcher import Dispatcher, EngineConfig
from maxremind.engine.planner import Planner
from maxremind.engine.timer import Engine
from maxremind.maxapi.errors import MaxApiError
from maxremind.maxapi.models import Message, NewMessageBody
from maxremind.services.events import EventService
from maxremind.storage import Storage, open_storage

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # 12:00 in Moscow, a Wednesday


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@dataclass
class Sent:
    user_id: int | None
    chat_id: int | None
    body: NewMessageBody
    mid: str


@dataclass
class RecordingSender:
    sent: list[Sent] = field(default_factory=list)
    fail: dict[int, MaxApiError] = field(default_factory=dict)  # recipient id -> error
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    async def send_message(
        self,
        body: NewMessageBody | str,
        *,
        user_id: int | None = None,
        chat_id: int | None = None,
        **_: Any,
    ) -> Message:
        assert isinstance(body, NewMessageBody)
        recipient = user_id if user_id is not None else chat_id
        if recipient in self.fail:
            raise self.fail[recipient]
        mid = f"mid.{next(self._ids)}"
        self.sent.append(Sent(user_id, chat_id, body, mid))
        return Message.model_validate(
            {
                "sender": {
                    "user_id": 1,
                    "first_name": "bot",
                    "is_bot": True,
                    "last_activity_time": 0,
                },
                "recipient": {
                    "chat_id": chat_id or 0,
                    "chat_type": "dialog" if user_id else "chat",
                    "user_id": user_id,
                },
                "timestamp": 0,
                "body": {"mid": mid, "seq": 1, "text": body.text, "attachments": None},
            }
        )

    def to(self, user_id: int) -> list[str]:
        return [s.body.text or "" for s in self.sent if s.user_id == user_id]


@dataclass
class Env:
    storage: Storage
    clock: Clock
    sender: RecordingSender
    planner: Planner
    dispatcher: Dispatcher
    engine: Engine
    events: EventService
    signer: CallbackSigner
    team_id: int
    owner: int
    members: list[int]

    async def run(self) -> int:
        """Rounds until nothing more is due right now."""
        total = 0
        while n := await self.engine.round():
            total += n
        return total

    async def run_until(self, until: datetime, step: timedelta = timedelta(minutes=1)) -> None:
        while self.clock.now < until:
            await self.run()
            self.clock.now = min(until, self.clock.now + step)
        await self.run()


async def assemble(storage: Storage, clock: Clock, owner: str = "test") -> Env:
    """Planner, dispatcher and engine on ``storage`` with ``clock``, and a team in
    Moscow owned by user 100; no members yet."""
    signer = await load_signer(storage)
    sender = RecordingSender()
    planner = Planner(storage, rps=30, clock=clock)
    dispatcher = Dispatcher(
        storage, sender, signer, owner=owner, config=EngineConfig(), clock=clock
    )
    engine = Engine(planner, dispatcher)
    events = EventService(storage, planner, poke=engine.poke, clock=clock)
    organizer = 100
    await storage.upsert_user(organizer, name="Организатор", username="boss")
    team = await storage.create_team(
        "Отдел", timezone="Europe/Moscow", language=Language.RU, created_by=organizer
    )
    await storage.add_member(team.id, organizer, Role.OWNER)
    return Env(
        storage, clock, sender, planner, dispatcher, engine, events, signer, team.id, organizer, []
    )


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    async with open_storage(f"sqlite:///{tmp_path / 'engine.db'}") as storage:
        env = await assemble(storage, Clock(START))
        for i in range(1, 6):
            user = await storage.upsert_user(100 + i, name=f"Участник {i}", username=f"m{i}")
            await storage.add_member(env.team_id, user.user_id, Role.MEMBER)
            env.members.append(user.user_id)
        yield env
