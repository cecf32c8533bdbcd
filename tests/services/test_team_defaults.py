"""A team's default reminders and escalation for new events (TeamService.set_team_defaults)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from maxremind.domain.models import Language, ReminderSpec, ReminderTarget, Role
from maxremind.services.events import PermissionDenied
from maxremind.services.teams import MAX_DEFAULT_STEPS, PeopleRefused, TeamService
from maxremind.storage import Storage, open_storage

H = timedelta(hours=1)
CHASE = ReminderTarget.UNANSWERED
SUMMARY = ReminderTarget.ORGANIZER_SUMMARY


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    async with open_storage(f"sqlite:///{tmp_path / 'defaults.db'}") as store:
        for user_id in (1, 2, 3):
            await store.upsert_user(user_id, name=f"Человек {user_id}", username=None)
        yield store


async def _team(storage: Storage) -> tuple[TeamService, int]:
    service = TeamService(storage)
    team = await service.create_team(1, "Склад", timezone="Europe/Moscow", language=Language.RU)
    await storage.add_member(team.id, 2, Role.ADMIN)
    await storage.add_member(team.id, 3, Role.ORGANIZER)
    return service, team.id


async def test_new_teams_have_none_and_admins_set_them(storage: Storage) -> None:
    service, team_id = await _team(storage)
    team = await service.team(team_id)
    assert team.default_reminders == () and team.default_escalation == ()
    saved = await service.set_team_defaults(
        team_id,
        2,
        [H, 24 * H, H],  # a repeat is dropped; largest first
        [ReminderSpec(offset=H, target=SUMMARY), ReminderSpec(offset=3 * H, target=CHASE)],
    )
    assert saved.default_reminders == (24 * H, H)
    assert saved.default_escalation == (
        ReminderSpec(offset=3 * H, target=CHASE),
        ReminderSpec(offset=H, target=SUMMARY),
    )
    again = await service.team(team_id)  # stored, read back the same
    assert again.default_reminders == saved.default_reminders
    assert again.default_escalation == saved.default_escalation
    assert [t.default_reminders for t in await service.teams_of(1)] == [(24 * H, H)]
    audit = await storage.list_audit(team_id)
    assert any(entry.action == "team.defaults" and entry.actor_id == 2 for entry in audit)
    cleared = await service.set_team_defaults(team_id, 1, [], [])
    assert cleared.default_reminders == () and cleared.default_escalation == ()
    # The team's other settings are untouched.
    assert cleared.timezone == "Europe/Moscow" and cleared.name == "Склад"


async def test_only_admins_and_owners(storage: Storage) -> None:
    service, team_id = await _team(storage)
    with pytest.raises(PermissionDenied) as denied:
        await service.set_team_defaults(team_id, 3, [H], [])
    assert denied.value.needed is Role.ADMIN
    assert (await service.team(team_id)).default_reminders == ()


@pytest.mark.parametrize(
    ("reminders", "escalation", "reason"),
    [
        ([-H], [], "defaults_offset"),
        ([timedelta(days=367)], [], "defaults_offset"),
        ([], [ReminderSpec(offset=timedelta(days=400), target=CHASE)], "defaults_offset"),
        ([], [ReminderSpec(offset=H, target=ReminderTarget.ALL)], "defaults_target"),
        ([H], [ReminderSpec(offset=H, target=CHASE)], "defaults_twice"),
        ([H * (i + 1) for i in range(MAX_DEFAULT_STEPS + 1)], [], "defaults_too_many"),
    ],
)
async def test_refused_and_nothing_saved(
    storage: Storage,
    reminders: list[timedelta],
    escalation: list[ReminderSpec],
    reason: str,
) -> None:
    service, team_id = await _team(storage)
    await service.set_team_defaults(team_id, 1, [2 * H], [])
    with pytest.raises(PeopleRefused) as refused:
        await service.set_team_defaults(team_id, 1, reminders, escalation)
    assert refused.value.reason == reason
    assert (await service.team(team_id)).default_reminders == (2 * H,)
