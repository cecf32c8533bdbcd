"""A person's language follows their MAX locale until they choose one themselves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from maxremind.domain.models import Language
from maxremind.services.users import UserService
from maxremind.storage import Storage, open_storage

EN, RU = Language.EN, Language.RU


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    async with open_storage(f"sqlite:///{tmp_path / 'users.db'}") as store:
        yield store


async def test_the_locale_is_followed_until_a_choice(storage: Storage) -> None:
    users = UserService(storage)
    assert (await users.remember(1, name="Emma", username=None, language=RU)).language is RU
    # The person switched their MAX app to English: the engine's reminders follow.
    assert (await users.remember(1, name="Emma", username=None, language=EN)).language is EN
    assert (await users.remember(1, name="Emma", username=None)).language is EN  # no locale
    await users.set_language(1, RU)
    assert (await users.remember(1, name="Emma", username=None, language=EN)).language is RU
    await users.set_language(1, EN)
    assert (await users.remember(1, name="Emma", username=None, language=RU)).language is EN


async def test_a_language_stored_before_is_kept_as_chosen(storage: Storage) -> None:
    """What an earlier version stored cannot be told from a choice, so it stays."""
    await storage.upsert_user(2, name="Иван", username=None)
    await storage.update_user(2, language=RU)
    users = UserService(storage)
    assert (await users.remember(2, name="Иван", username=None, language=EN)).language is RU
