"""Shared setup for the storage contract suites."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from maxremind.domain.models import (
    AudienceEntry,
    AudienceKind,
    Language,
    NewDelivery,
    NewEvent,
    OccurrenceIn,
    RecipientKind,
    ReminderSpec,
    Role,
    delivery_key,
)
from maxremind.storage import Storage

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


async def team_with_people(storage: Storage, n: int = 3) -> tuple[int, list[int]]:
    users = []
    for i in range(n):
        user = await storage.upsert_user(1000 + i, name=f"User {i}", username=f"user{i}")
        users.append(user.user_id)
    team = await storage.create_team(
        "Отдел продаж", timezone="Europe/Moscow", language=Language.RU, created_by=users[0]
    )
    await storage.add_member(team.id, users[0], Role.OWNER)
    for uid in users[1:]:
        await storage.add_member(team.id, uid, Role.MEMBER)
    return team.id, users


def new_event(team_id: int, organizer: int, **kw: object) -> NewEvent:
    base: dict[str, object] = {
        "team_id": team_id,
        "organizer_id": organizer,
        "title": "Планёрка",
        "start_local": datetime(2026, 12, 1, 10, 0),
        "timezone": "Europe/Moscow",
        "rrule": "FREQ=WEEKLY;BYDAY=MO",
        "audience": (AudienceEntry(AudienceKind.TEAM),),
        "reminders": (ReminderSpec(offset=timedelta(days=1)), ReminderSpec(offset=timedelta(0))),
        "confirm_required": True,
    }
    base.update(kw)
    return NewEvent(**base)  # type: ignore[arg-type]


async def an_occurrence(storage: Storage) -> tuple[int, list[int], int, int]:
    team_id, users = await team_with_people(storage)
    event = await storage.create_event(new_event(team_id, users[0]))
    starts = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    occ = await storage.upsert_occurrences(
        event.id, [OccurrenceIn(starts, datetime(2026, 12, 1, 10, 0))]
    )
    return event.id, users, occ[0].id, event.reminders[0].id


def deliveries_for(
    occ_id: int, rem_id: int | None, users: list[int], send_at: datetime, job: str = "j1"
) -> list[NewDelivery]:
    return [
        NewDelivery(
            delivery_key(f"{occ_id}:{job}", RecipientKind.USER, uid),
            RecipientKind.USER,
            uid,
            due_at=send_at,
            send_at=send_at,
            occurrence_id=occ_id,
            reminder_id=rem_id,
        )
        for uid in users
    ]
