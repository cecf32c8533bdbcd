"""The weekly digest and the who-came checklist on the engine's fixed clock: due at the
team's wall-clock time across a DST change, once per week whatever the rounds, late
after downtime only within a day, and the checklist once after a date someone said yes
to has ended."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from maxremind.domain.models import Answer, AudienceEntry, AudienceKind, NewEvent, OccurrenceIn
from maxremind.engine.insights import digest_moment
from tests.engine.conftest import Env

BERLIN = ZoneInfo("Europe/Berlin")


def test_the_digest_moment_is_on_the_teams_wall_clock() -> None:
    # Monday 09:00 in Berlin: 08:00 UTC in winter, 07:00 UTC once DST began (28 March 2027)
    assert digest_moment(datetime(2027, 3, 24, 12, tzinfo=UTC), BERLIN, 0, 540) == datetime(
        2027, 3, 22, 8, tzinfo=UTC
    )
    assert digest_moment(datetime(2027, 3, 29, 7, tzinfo=UTC), BERLIN, 0, 540) == datetime(
        2027, 3, 29, 7, tzinfo=UTC
    )
    assert digest_moment(datetime(2027, 3, 29, 6, 59, tzinfo=UTC), BERLIN, 0, 540) == datetime(
        2027, 3, 22, 8, tzinfo=UTC
    )
    # Moscow has no DST: Friday 17:30 is 14:30 UTC all year
    moscow = ZoneInfo("Europe/Moscow")
    assert digest_moment(datetime(2027, 7, 2, 14, 30, tzinfo=UTC), moscow, 4, 1050) == datetime(
        2027, 7, 2, 14, 30, tzinfo=UTC
    )


def digests(env: Env) -> list[str]:
    return [t for t in env.sender.to(env.owner) if t.startswith("📊 Итоги недели")]


async def test_the_digest_goes_out_once_a_week_at_the_teams_time_across_dst(env: Env) -> None:
    storage = env.storage
    await storage.update_team(env.team_id, timezone="Europe/Berlin")
    await storage.set_insight_settings(
        env.team_id, digest_weekday=0, digest_minute=540, at=env.clock()
    )
    await storage.set_digest_subscription(env.team_id, env.owner, True, at=env.clock())
    # The Monday after DST began: 09:00 CEST is 07:00 UTC.
    env.clock.now = datetime(2027, 3, 29, 6, 59, tzinfo=UTC)
    await env.run()
    assert digests(env) == []  # last week's (22 March) was more than a day ago: skipped
    env.clock.advance(minutes=1)
    await env.run()
    assert len(digests(env)) == 1
    assert "На прошлой неделе (22–28 марта) не было событий" in digests(env)[0]
    for _ in range(3):  # more rounds, an hour later, a day later: still one this week
        env.clock.advance(hours=8)
        await env.run()
    assert len(digests(env)) == 1
    # A changed time within the week does not bring a second one.
    await storage.set_insight_settings(
        env.team_id, digest_weekday=2, digest_minute=600, at=env.clock()
    )
    env.clock.now = datetime(2027, 3, 31, 8, 1, tzinfo=UTC)  # Wednesday 10:01 CEST
    await env.run()
    assert len(digests(env)) == 1
    # Next week's Wednesday: the second.
    env.clock.advance(days=7)
    await env.run()
    assert len(digests(env)) == 2


async def test_a_digest_missed_by_downtime_comes_within_a_day_only(env: Env) -> None:
    storage = env.storage
    await storage.set_digest_subscription(env.team_id, env.owner, True, at=env.clock())
    # Monday 09:00 Moscow = 06:00 UTC; the service comes back 20 hours later
    env.clock.now = datetime(2026, 11, 30, 6, tzinfo=UTC) + timedelta(hours=20)
    await env.run()
    assert len(digests(env)) == 1
    # down for the whole of the next Monday and Tuesday: that week's is skipped
    env.clock.now = datetime(2026, 12, 7, 6, tzinfo=UTC) + timedelta(days=1, hours=1)
    await env.run()
    assert len(digests(env)) == 1


async def test_the_checklist_comes_once_after_a_date_someone_said_yes_to(env: Env) -> None:
    storage = env.storage
    starts = env.clock() + timedelta(hours=2)
    event = await storage.create_event(
        NewEvent(
            team_id=env.team_id,
            organizer_id=env.owner,
            title="Субботник",
            start_local=starts.astimezone(ZoneInfo("Europe/Moscow")).replace(tzinfo=None),
            timezone="Europe/Moscow",
            duration=timedelta(hours=1),
            audience=(AudienceEntry(AudienceKind.TEAM),),
            confirm_required=True,
        )
    )
    local = starts.astimezone(ZoneInfo("Europe/Moscow")).replace(tzinfo=None)
    (occ,) = await storage.upsert_occurrences(event.id, [OccurrenceIn(starts, local)])
    await storage.set_confirmation(occ.id, env.members[0], Answer.YES, comment="", at=env.clock())
    env.clock.advance(hours=2, minutes=59)  # before the end (start + 1 hour)
    await env.run()
    assert not any("Кто пришёл" in t for t in env.sender.to(env.owner))
    env.clock.advance(minutes=1)
    await env.run()
    checklists = [s for s in env.sender.sent if "Кто пришёл" in (s.body.text or "")]
    assert len(checklists) == 1 and checklists[0].user_id == env.owner
    assert "«Субботник»" in (checklists[0].body.text or "")
    env.clock.advance(hours=5)
    await env.run()
    assert sum("Кто пришёл" in t for t in env.sender.to(env.owner)) == 1
