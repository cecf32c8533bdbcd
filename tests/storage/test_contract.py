"""The storage contract: what every adapter must do, written once."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from maxremind.domain.models import (
    Answer,
    AudienceEntry,
    AudienceKind,
    DeliveryStatus,
    EventKind,
    EventStatus,
    Language,
    NewDelivery,
    NewEvent,
    OccurrenceIn,
    QuietHoursSpec,
    RecipientKind,
    ReminderSpec,
    ReminderTarget,
    Role,
    delivery_key,
)
from maxremind.storage import AlreadyExists, InviteUnusable, LeaseLost, NotFound, Storage

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


async def _team_with_people(storage: Storage, n: int = 3) -> tuple[int, list[int]]:
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


def _event(team_id: int, organizer: int, **kw: object) -> NewEvent:
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


async def test_fresh_database_is_at_latest_schema(storage: Storage) -> None:
    from maxremind.storage.migrations import latest_version

    assert await storage.schema_version() == latest_version("sqlite")
    await storage.ping()


async def test_key_value_roundtrip_and_overwrite(storage: Storage) -> None:
    assert await storage.get_value("marker") is None
    await storage.set_value("marker", "41")
    await storage.set_value("marker", "42")
    assert await storage.get_value("marker") == "42"


async def test_team_crud(storage: Storage) -> None:
    team = await storage.create_team(
        "A", timezone="Europe/Moscow", language=Language.RU, created_by=None
    )
    assert (await storage.get_team(team.id)).name == "A"
    updated = await storage.update_team(
        team.id, name="B", language=Language.EN, quiet_hours=QuietHoursSpec("22:00", "08:00")
    )
    assert (updated.name, updated.language, str(updated.quiet_hours)) == (
        "B",
        Language.EN,
        "22:00-08:00",
    )
    cleared = await storage.update_team(team.id, quiet_hours=None)
    assert cleared.quiet_hours is None and cleared.name == "B"
    await storage.delete_team(team.id)
    with pytest.raises(NotFound):
        await storage.get_team(team.id)
    with pytest.raises(NotFound):
        await storage.delete_team(team.id)
    with pytest.raises(NotFound):
        await storage.update_team(team.id, name="C")


async def test_user_upsert_keeps_settings_and_finds_by_username(storage: Storage) -> None:
    await storage.upsert_user(7, name="Анна", username="Anna_K")
    await storage.update_user(
        7,
        language=Language.EN,
        timezone="Asia/Yekaterinburg",
        quiet_hours=QuietHoursSpec("23:00", "07:00"),
    )
    user = await storage.upsert_user(7, name="Анна К.", username="anna_k")
    assert user.name == "Анна К." and user.language == Language.EN
    assert user.timezone == "Asia/Yekaterinburg" and str(user.quiet_hours) == "23:00-07:00"
    found = await storage.find_user_by_username("@ANNA_K")
    assert found is not None and found.user_id == 7
    assert await storage.find_user_by_username("nobody") is None
    await storage.set_user_reachable(7, False, "bot_stopped")
    user = await storage.get_user(7)
    assert not user.reachable and user.unreachable_reason == "bot_stopped"
    await storage.set_user_reachable(7, True, None)
    assert (await storage.get_user(7)).reachable
    user = await storage.update_user(7, language=None)
    assert user.language is None and user.timezone == "Asia/Yekaterinburg"
    with pytest.raises(NotFound):
        await storage.get_user(8)
    with pytest.raises(NotFound):
        await storage.update_user(8, language=Language.RU)
    with pytest.raises(NotFound):
        await storage.set_user_reachable(8, False, "x")


async def test_member_crud_and_roles(storage: Storage) -> None:
    team_id, users = await _team_with_people(storage)
    members = await storage.list_members(team_id)
    assert [m.user_id for m in members] == users
    assert members[0].role == Role.OWNER and members[0].name == "User 0"
    with pytest.raises(AlreadyExists):
        await storage.add_member(team_id, users[1], Role.ADMIN)
    with pytest.raises(NotFound):
        await storage.add_member(team_id, 999_999, Role.MEMBER)
    with pytest.raises(NotFound):
        await storage.add_member(424242, users[1], Role.MEMBER)
    member = await storage.set_member_role(team_id, users[1], Role.ORGANIZER)
    assert member.role == Role.ORGANIZER
    assert [t.id for t in await storage.list_teams_of_user(users[1])] == [team_id]
    await storage.update_user(users[1], current_team_id=team_id)
    await storage.remove_member(team_id, users[1])
    with pytest.raises(NotFound):
        await storage.get_member(team_id, users[1])
    assert (await storage.get_user(users[1])).current_team_id is None
    with pytest.raises(NotFound):
        await storage.remove_member(team_id, users[1])
    with pytest.raises(NotFound):
        await storage.set_member_role(team_id, users[1], Role.ADMIN)


async def test_group_names_unique_case_insensitive_cyrillic(storage: Storage) -> None:
    team_id, _ = await _team_with_people(storage)
    group = await storage.create_group(team_id, "Отдел кадров")
    with pytest.raises(AlreadyExists):
        await storage.create_group(team_id, "ОТДЕЛ  КАДРОВ")
    found = await storage.find_group(team_id, "отдел кадров")
    assert found is not None and found.id == group.id
    renamed = await storage.rename_group(group.id, "Кадры")
    assert renamed.name == "Кадры"
    assert [g.name for g in await storage.list_groups(team_id)] == ["Кадры"]
    with pytest.raises(NotFound):
        await storage.rename_group(987654, "x")


async def test_deleting_group_keeps_members(storage: Storage) -> None:
    team_id, users = await _team_with_people(storage)
    group = await storage.create_group(team_id, "Водители")
    assert await storage.add_to_group(group.id, users[1:]) == 2
    assert await storage.add_to_group(group.id, users[1:]) == 0  # idempotent
    assert await storage.list_group_members(group.id) == users[1:]
    assert [g.id for g in await storage.list_groups_of_member(team_id, users[1])] == [group.id]
    await storage.delete_group(group.id)
    assert len(await storage.list_members(team_id)) == 3
    assert await storage.list_groups_of_member(team_id, users[1]) == []
    with pytest.raises(NotFound):
        await storage.get_group(group.id)
    with pytest.raises(NotFound):
        await storage.delete_group(group.id)


async def test_group_links_only_team_members(storage: Storage) -> None:
    team_id, users = await _team_with_people(storage)
    outsider = await storage.upsert_user(5555, name="Outsider", username=None)
    group = await storage.create_group(team_id, "G")
    with pytest.raises(NotFound):
        await storage.add_to_group(group.id, [outsider.user_id])
    with pytest.raises(NotFound):
        await storage.add_to_group(31337, [users[0]])
    assert await storage.list_group_members(group.id) == []


async def test_removing_member_removes_group_and_tag_links(storage: Storage) -> None:
    team_id, users = await _team_with_people(storage)
    group = await storage.create_group(team_id, "G")
    tag = await storage.create_tag(team_id, "водитель")
    await storage.add_to_group(group.id, users)
    await storage.tag_members(tag.id, [users[2]])
    await storage.remove_member(team_id, users[2])
    assert await storage.list_group_members(group.id) == users[:2]
    assert await storage.list_tag_members(tag.id) == []
    assert await storage.remove_from_group(group.id, [users[0], 424242]) == 1


async def test_tag_crud(storage: Storage) -> None:
    team_id, users = await _team_with_people(storage)
    tag = await storage.create_tag(team_id, "Водитель")
    with pytest.raises(AlreadyExists):
        await storage.create_tag(team_id, "водитель")
    assert (await storage.get_tag(tag.id)).name == "Водитель"
    found = await storage.find_tag(team_id, "ВОДИТЕЛЬ")
    assert found is not None and found.id == tag.id
    assert await storage.tag_members(tag.id, [users[0], users[0], users[1]]) == 2
    assert [t.name for t in await storage.list_tags_of_member(team_id, users[0])] == ["Водитель"]
    assert await storage.untag_members(tag.id, [users[0]]) == 1
    assert await storage.list_tag_members(tag.id) == [users[1]]
    assert [t.id for t in await storage.list_tags(team_id)] == [tag.id]
    await storage.delete_tag(tag.id)
    assert len(await storage.list_members(team_id)) == 3
    with pytest.raises(NotFound):
        await storage.get_tag(tag.id)


async def test_chat_link_unlink_and_readd(storage: Storage) -> None:
    team_id, users = await _team_with_people(storage)
    group = await storage.create_group(team_id, "G")
    chat = await storage.upsert_chat(-100, title="Чат отдела", chat_type="chat", added_by=users[0])
    assert chat.active and chat.team_id is None
    linked = await storage.link_chat(-100, team_id, group.id)
    assert (linked.team_id, linked.group_id) == (team_id, group.id)
    assert [c.chat_id for c in await storage.list_chats(team_id)] == [-100]
    again = await storage.upsert_chat(-100, title="Новое имя", chat_type="chat", added_by=None)
    assert again.group_id == group.id and again.added_by == users[0] and again.title == "Новое имя"
    await storage.delete_group(group.id)
    assert (await storage.get_chat(-100)).group_id is None
    await storage.deactivate_chat(-100)
    chat = await storage.get_chat(-100)
    assert not chat.active and chat.team_id is None
    assert await storage.list_chats(team_id) == []
    other_team = await storage.create_team(
        "X", timezone="UTC", language=Language.EN, created_by=None
    )
    other_group = await storage.create_group(other_team.id, "Y")
    with pytest.raises(NotFound):
        await storage.link_chat(-100, team_id, other_group.id)
    with pytest.raises(NotFound):
        await storage.link_chat(-1, team_id, None)
    with pytest.raises(NotFound):
        await storage.deactivate_chat(-1)


async def test_event_crud_with_audience_and_reminders(storage: Storage) -> None:
    team_id, users = await _team_with_people(storage)
    group = await storage.create_group(team_id, "G")
    event = await storage.create_event(
        _event(
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
        _event(
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
        await storage.update_event(event.id, _event(team_id, users[0]))
    with pytest.raises(NotFound):
        await storage.create_event(_event(team_id, 999_999))


async def test_personal_reminder_without_team(storage: Storage) -> None:
    user = await storage.upsert_user(77, name="Solo", username=None)
    event = await storage.create_event(
        _event(
            None,
            user.user_id,
            kind=EventKind.REMINDER,
            rrule=None,
            audience=(AudienceEntry(AudienceKind.MEMBER, 77),),
        )
    )
    assert event.team_id is None and event.kind == EventKind.REMINDER


async def _occurrence(storage: Storage) -> tuple[int, list[int], int, int]:
    team_id, users = await _team_with_people(storage)
    event = await storage.create_event(_event(team_id, users[0]))
    starts = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    occ = await storage.upsert_occurrences(
        event.id, [OccurrenceIn(starts, datetime(2026, 12, 1, 10, 0))]
    )
    return event.id, users, occ[0].id, event.reminders[0].id


async def test_occurrences_are_unique_per_start(storage: Storage) -> None:
    event_id, _, occ_id, _ = await _occurrence(storage)
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


def _deliveries(
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


async def test_delivery_keys_are_unique(storage: Storage) -> None:
    _, users, occ_id, rem_id = await _occurrence(storage)
    batch = _deliveries(occ_id, rem_id, users, NOW)
    assert await storage.add_deliveries(batch) == 3
    assert await storage.add_deliveries(batch) == 0
    assert await storage.add_deliveries(batch + _deliveries(occ_id, rem_id, [424242], NOW)) == 1
    # A delivery can name an occurrence only if it exists.
    ledger = await storage.list_deliveries(occ_id)
    assert len(ledger) == 4 and len({d.key for d in ledger}) == 4
    assert (await storage.get_delivery(batch[0].key)).status == DeliveryStatus.PLANNED
    with pytest.raises(NotFound):
        await storage.get_delivery("nope")
    with pytest.raises(NotFound):
        await storage.add_deliveries(_deliveries(424242, rem_id, users, NOW))


async def test_claim_lease_send_and_reclaim(storage: Storage) -> None:
    _, users, occ_id, rem_id = await _occurrence(storage)
    batch = _deliveries(occ_id, rem_id, users, NOW)
    await storage.add_deliveries(batch)
    await storage.add_deliveries(_deliveries(occ_id, None, users, NOW + timedelta(hours=1), "j2"))
    assert await storage.next_due_at() == NOW

    lease = NOW + timedelta(seconds=30)
    claimed = await storage.claim_deliveries(now=NOW, owner="a", lease_until=lease, limit=2)
    assert len(claimed) == 2 and all(
        d.status == DeliveryStatus.CLAIMED and d.attempts == 1 for d in claimed
    )
    rest = await storage.claim_deliveries(now=NOW, owner="b", lease_until=lease, limit=10)
    assert len(rest) == 1 and {d.key for d in rest}.isdisjoint({d.key for d in claimed})
    assert await storage.claim_deliveries(now=NOW, owner="c", lease_until=lease, limit=10) == []

    await storage.record_sent(claimed[0].key, owner="a", max_message_id="mid.1", sent_at=NOW)
    with pytest.raises(LeaseLost):
        await storage.record_sent(claimed[0].key, owner="a", max_message_id="mid.1", sent_at=NOW)
    with pytest.raises(LeaseLost):
        await storage.record_sent(rest[0].key, owner="a", max_message_id="x", sent_at=NOW)
    assert (
        await storage.extend_leases(
            [claimed[1].key], owner="a", lease_until=lease + timedelta(minutes=5)
        )
        == 1
    )

    # "b" died: once its lease expires another worker takes the row over.
    later = lease + timedelta(seconds=1)
    taken = await storage.claim_deliveries(
        now=later, owner="c", lease_until=later + timedelta(seconds=30), limit=10
    )
    assert [d.key for d in taken] == [rest[0].key] and taken[0].attempts == 2
    with pytest.raises(LeaseLost):
        await storage.record_sent(rest[0].key, owner="b", max_message_id="late", sent_at=later)

    await storage.record_failure(
        claimed[1].key,
        owner="a",
        error="503",
        status=DeliveryStatus.FAILED,
        retry_at=NOW + timedelta(minutes=1),
    )
    retried = await storage.get_delivery(claimed[1].key)
    assert retried.status == DeliveryStatus.PLANNED and retried.last_error == "503"
    assert retried.send_at == NOW + timedelta(minutes=1)
    await storage.record_failure(
        taken[0].key,
        owner="c",
        error="403 dialog.denied",
        status=DeliveryStatus.UNREACHABLE,
        retry_at=None,
    )
    assert (await storage.get_delivery(taken[0].key)).status == DeliveryStatus.UNREACHABLE
    sent = await storage.get_delivery(claimed[0].key)
    assert (
        sent.status == DeliveryStatus.SENT
        and sent.max_message_id == "mid.1"
        and sent.sent_at == NOW
    )

    counts = await storage.count_deliveries()
    assert counts[DeliveryStatus.SENT] == 1 and counts[DeliveryStatus.UNREACHABLE] == 1
    assert counts[DeliveryStatus.PLANNED] == 4


async def test_skip_only_pending_deliveries(storage: Storage) -> None:
    _, users, occ_id, rem_id = await _occurrence(storage)
    batch = _deliveries(occ_id, rem_id, users, NOW)
    await storage.add_deliveries(batch)
    claimed = await storage.claim_deliveries(
        now=NOW, owner="a", lease_until=NOW + timedelta(seconds=9), limit=1
    )
    assert await storage.skip_deliveries([d.key for d in batch], "event_over") == 2
    assert (await storage.get_delivery(claimed[0].key)).status == DeliveryStatus.CLAIMED
    skipped = await storage.get_delivery(
        batch[1].key if claimed[0].key == batch[0].key else batch[0].key
    )
    assert skipped.status == DeliveryStatus.SKIPPED and skipped.skip_reason == "event_over"


async def test_deleting_event_cascades_to_ledger_and_answers(storage: Storage) -> None:
    event_id, users, occ_id, rem_id = await _occurrence(storage)
    await storage.add_deliveries(_deliveries(occ_id, rem_id, users, NOW))
    await storage.set_confirmation(occ_id, users[1], Answer.YES, comment="", at=NOW)
    await storage.delete_event(event_id)
    assert await storage.list_deliveries(occ_id) == []
    assert await storage.list_confirmations(occ_id) == []
    assert len(await storage.list_members((await storage.list_teams_of_user(users[0]))[0].id)) == 3


async def test_confirmation_can_change(storage: Storage) -> None:
    _, users, occ_id, _ = await _occurrence(storage)
    assert await storage.get_confirmation(occ_id, users[1]) is None
    await storage.set_confirmation(occ_id, users[1], Answer.YES, comment="", at=NOW)
    changed = await storage.set_confirmation(
        occ_id, users[1], Answer.NO, comment="болею", at=NOW + timedelta(hours=1)
    )
    assert changed.answer == Answer.NO and changed.comment == "болею"
    assert [c.answer for c in await storage.list_confirmations(occ_id)] == [Answer.NO]
    with pytest.raises(NotFound):
        await storage.set_confirmation(424242, users[1], Answer.YES, comment="", at=NOW)


async def test_invites_limits(storage: Storage) -> None:
    team_id, users = await _team_with_people(storage)
    group = await storage.create_group(team_id, "G")
    await storage.create_invite(
        "code1",
        team_id=team_id,
        group_id=group.id,
        created_by=users[0],
        expires_at=NOW + timedelta(days=1),
        max_uses=2,
    )
    with pytest.raises(AlreadyExists):
        await storage.create_invite(
            "code1",
            team_id=team_id,
            group_id=None,
            created_by=users[0],
            expires_at=None,
            max_uses=None,
        )
    assert (await storage.use_invite("code1", now=NOW)).group_id == group.id
    await storage.use_invite("code1", now=NOW)
    with pytest.raises(InviteUnusable) as exc:
        await storage.use_invite("code1", now=NOW)
    assert exc.value.reason == "used_up"
    assert (await storage.get_invite("code1")).uses == 2

    await storage.create_invite(
        "code2", team_id=team_id, group_id=None, created_by=users[0], expires_at=NOW, max_uses=None
    )
    with pytest.raises(InviteUnusable, match="expired"):
        await storage.use_invite("code2", now=NOW)
    await storage.create_invite(
        "code3", team_id=team_id, group_id=None, created_by=users[0], expires_at=None, max_uses=None
    )
    await storage.revoke_invite("code3")
    with pytest.raises(InviteUnusable, match="revoked"):
        await storage.use_invite("code3", now=NOW)
    with pytest.raises(NotFound):
        await storage.use_invite("nope", now=NOW)
    assert {i.code for i in await storage.list_invites(team_id)} == {"code1", "code2", "code3"}
    await storage.delete_group(group.id)
    assert {i.code for i in await storage.list_invites(team_id)} == {"code2", "code3"}


async def test_audit_log_newest_first(storage: Storage) -> None:
    team_id, users = await _team_with_people(storage)
    await storage.add_audit(
        team_id=team_id,
        actor_id=users[0],
        action="member.role",
        subject="1001",
        details={"role": "admin"},
        at=NOW,
    )
    await storage.add_audit(
        team_id=team_id, actor_id=users[0], action="group.create", subject="Водители", at=NOW
    )
    entries = await storage.list_audit(team_id)
    assert [e.action for e in entries] == ["group.create", "member.role"]
    assert entries[1].details == {"role": "admin"} and entries[1].at == NOW


async def test_deleting_team_keeps_people_and_unlinks_chats(storage: Storage) -> None:
    team_id, users = await _team_with_people(storage)
    await storage.upsert_chat(-5, title="c", chat_type="chat", added_by=users[0])
    await storage.link_chat(-5, team_id, None)
    await storage.create_event(_event(team_id, users[0]))
    await storage.delete_team(team_id)
    assert (await storage.get_user(users[1])).name == "User 1"
    chat = await storage.get_chat(-5)
    assert chat.team_id is None
    assert await storage.list_events(team_id=team_id) == []


async def test_inbox_dedupes_updates(storage: Storage) -> None:
    items = [("k1", "bot_started", '{"a": 1}'), ("k2", "message_created", '{"b": 2}')]
    assert await storage.inbox_add(items, at=NOW) == 2
    assert await storage.inbox_add(items[:1], at=NOW) == 0
    pending = await storage.inbox_pending(10)
    assert [p.dedupe_key for p in pending] == ["k1", "k2"] and pending[0].payload == '{"a": 1}'
    await storage.inbox_done(pending[0].id, at=NOW)
    await storage.inbox_failed(pending[1].id, error="boom", give_up=False, at=NOW)
    again = await storage.inbox_pending(10)
    assert [(p.dedupe_key, p.attempts) for p in again] == [("k2", 1)]
    await storage.inbox_failed(pending[1].id, error="boom", give_up=True, at=NOW)
    assert await storage.inbox_pending(10) == []
    assert await storage.inbox_add(items, at=NOW) == 0  # still remembered for de-duplication
    assert await storage.inbox_purge(before=NOW + timedelta(seconds=1)) == 2
    assert await storage.inbox_add(items[:1], at=NOW) == 1


async def test_jobs_expand_once_with_their_deliveries(storage: Storage) -> None:
    from maxremind.domain.models import JobStatus, NewJob

    event_id, users, occ_id, rem_id = await _occurrence(storage)
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
    batch = _deliveries(occ_id, rem_id, users, NOW, job="x")
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
    await storage.update_event(event_id, _event(event.team_id, event.organizer_id))
    assert await storage.events_needing_plan(horizon_end=NOW) == [event_id]
    # Rewriting reminders keeps the ledger of what was already sent.
    assert len(await storage.list_deliveries(occ_id)) == 3


async def test_replanning_refreshes_planned_jobs_only(storage: Storage) -> None:
    from maxremind.domain.models import NewJob

    event_id, users, occ_id, rem_id = await _occurrence(storage)
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
