"""Calendar feeds through the service: who may have which feed, links that stay and die,
what a personal feed holds (the audience rule, the person's own answers), versions the
database bumps, ETags that move only with the content, and the notice in MAX when an
event starting within a day changes its time or place."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from icalendar import Calendar

from maxremind.calendar.feed import event_uid, person_address
from maxremind.core.audience import resolve_audience
from maxremind.domain.feeds import FeedKind
from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    DeliveryKind,
    Role,
)
from maxremind.services.calendar import CalendarService
from maxremind.services.errors import NotFound, PermissionDenied
from tests.engine.conftest import Env
from tests.engine.test_engine import spec


@pytest.fixture
def calendar(env: Env) -> CalendarService:
    return CalendarService(env.storage, clock=env.clock)


def uids(body: bytes) -> set[str]:
    return {
        str(v["UID"]) for v in Calendar.from_ical(body).walk("VEVENT") if "RECURRENCE-ID" not in v
    }


async def test_links_stay_the_same_until_renewed_and_a_revoked_link_is_gone(
    env: Env, calendar: CalendarService
) -> None:
    me = env.members[0]
    first = await calendar.link(me, FeedKind.PERSONAL)
    again = await calendar.link(me, FeedKind.PERSONAL)
    assert again.token == first.token and len(first.token) >= 40
    assert first.path == f"/cal/{first.token}.ics"
    assert first.webcal("https://remind.example/") == f"webcal://remind.example{first.path}"
    assert first.token not in str(await env.storage.find_calendar_feed(first.token))
    await calendar.serve(first.token)
    renewed = await calendar.renew(me, FeedKind.PERSONAL)
    assert renewed.token != first.token
    with pytest.raises(NotFound):
        await calendar.serve(first.token)
    await calendar.serve(renewed.token)
    await calendar.revoke(me, renewed.feed.id)
    with pytest.raises(NotFound):
        await calendar.serve(renewed.token)
    with pytest.raises(NotFound):
        await calendar.revoke(me, renewed.feed.id)
    with pytest.raises(NotFound):
        await calendar.serve("x" * 43)
    assert await calendar.links(me) == []


async def test_who_may_have_a_team_or_group_feed(env: Env, calendar: CalendarService) -> None:
    member, other = env.members[0], env.members[1]
    group = await env.storage.create_group(env.team_id, "Водители")
    await env.storage.add_to_group(group.id, [member])
    with pytest.raises(PermissionDenied):
        await calendar.link(member, FeedKind.TEAM, team_id=env.team_id)
    await env.storage.set_member_role(env.team_id, other, Role.ORGANIZER)
    with pytest.raises(PermissionDenied):  # an organizer outside the group
        await calendar.link(other, FeedKind.GROUP, group_id=group.id)
    team_feed = await calendar.link(env.owner, FeedKind.TEAM, team_id=env.team_id)
    group_feed = await calendar.link(member, FeedKind.GROUP, group_id=group.id)
    assert group_feed.feed.team_id == env.team_id
    assert "Водители" in group_feed.title
    # Someone of another team names our group or team: no such thing for them.
    stranger = 900
    await env.storage.upsert_user(stranger, name="Чужой", username=None)
    other_team = await env.storage.create_team(
        "Другие", timezone="Europe/Moscow", language=env_lang(), created_by=stranger
    )
    await env.storage.add_member(other_team.id, stranger, Role.OWNER)
    with pytest.raises(PermissionDenied):
        await calendar.link(stranger, FeedKind.TEAM, team_id=env.team_id)
    with pytest.raises(NotFound):
        await calendar.link(stranger, FeedKind.GROUP, team_id=other_team.id, group_id=group.id)
    # Leaving the group (or the team) closes the feed like a revocation.
    await calendar.serve(group_feed.token)
    await env.storage.remove_from_group(group.id, [member])
    with pytest.raises(NotFound):
        await calendar.serve(group_feed.token)
    await env.storage.set_member_role(env.team_id, env.owner, Role.MEMBER)
    with pytest.raises(NotFound):
        await calendar.serve(team_feed.token)


def env_lang():  # type: ignore[no-untyped-def]
    from maxremind.domain.models import Language

    return Language.RU


async def test_a_personal_feed_holds_what_reaches_me_with_my_answers_only(
    env: Env, calendar: CalendarService
) -> None:
    me, other = env.members[0], env.members[1]
    group = await env.storage.create_group(env.team_id, "A")
    await env.storage.add_to_group(group.id, [me])
    tag = await env.storage.create_tag(env.team_id, "водитель")
    await env.storage.tag_members(tag.id, [other])
    audiences = {
        "team": (AudienceEntry(AudienceKind.TEAM),),
        "my group": (AudienceEntry(AudienceKind.GROUP, group.id),),
        "their tag": (AudienceEntry(AudienceKind.TAG, tag.id),),
        "me": (AudienceEntry(AudienceKind.MEMBER, me),),
        "them": (AudienceEntry(AudienceKind.MEMBER, other),),
    }
    events = {
        name: await env.events.create(spec(env, title=name, audience=audience, rrule="FREQ=WEEKLY"))
        for name, audience in audiences.items()
    }
    link = await calendar.link(me, FeedKind.PERSONAL)
    body = (await calendar.serve(link.token)).body
    expected = {
        event_uid(e)
        for e in events.values()
        if me in (await resolve_audience(env.storage, e)).users
    }
    assert uids(body) == expected
    assert expected == {event_uid(events[n]) for n in ("team", "my group", "me")}

    team_event = events["team"]
    first = (await env.storage.list_occurrences(team_event.id))[0]
    await env.storage.set_confirmation(first.id, me, Answer.YES, comment="", at=env.clock())
    await env.storage.set_confirmation(first.id, other, Answer.NO, comment="", at=env.clock())
    body = (await calendar.serve(link.token)).body
    vevents = [
        v for v in Calendar.from_ical(body).walk("VEVENT") if v["UID"] == event_uid(team_event)
    ]
    override = next(v for v in vevents if "RECURRENCE-ID" in v)
    assert str(override["ATTENDEE"]) == person_address(me)
    assert override["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert person_address(other).encode() not in body

    owner_feed = await calendar.link(env.owner, FeedKind.TEAM, team_id=env.team_id)
    team_body = (await calendar.serve(owner_feed.token)).body
    assert uids(team_body) == {event_uid(e) for e in events.values()}
    assert person_address(other).encode() in team_body


async def test_etag_moves_with_the_content_only(env: Env, calendar: CalendarService) -> None:
    me = env.members[0]
    event = await env.events.create(spec(env, rrule="FREQ=WEEKLY"))
    link = await calendar.link(me, FeedKind.PERSONAL)
    first = await calendar.serve(link.token)
    env.clock.advance(minutes=5)  # nothing changed: the same bytes, the same version
    again = await calendar.serve(link.token)
    assert again.etag == first.etag and again.last_modified == first.last_modified
    occurrence = (await env.storage.list_occurrences(event.id))[0]
    await env.storage.set_confirmation(occurrence.id, me, Answer.MAYBE, comment="", at=env.clock())
    answered = await calendar.serve(link.token)  # the fingerprint moved: no minute's wait
    assert answered.etag != first.etag
    assert b"PARTSTAT=TENTATIVE" in answered.body.replace(b"\r\n ", b"")
    await env.events.update(
        event.id, spec(env, rrule="FREQ=WEEKLY", title="Новое"), actor_id=env.owner
    )
    retitled = await calendar.serve(link.token)
    assert retitled.etag != answered.etag and "SUMMARY:Новое".encode() in retitled.body


async def test_sequence_moves_with_time_place_and_cancellation_only(env: Env) -> None:
    event = await env.events.create(spec(env, rrule="FREQ=WEEKLY"))

    async def sequence() -> int:
        (row,) = await env.storage.feed_events(
            _scope(env.owner), since=env.clock() - timedelta(days=1)
        )
        return row.sequence

    assert await sequence() == 0
    await env.events.update(
        event.id, spec(env, rrule="FREQ=WEEKLY", title="Иначе"), actor_id=env.owner
    )
    assert await sequence() == 0
    await env.events.update(
        event.id, spec(env, rrule="FREQ=WEEKLY", title="Иначе", place="Зал 2"), actor_id=env.owner
    )
    assert await sequence() == 1
    await env.events.update(
        event.id,
        spec(
            env,
            rrule="FREQ=WEEKLY",
            title="Иначе",
            place="Зал 2",
            start_local=datetime(2026, 11, 26, 11, 0),
        ),
        actor_id=env.owner,
    )
    assert await sequence() == 2
    dates = await env.storage.list_occurrences(event.id, after=env.clock())
    await env.events.cancel_occurrence(event.id, dates[-1].id, actor_id=env.owner)
    assert await sequence() == 3
    await env.events.cancel(event.id, actor_id=env.owner)
    assert await sequence() == 4


def _scope(user_id: int):  # type: ignore[no-untyped-def]
    from maxremind.domain.feeds import FeedScope

    return FeedScope(FeedKind.PERSONAL, user_id=user_id)


async def test_a_change_within_a_day_is_announced_in_max_once(env: Env) -> None:
    # Tomorrow 10:00 Moscow (the clock: Wednesday 12:00): within 24 hours.
    event = await env.events.create(spec(env))
    await env.run()
    env.sender.sent.clear()
    await env.events.update(
        event.id, spec(env, title="Планёрка, новое название"), actor_id=env.owner
    )
    await env.run()
    assert env.sender.sent == []  # the title is not time or place
    await env.events.update(
        event.id,
        spec(env, start_local=datetime(2026, 11, 26, 11, 30), place="Зал 2"),
        actor_id=env.owner,
    )
    await env.run()
    told = sorted(s.user_id for s in env.sender.sent if s.user_id)
    assert told == sorted(env.members)  # the one who changed it knows
    text = env.sender.to(env.members[0])[0]
    assert "Изменилось время или место" in text and "11:30" in text and "Зал 2" in text
    await env.run()
    assert len(env.sender.sent) == len(env.members)  # once

    later = await env.events.create(spec(env, start_local=datetime(2026, 12, 10, 10, 0)))
    await env.run()
    env.sender.sent.clear()
    await env.events.update(
        later.id, spec(env, start_local=datetime(2026, 12, 10, 12, 0)), actor_id=env.owner
    )
    await env.run()
    assert env.sender.sent == []  # two weeks ahead: calendars catch up in time
    deliveries = [
        d
        for o in await env.storage.list_occurrences(later.id)
        for d in await env.storage.list_deliveries(o.id)
    ]
    assert all(d.kind is DeliveryKind.REMINDER and "changed" not in d.payload for d in deliveries)
