"""A ledger built by hand for the insights tests: a team in Berlin over the week DST
began (Sunday 29 March 2026, 02:00 -> 03:00), deliveries claimed and recorded the way
the engine does, answers, who-came marks and a member who left.

Every expected number in ``test_insights.py`` is computed by hand from the table below.

Team "Berlin" (Europe/Berlin).  Olga (100) owner; Anna (101, zone Asia/Vladivostok),
Boris (102), Clara (103), Dmitri (104, leaves afterwards) members; Eva (105) organizer.
Event "Training" (Olga's) asks for answers, quorum 2.  Chat 900 is in its audience.

occ0  Fri 20 Mar 18:00 CET  (17:00 UTC): outside the window.  Anna sent 09:00, yes 09:05.
occ1  Thu 26 Mar 18:00 CET  (17:00 UTC)
      09:00 UTC (10:00 CET) to Anna, Boris, Dmitri (sent), Clara (unreachable)
      13:00 UTC nudge to Boris, Dmitri (sent)
      Anna yes 09:10 (600 s), Boris yes 13:30 (16200 s), Dmitri no 14:00 (18000 s)
      who came: Anna came, Boris did not
occ2  Sun 29 Mar 18:00 CEST (16:00 UTC) -- the DST day
      08:00 UTC (10:00 CEST) to Anna, Boris (sent), Clara (unreachable), Dmitri (failed),
      chat 900 (sent); 12:00 UTC nudge to Boris (sent)
      Anna maybe 08:20 (1200 s), Eva yes from the chat 09:00 (3600 s after the chat's)
occ3  Mon 30 Mar 00:30 CEST (Sun 29 Mar 22:30 UTC): in UTC still Sunday, locally the
      next week.  Sun 16:00 UTC (18:00 CEST) to Anna, Boris, Dmitri (sent)
      Anna yes 16:05 (300 s), Boris no 17:00 (3600 s)
An event that does not ask for answers has a sent reminder in the window: left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    DeliveryStatus,
    Language,
    NewDelivery,
    NewEvent,
    OccurrenceIn,
    RecipientKind,
    Role,
)
from maxremind.storage import Storage

BERLIN = "Europe/Berlin"
OLGA, ANNA, BORIS, CLARA, DMITRI, EVA = 100, 101, 102, 103, 104, 105
CHAT = 900
NOW = datetime(2026, 4, 6, 12, 0, tzinfo=UTC)  # Monday
# Monday 23 March 00:00 CET .. Monday 6 April 00:00 CEST
SINCE = datetime(2026, 3, 22, 23, 0, tzinfo=UTC)
UNTIL = datetime(2026, 4, 5, 22, 0, tzinfo=UTC)


def utc(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Built:
    team_id: int
    event_id: int
    other_event_id: int
    occ: list[int]  # occ0 .. occ3
    group_id: int


async def _send(
    storage: Storage,
    occ: int,
    recipient: int,
    at: datetime,
    status: DeliveryStatus = DeliveryStatus.SENT,
    *,
    kind: RecipientKind = RecipientKind.USER,
    step: str = "a",
) -> None:
    """One reminder delivery, claimed and recorded as the engine would at ``at``."""
    key = f"t:{occ}:{step}:{kind.value}:{recipient}"
    await storage.add_deliveries(
        [NewDelivery(key, kind, recipient, due_at=at, send_at=at, occurrence_id=occ)]
    )
    claimed = await storage.claim_deliveries(
        now=at, owner="t", lease_until=at + timedelta(hours=1), limit=100
    )
    assert [d.key for d in claimed] == [key]
    if status is DeliveryStatus.SENT:
        await storage.record_sent(key, owner="t", max_message_id=f"m:{key}", sent_at=at)
    else:
        await storage.record_failure(key, owner="t", error="x", status=status, retry_at=None)


async def build(storage: Storage) -> Built:
    names = {OLGA: "Olga", ANNA: "Anna", BORIS: "Boris", CLARA: "Clara", DMITRI: "Dmitri"}
    names[EVA] = "Eva"
    for uid, name in names.items():
        await storage.upsert_user(uid, name=name, username=None)
    await storage.update_user(ANNA, timezone="Asia/Vladivostok")
    team = await storage.create_team(
        "Berlin", timezone=BERLIN, language=Language.EN, created_by=OLGA
    )
    await storage.add_member(team.id, OLGA, Role.OWNER)
    for uid in (ANNA, BORIS, CLARA, DMITRI):
        await storage.add_member(team.id, uid, Role.MEMBER)
    await storage.add_member(team.id, EVA, Role.ORGANIZER)
    group = await storage.create_group(team.id, "Front")
    await storage.add_to_group(group.id, [ANNA, BORIS])
    await storage.upsert_chat(CHAT, title="Berlin chat", chat_type="chat", added_by=OLGA)
    event = await storage.create_event(
        NewEvent(
            team_id=team.id,
            organizer_id=OLGA,
            title="Training",
            start_local=datetime(2026, 3, 20, 18, 0),
            timezone=BERLIN,
            audience=(AudienceEntry(AudienceKind.TEAM), AudienceEntry(AudienceKind.CHAT, CHAT)),
            confirm_required=True,
            quorum=2,
        )
    )
    starts = [utc(20, 17), utc(26, 17), utc(29, 16), utc(29, 22, 30)]
    locals_ = [
        datetime(2026, 3, 20, 18, 0),
        datetime(2026, 3, 26, 18, 0),
        datetime(2026, 3, 29, 18, 0),
        datetime(2026, 3, 30, 0, 30),
    ]
    occs = await storage.upsert_occurrences(
        event.id, [OccurrenceIn(s, loc) for s, loc in zip(starts, locals_, strict=True)]
    )
    occ = [o.id for o in occs]
    # occ0, outside the window
    await _send(storage, occ[0], ANNA, utc(20, 9))
    await storage.set_confirmation(occ[0], ANNA, Answer.YES, comment="", at=utc(20, 9, 5))
    # occ1
    await _send(storage, occ[1], ANNA, utc(26, 9))
    await _send(storage, occ[1], BORIS, utc(26, 9))
    await _send(storage, occ[1], CLARA, utc(26, 9), DeliveryStatus.UNREACHABLE)
    await _send(storage, occ[1], DMITRI, utc(26, 9))
    await storage.set_confirmation(occ[1], ANNA, Answer.YES, comment="", at=utc(26, 9, 10))
    await _send(storage, occ[1], BORIS, utc(26, 13), step="nudge")
    await _send(storage, occ[1], DMITRI, utc(26, 13), step="nudge")
    await storage.set_confirmation(occ[1], BORIS, Answer.YES, comment="", at=utc(26, 13, 30))
    await storage.set_confirmation(occ[1], DMITRI, Answer.NO, comment="", at=utc(26, 14))
    await storage.set_attendance(occ[1], ANNA, True, marked_by=OLGA, at=utc(26, 20))
    await storage.set_attendance(occ[1], BORIS, False, marked_by=OLGA, at=utc(26, 20))
    # occ2, the day DST begins
    await _send(storage, occ[2], ANNA, utc(29, 8))
    await _send(storage, occ[2], BORIS, utc(29, 8))
    await _send(storage, occ[2], CLARA, utc(29, 8), DeliveryStatus.UNREACHABLE)
    await _send(storage, occ[2], DMITRI, utc(29, 8), DeliveryStatus.FAILED)
    await _send(storage, occ[2], CHAT, utc(29, 8), kind=RecipientKind.CHAT)
    await storage.set_confirmation(occ[2], ANNA, Answer.MAYBE, comment="", at=utc(29, 8, 20))
    await storage.set_confirmation(occ[2], EVA, Answer.YES, comment="", at=utc(29, 9))
    await _send(storage, occ[2], BORIS, utc(29, 12), step="nudge")
    # occ3, locally Monday of the next week
    await _send(storage, occ[3], ANNA, utc(29, 16))
    await _send(storage, occ[3], BORIS, utc(29, 16))
    await _send(storage, occ[3], DMITRI, utc(29, 16))
    await storage.set_confirmation(occ[3], ANNA, Answer.YES, comment="", at=utc(29, 16, 5))
    await storage.set_confirmation(occ[3], BORIS, Answer.NO, comment="", at=utc(29, 17))
    # An event that asks for nothing: its reminders are not counted.
    other = await storage.create_event(
        NewEvent(
            team_id=team.id,
            organizer_id=OLGA,
            title="Newsletter",
            start_local=datetime(2026, 3, 27, 12, 0),
            timezone=BERLIN,
            audience=(AudienceEntry(AudienceKind.TEAM),),
        )
    )
    (other_occ,) = await storage.upsert_occurrences(
        other.id, [OccurrenceIn(utc(27, 11), datetime(2026, 3, 27, 12, 0))]
    )
    await _send(storage, other_occ.id, ANNA, utc(27, 10))
    # Dmitri leaves: his history stays.
    await storage.remove_member(team.id, DMITRI)
    return Built(team.id, event.id, other.id, occ, group.id)
