"""People: teams, invites, members and roles, groups and tags, linked chats, settings.

The handlers are split by topic (``people_*.py``); this module registers them all.
Business rules live in :mod:`maxremind.services.teams`.
"""

from __future__ import annotations

from maxremind.bot import texts_people  # noqa: F401 - adds the texts on import
from maxremind.bot.handlers import (
    people_chats,
    people_groups,
    people_settings,
    people_tags,
    people_teams,
)
from maxremind.bot.router import Router


def register(router: Router) -> None:
    """Register this feature's commands, actions and dialogs."""
    people_teams.register(router)
    people_groups.register(router)
    people_tags.register(router)
    people_chats.register(router)
    people_settings.register(router)
