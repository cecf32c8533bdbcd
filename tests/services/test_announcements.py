"""Announcements through the event service: now, or scheduled for a time; long texts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from maxremind.domain.models import AudienceEntry, AudienceKind, EventKind, NewEvent
from maxremind.services.events import MAX_ANNOUNCEMENT, MAX_DESCRIPTION, EventRejected
from tests.engine.conftest import Env


def _announcement(env: Env, start: datetime, description: str = "") -> NewEvent:
    return NewEvent(
        team_id=env.team_id,
        organizer_id=env.owner,
        title="Собрание в пятницу",
        description=description,
        start_local=start,
        timezone="Europe/Moscow",
        kind=EventKind.ANNOUNCEMENT,
        audience=(AudienceEntry(AudienceKind.TEAM),),
    )


async def test_scheduled_announcement_goes_out_at_its_time(env: Env) -> None:
    moscow = datetime(2026, 11, 25, 14, 30)  # START is 12:00 in Moscow
    event = await env.events.create(_announcement(env, moscow), scheduled=True)
    assert event.start_local == moscow
    await env.run()
    assert env.sender.sent == []  # not yet
    await env.run_until(env.clock() + timedelta(hours=2, minutes=31))
    reached = {s.user_id for s in env.sender.sent}
    assert reached == {env.owner, *env.members}
    assert all("Собрание в пятницу" in (s.body.text or "") for s in env.sender.sent)


async def test_unscheduled_announcement_goes_out_now_whatever_the_start(env: Env) -> None:
    event = await env.events.create(_announcement(env, datetime(2030, 1, 1, 9, 0)))
    assert event.start_local == datetime(2026, 11, 25, 12, 0)  # now, in Moscow
    await env.run()
    assert {s.user_id for s in env.sender.sent} == {env.owner, *env.members}


async def test_scheduled_in_the_past_is_refused(env: Env) -> None:
    with pytest.raises(EventRejected) as refused:
        await env.events.create(_announcement(env, datetime(2026, 11, 25, 11, 0)), scheduled=True)
    assert refused.value.reason == "in_the_past"


async def test_an_announcement_may_fill_a_whole_message(env: Env) -> None:
    long_text = "а" * (MAX_DESCRIPTION + 500)
    event = await env.events.create(_announcement(env, datetime(2026, 11, 25, 12, 0), long_text))
    assert len(event.description) == MAX_DESCRIPTION + 500
    with pytest.raises(EventRejected, match="too_long"):
        await env.events.create(
            _announcement(env, datetime(2026, 11, 25, 12, 0), "а" * (MAX_ANNOUNCEMENT + 1))
        )
    plain = NewEvent(
        team_id=env.team_id,
        organizer_id=env.owner,
        title="Событие",
        description=long_text,
        start_local=datetime(2026, 11, 26, 12, 0),
        timezone="Europe/Moscow",
        audience=(AudienceEntry(AudienceKind.TEAM),),
    )
    with pytest.raises(EventRejected, match="too_long"):
        await env.events.create(plain)
