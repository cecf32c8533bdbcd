"""The schedule port's contract: events, occurrences, jobs and planning."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    EventKind,
    EventStatus,
    OccurrenceIn,
    ReminderSpec,
    ReminderTarget,
)
from maxremind.storage import NotFound, Storage
from maxremind.storage.errors import VersionMismatch
from tests.storage.kit import NOW, an_occurrence, deliveries_for, new_event, team_with_people


async def test_an_events_roster_visibility_is_stored_and_changed(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    hidden = await storage.create_event(new_event(team_id, users[0]))
    assert hidden.roster_visible is False
    shown = await storage.create_event(new_event(team_id, users[0], roster_visible=True))
    assert (await storage.get_event(shown.id)).roster_visible is True
    again = await storage.update_event(shown.id, new_event(team_id, users[0]))
    assert again.roster_visible is False and (await storage.get_event(shown.id)) == again


async def test_event_crud_with_audience_and_reminders(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    group = await storage.create_group(team_id, "G")
    event = await storage.create_event(
        new_event(
            team_id,
            users[0],
            audience=(
                AudienceEntry(AudienceKind.GROUP, group.id),
                AudienceEntry(AudienceKind.MEMBER, users[2]),
            ),
            duration=timedelta(hours=1),
            exdates=("2026-12-08",),
            quorum=2,
        )
    )
    got = await storage.get_event(event.id)
    assert got == event
    assert got.title == "Планёрка" and got.start_local == datetime(2026, 12, 1, 10, 0)
    assert got.audience[0] == AudienceEntry(AudienceKind.GROUP, group.id)
    assert [r.offset for r in got.reminders] == [timedelta(days=1), timedelta(0)]
    assert got.duration == timedelta(hours=1) and got.exdates == ("2026-12-08",)
    assert got.status == EventStatus.ACTIVE and got.quorum == 2
    assert [
        e.id for e in await storage.list_events_with_audience(AudienceKind.GROUP, group.id)
    ] == [event.id]

    at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    updated = await storage.update_event(
        event.id,
        new_event(
            team_id,
            users[0],
            title="Новая",
            reminders=(ReminderSpec(at=at, target=ReminderTarget.UNANSWERED),),
        ),
    )
    assert updated.title == "Новая" and len(updated.reminders) == 1
    assert (
        updated.reminders[0].at == at and updated.reminders[0].target == ReminderTarget.UNANSWERED
    )
    assert updated.audience == (AudienceEntry(AudienceKind.TEAM),)
    assert await storage.list_events_with_audience(AudienceKind.GROUP, group.id) == []

    # Versions: every write moves updated_at forward, even twice in one millisecond, and a
    # conditional write from an old version changes nothing.
    again = await storage.update_event(
        event.id, new_event(team_id, users[0], title="Ещё"), if_updated_at=updated.updated_at
    )
    assert again.updated_at > updated.updated_at
    with pytest.raises(VersionMismatch):
        await storage.update_event(
            event.id, new_event(team_id, users[0], title="Старая"), if_updated_at=updated.updated_at
        )
    assert (await storage.get_event(event.id)).title == "Ещё"

    flagged = await storage.set_event_status(event.id, EventStatus.FLAGGED, "group_deleted")
    assert flagged.status == EventStatus.FLAGGED and flagged.status_reason == "group_deleted"
    assert [
        e.id for e in await storage.list_events(team_id=team_id, status=EventStatus.FLAGGED)
    ] == [event.id]
    assert await storage.list_events(organizer_id=users[1]) == []
    await storage.replace_reminders(event.id, [ReminderSpec(offset=timedelta(minutes=15))])
    assert [r.offset for r in (await storage.get_event(event.id)).reminders] == [
        timedelta(minutes=15)
    ]
    await storage.delete_event(event.id)
    with pytest.raises(NotFound):
        await storage.get_event(event.id)
    with pytest.raises(NotFound):
        await storage.update_event(event.id, new_event(team_id, users[0]))
    with pytest.raises(NotFound):
        await storage.create_event(new_event(team_id, 999_999))


async def test_personal_reminder_without_team(storage: Storage) -> None:
    user = await storage.upsert_user(77, name="Solo", username=None)
    event = await storage.create_event(
        new_event(
            None,
            user.user_id,
            kind=EventKind.REMINDER,
            rrule=None,
            audience=(AudienceEntry(AudienceKind.MEMBER, 77),),
        )
    )
    assert event.team_id is None and event.kind == EventKind.REMINDER


async def test_occurrences_are_unique_per_start(storage: Storage) -> None:
    event_id, _, occ_id, _ = await an_occurrence(storage)
    starts = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    nxt = starts + timedelta(days=7)
    again = await storage.upsert_occurrences(
        event_id,
        [
            OccurrenceIn(starts, datetime(2026, 12, 1, 10)),
            OccurrenceIn(nxt, datetime(2026, 12, 8, 10)),
        ],
    )
    assert again[0].id == occ_id and len(again) == 2
    assert len(await storage.list_occurrences(event_id)) == 2
    assert [o.starts_at for o in await storage.list_occurrences(event_id, after=nxt)] == [nxt]
    assert [o.starts_at for o in await storage.list_occurrences(event_id, before=nxt)] == [starts]
    assert await storage.cancel_occurrences(event_id, after=nxt) == 1
    assert (await storage.list_occurrences(event_id, after=nxt))[0].status.value == "cancelled"
    with pytest.raises(NotFound):
        await storage.upsert_occurrences(424242, [])
    with pytest.raises(NotFound):
        await storage.get_occurrence(424242)


async def test_jobs_expand_once_with_their_deliveries(storage: Storage) -> None:
    from maxremind.domain.models import JobStatus, NewJob

    event_id, users, occ_id, rem_id = await an_occurrence(storage)
    job = NewJob(
        f"{occ_id}:all:P1D",
        occ_id,
        rem_id,
        ReminderTarget.ALL,
        due_at=NOW,
        expand_at=NOW - timedelta(minutes=1),
        planned_recipients=tuple(users),
    )
    assert await storage.add_jobs([job]) == 1
    await storage.add_jobs([job])  # re-planning refreshes, never duplicates
    assert len(await storage.list_jobs(occ_id)) == 1
    assert await storage.next_due_at() == NOW - timedelta(minutes=1)
    due = await storage.due_jobs(now=NOW, limit=10)
    assert [j.key for j in due] == [job.key] and due[0].planned_recipients == tuple(users)
    assert await storage.due_jobs(now=NOW - timedelta(minutes=2), limit=10) == []
    batch = deliveries_for(occ_id, rem_id, users, NOW, job="x")
    batch = [dataclasses.replace(d, job_id=due[0].id) for d in batch]
    assert await storage.finish_job(due[0].id, deliveries=batch, expected_finish=NOW) == 3
    assert await storage.finish_job(due[0].id, deliveries=batch, expected_finish=NOW) == 0
    assert (await storage.get_job(due[0].id)).status == JobStatus.EXPANDED
    assert not await storage.skip_job(due[0].id, "late")
    assert await storage.due_jobs(now=NOW, limit=10) == []

    other = NewJob(
        f"{occ_id}:unanswered:PT1H",
        occ_id,
        rem_id,
        ReminderTarget.UNANSWERED,
        due_at=NOW,
        expand_at=NOW,
    )
    keep = NewJob(
        f"{occ_id}:unanswered:PT2H",
        occ_id,
        rem_id,
        ReminderTarget.UNANSWERED,
        due_at=NOW,
        expand_at=NOW,
    )
    await storage.add_jobs([other, keep])
    assert await storage.drop_planned_jobs(event_id, keep=[keep.key]) == 1
    assert [j.key for j in await storage.list_jobs(occ_id)] == [job.key, keep.key]
    assert await storage.skip_job((await storage.list_jobs(occ_id))[1].id, "quorum")

    assert await storage.events_needing_plan(horizon_end=NOW) == [event_id]
    await storage.set_planned_until(event_id, NOW)
    assert await storage.events_needing_plan(horizon_end=NOW) == []
    event = await storage.get_event(event_id)
    await storage.update_event(event_id, new_event(event.team_id, event.organizer_id))
    assert await storage.events_needing_plan(horizon_end=NOW) == [event_id]
    # Rewriting reminders keeps the ledger of what was already sent.
    assert len(await storage.list_deliveries(occ_id)) == 3


async def test_replanning_refreshes_planned_jobs_only(storage: Storage) -> None:
    from maxremind.domain.models import NewJob

    event_id, users, occ_id, rem_id = await an_occurrence(storage)
    job = NewJob(f"{occ_id}:all:o60", occ_id, rem_id, ReminderTarget.ALL, due_at=NOW, expand_at=NOW)
    await storage.add_jobs([job])
    earlier = dataclasses.replace(job, expand_at=NOW - timedelta(hours=9))
    assert await storage.add_jobs([earlier]) == 1
    (stored,) = await storage.list_jobs(occ_id)
    assert stored.expand_at == NOW - timedelta(hours=9)
    await storage.finish_job(stored.id, deliveries=[], expected_finish=NOW)
    await storage.add_jobs([job])
    assert (await storage.list_jobs(occ_id))[0].expand_at == NOW - timedelta(hours=9)

    await storage.set_planned_until(event_id, NOW)
    assert await storage.invalidate_plans(user_id=users[1]) == 1
    assert await storage.events_needing_plan(horizon_end=NOW) == [event_id]
    await storage.set_planned_until(event_id, NOW)
    assert await storage.invalidate_plans(user_id=999_999) == 0
    event = await storage.get_event(event_id)
    assert await storage.invalidate_plans(team_id=event.team_id) == 1
