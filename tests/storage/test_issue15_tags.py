"""The directory port's contract for renaming a tag (issue 15)."""

from __future__ import annotations

import pytest

from maxremind.storage import AlreadyExists, NotFound, Storage
from tests.storage.kit import team_with_people


async def test_rename_tag_keeps_its_people_and_names_stay_unique(storage: Storage) -> None:
    team_id, users = await team_with_people(storage)
    tag = await storage.create_tag(team_id, "Водитель")
    other = await storage.create_tag(team_id, "Кладовщик")
    await storage.tag_members(tag.id, users[1:])
    renamed = await storage.rename_tag(tag.id, "Шофёр")
    assert (renamed.id, renamed.name) == (tag.id, "Шофёр")
    assert await storage.list_tag_members(tag.id) == users[1:]
    found = await storage.find_tag(team_id, "ШОФЁР")
    assert found is not None and found.id == tag.id
    assert await storage.find_tag(team_id, "Водитель") is None
    with pytest.raises(AlreadyExists):
        await storage.rename_tag(other.id, "шофёр")
    assert (await storage.get_tag(other.id)).name == "Кладовщик"
    with pytest.raises(NotFound):
        await storage.rename_tag(987654, "x")
