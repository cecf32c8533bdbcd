"""A past for the insights pages: a weekly event whose dates lie behind us, each reminded
(and chased) through the same storage calls the planner, the engine and the answer
buttons make, with past times; for the page tests and the browser test."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    Event,
    EventKind,
    NewDelivery,
    NewEvent,
    NewJob,
    OccurrenceIn,
    RecipientKind,
    ReminderSpec,
    ReminderTarget,
    delivery_key,
)
from maxremind.storage import Storage

# (answer, minutes after the first reminder) or None: no answer.
Reply = tuple[Answer, int] | None
Replies = Callable[[int, int], Reply]  # (week number from the first, user id) -> reply


async def past_event(
    storage: Storage,
    team_id: int,
    organizer_id: int,
    people: Sequence[int],
    *,
    title: str,
    weeks: int,
    replies: Replies,
    zone: str = "Europe/Moscow",
    hour: int = 18,
    remind_before: timedelta = timedelta(hours=3),
    chase_after: timedelta | None = timedelta(hours=1),
    quorum: int | None = None,
    now: datetime | None = None,
) -> tuple[Event, list[int]]:
    """A weekly event at ``hour`` (local) whose last date was within the past week and
    first ``weeks`` weeks ago; every date reminded ``people`` ``remind_before`` its start
    and, after ``chase_after``, chased those who had not answered; all sent.  Returns the
    event and its dates' ids, oldest first."""
    tz = ZoneInfo(zone)
    now = now or datetime.now(UTC)
    last = (
        (now - timedelta(days=1))
        .astimezone(tz)
        .replace(hour=hour, minute=0, second=0, microsecond=0, tzinfo=None)
    )
    if last.replace(tzinfo=tz) > now - timedelta(hours=2):  # the last date is over
        last -= timedelta(days=1)
    first = last - timedelta(weeks=weeks - 1)
    event = await storage.create_event(
        NewEvent(
            team_id=team_id,
            organizer_id=organizer_id,
            title=title,
            start_local=first,
            timezone=zone,
            kind=EventKind.EVENT,
            rrule="FREQ=WEEKLY;UNTIL="
            + last.replace(tzinfo=tz).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),
            audience=(AudienceEntry(AudienceKind.TEAM),),
            reminders=(ReminderSpec(offset=remind_before),),
            confirm_required=True,
            quorum=quorum,
        )
    )
    await storage.set_planned_until(event.id, now + timedelta(days=3650))
    dates = [
        OccurrenceIn(
            starts_at=(first + timedelta(weeks=w)).replace(tzinfo=tz).astimezone(UTC),
            local_start=first + timedelta(weeks=w),
        )
        for w in range(weeks)
    ]
    made = await storage.upsert_occurrences(event.id, dates)
    for week, occ in enumerate(made):
        first_at = occ.starts_at - remind_before
        got = {uid: reply for uid in people if (reply := replies(week, uid)) is not None}
        steps = [NewJob(f"past:{occ.id}:all", occ.id, None, ReminderTarget.ALL, first_at, first_at)]
        chase_at = first_at + chase_after if chase_after is not None else None
        if chase_at is not None:
            steps.append(
                NewJob(
                    f"past:{occ.id}:chase",
                    occ.id,
                    None,
                    ReminderTarget.UNANSWERED,
                    chase_at,
                    chase_at,
                )
            )
        async with storage.unit_of_work():
            await storage.add_jobs(steps)
            for job in await storage.list_jobs(occ.id):
                if job.target is ReminderTarget.ALL:
                    to = list(people)
                else:
                    to = [
                        u
                        for u in people
                        if u not in got or first_at + timedelta(minutes=got[u][1]) > job.due_at
                    ]
                await storage.finish_job(
                    job.id,
                    deliveries=[
                        NewDelivery(
                            key=delivery_key(job.key, RecipientKind.USER, uid),
                            recipient_kind=RecipientKind.USER,
                            recipient_id=uid,
                            due_at=job.due_at,
                            send_at=job.due_at,
                            job_id=job.id,
                            occurrence_id=occ.id,
                        )
                        for uid in to
                    ],
                    expected_finish=job.due_at + timedelta(seconds=10),
                )
            claimed = await storage.claim_deliveries(
                now=(chase_at or first_at) + timedelta(seconds=1),
                owner="past",
                lease_until=datetime.now(UTC) + timedelta(minutes=10),
                limit=10_000,
            )
            await storage.record_sent_many(
                [(d.key, f"past-{d.id}", d.send_at + timedelta(seconds=2)) for d in claimed],
                owner="past",
            )
            for uid, (answer, minutes) in got.items():
                await storage.set_confirmation(
                    occ.id, uid, answer, comment="", at=first_at + timedelta(minutes=minutes)
                )
    return event, [o.id for o in made]
