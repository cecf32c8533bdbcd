"""Renaming and deleting tags (issue 15): admins only, as for creating them; deleting
says how many people had the tag and puts the events that named it on hold (never sent
to a guess) until their organizer picks whom to remind."""

from __future__ import annotations

from datetime import datetime

import pytest

from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    EventStatus,
    JobStatus,
    Language,
    Role,
)
from maxremind.services.events import PermissionDenied
from maxremind.services.teams import PeopleRefused, TeamService
from maxremind.storage import NotFound
from tests.engine.conftest import Env
from tests.engine.test_engine import TEAM, spec


def people(env: Env) -> TeamService:
    return TeamService(env.storage, env.events, clock=env.clock)


async def test_rename_tag_is_for_admins_and_events_follow_it(env: Env) -> None:
    service = people(env)
    tag, _, _ = await service.tag(env.team_id, env.owner, "водитель", env.members[:2])
    await service.tag(env.team_id, env.owner, "кладовщик", env.members[2:3])
    event = await env.events.create(spec(env, audience=(AudienceEntry(AudienceKind.TAG, tag.id),)))
    with pytest.raises(PermissionDenied) as refused:
        await service.rename_tag(env.team_id, env.members[0], tag.id, "шофёр")
    assert refused.value.needed is Role.ADMIN
    with pytest.raises(PeopleRefused) as taken:
        await service.rename_tag(env.team_id, env.owner, tag.id, "Кладовщик")
    assert taken.value.reason == "tag_exists"
    with pytest.raises(PeopleRefused):
        await service.rename_tag(env.team_id, env.owner, tag.id, "   ")

    renamed = await service.rename_tag(env.team_id, env.owner, tag.id, "#шофёр")
    assert renamed.name == "шофёр" and renamed.id == tag.id
    assert (await env.storage.get_event(event.id)).status is EventStatus.ACTIVE
    parts = await env.storage.list_tag_members(tag.id)
    assert parts == env.members[:2]
    audit = await env.storage.list_audit(env.team_id)
    assert any(a.action == "tag.rename" for a in audit)


async def test_a_tag_of_another_team_is_not_found(env: Env) -> None:
    service = people(env)
    tag, _, _ = await service.tag(env.team_id, env.owner, "водитель", env.members[:1])
    second = await service.create_team(
        env.members[4], "Другая", timezone="UTC", language=Language.RU
    )
    with pytest.raises(NotFound):
        await service.rename_tag(second.id, env.members[4], tag.id, "x")
    with pytest.raises(NotFound):
        await service.delete_tag(second.id, env.members[4], tag.id)
    assert (await env.storage.get_tag(tag.id)).name == "водитель"


async def test_deleting_a_tag_counts_its_people_and_holds_its_events(env: Env) -> None:
    service = people(env)
    tag, _, _ = await service.tag(env.team_id, env.owner, "водитель", env.members[:3])
    tagged = await env.events.create(
        spec(env, title="Развоз", audience=(AudienceEntry(AudienceKind.TAG, tag.id),))
    )
    mixed = await env.events.create(
        spec(
            env,
            title="Смена",
            audience=(
                AudienceEntry(AudienceKind.TAG, tag.id),
                AudienceEntry(AudienceKind.MEMBER, env.members[4]),
            ),
        )
    )
    other = await env.events.create(spec(env, title="Планёрка", audience=TEAM))
    with pytest.raises(PermissionDenied):
        await service.delete_tag(env.team_id, env.members[0], tag.id)

    deleted = await service.delete_tag(env.team_id, env.owner, tag.id)

    assert (deleted.name, deleted.members) == ("водитель", 3)
    assert sorted(e.title for e in deleted.flagged) == ["Развоз", "Смена"]
    assert await env.storage.find_tag(env.team_id, "водитель") is None
    assert len(await env.storage.list_members(env.team_id)) == 6  # everyone stays
    for event_id in (tagged.id, mixed.id):
        stored = await env.storage.get_event(event_id)
        assert (stored.status, stored.status_reason) == (EventStatus.FLAGGED, "audience_gone")
    assert (await env.storage.get_event(other.id)).status is EventStatus.ACTIVE

    # Nothing of the held events goes out; the other one does.
    await env.run_until(datetime.fromisoformat("2026-11-26T06:30:00+00:00"))
    texts = [s.body.text or "" for s in env.sender.sent]
    assert any("Планёрка" in t for t in texts)
    assert not any("Развоз" in t or "Смена" in t for t in texts if "🔔" in t)
    for event_id in (tagged.id, mixed.id):
        for occurrence in await env.storage.list_occurrences(event_id):
            jobs = await env.storage.list_jobs(occurrence.id)
            assert all(j.status is not JobStatus.PLANNED for j in jobs)

    # The organizer picks whom to remind: the event is active and planned again.
    fixed = await env.events.update(
        tagged.id,
        spec(env, title="Развоз", start_local=datetime(2026, 11, 27, 10, 0), audience=TEAM),
        actor_id=env.owner,
    )
    assert fixed.status is EventStatus.ACTIVE
    occurrence = (await env.storage.list_occurrences(tagged.id))[-1]
    assert [j.status for j in await env.storage.list_jobs(occurrence.id)] == [JobStatus.PLANNED]
