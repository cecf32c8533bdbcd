"""People as the bot knows them: remembering who writes, their language, their current
team, and whether the bot can reach them."""

from __future__ import annotations

import hashlib

from maxremind.domain.clock import Clock, utcnow
from maxremind.domain.models import Language, Team, User
from maxremind.storage import NotFound, Storage

# Where a person's stored language came from (a key/value entry per person who has one).
_FROM_LOCALE, _CHOSEN = "locale", "chosen"


def _language_key(user_id: int) -> str:
    return f"language-of:{user_id}"


class UserService:
    def __init__(self, storage: Storage, *, clock: Clock = utcnow) -> None:
        self.storage = storage
        self.clock = clock

    async def remember(
        self, user_id: int, *, name: str, username: str | None, language: Language | None = None
    ) -> User:
        """Create or refresh a person from what MAX says about them.

        ``language`` (from their MAX locale) is stored, so reminders the engine sends
        later, outside any conversation, are in it too; it follows the locale when the
        person switches their MAX app to another language, until they choose one
        themselves (:meth:`set_language`).  A language stored before the locale was
        followed counts as chosen: nobody's language changes under them on an upgrade.
        """
        user = await self.storage.upsert_user(user_id, name=name, username=username)
        if language is None or user.language is language:
            return user
        if user.language is None:
            await self.storage.set_value(_language_key(user_id), _FROM_LOCALE)
        elif await self.storage.get_value(_language_key(user_id)) != _FROM_LOCALE:
            return user  # their own choice
        return await self.storage.update_user(user_id, language=language)

    async def get(self, user_id: int) -> User | None:
        try:
            return await self.storage.get_user(user_id)
        except NotFound:
            return None

    async def set_language(self, user_id: int, language: Language) -> User:
        """The person's own choice: it stays whatever their MAX locale says."""
        await self.storage.set_value(_language_key(user_id), _CHOSEN)
        return await self.storage.update_user(user_id, language=language)

    async def choose_team(self, user_id: int, team_id: int) -> Team | None:
        """Make one of the person's teams the one their commands are for; None (nothing
        changes) when they are not in that team."""
        teams = {team.id: team for team in await self.storage.list_teams_of_user(user_id)}
        team = teams.get(team_id)
        if team is not None:
            await self.storage.update_user(user_id, current_team_id=team.id)
        return team

    async def team_named(self, user_id: int, name: str) -> Team | None:
        """The person's own team called ``name`` (case, "ё" and spaces aside): ``/team
        Название`` switches to it rather than founding a second team of that name."""
        wanted = _name_key(name)
        for team in await self.storage.list_teams_of_user(user_id):
            if _name_key(team.name) == wanted:
                return team
        return None

    async def current_team(self, user: User, *, chat_id: int | None = None) -> Team | None:
        """The team a command is for: a linked chat's team, else the one chosen last, else
        the only one; None when the person has to choose."""
        if chat_id is not None:
            try:
                chat = await self.storage.get_chat(chat_id)
            except NotFound:
                chat = None
            if chat is not None and chat.team_id is not None:
                return await self.storage.get_team(chat.team_id)
        teams = await self.storage.list_teams_of_user(user.user_id)
        chosen = [team for team in teams if team.id == user.current_team_id]
        if chosen:
            return chosen[0]
        return teams[0] if len(teams) == 1 else None

    async def first_press(self, user_id: int, message_id: str, payload: str) -> bool:
        """Whether this is the person's first press of this drawn button (a signed
        payload, unique per drawing) in this message; the press is recorded.

        Recorded in the database inside the press's unit of work, so of a double tap or
        a press delivered twice -- even handled at once -- exactly one gets True, and a
        press whose handling failed (rolled back) may be pressed again.
        """
        key = hashlib.sha256(f"{user_id}\n{message_id}\n{payload}".encode()).hexdigest()
        return await self.storage.claim_press(key, user_id=user_id, at=self.clock())

    async def set_reachable(self, user_id: int, reachable: bool, reason: str | None = None) -> None:
        """The person started the bot again (True) or stopped it / removed the dialog."""
        await self.storage.set_user_reachable(user_id, reachable, reason)


def _name_key(name: str) -> str:
    return " ".join(name.casefold().replace("ё", "е").split())
