"""The command menu MAX clients show when one types "/" (``PATCH /me/commands``).

It is derived from the router's commands, so it cannot drift from what the bot
answers. MAX keeps one list per bot: ``BotCommand`` has a name and a description and
no language, and the menu is not chosen by the person's locale. The bot's people are
mostly Russian-speaking, so the menu is the Russian ``/help`` (``MENU_LANGUAGE``);
``/help`` and every answer still follow each person's language.
"""

from __future__ import annotations

from maxremind.bot.router import Router
from maxremind.domain.models import Language
from maxremind.i18n import t
from maxremind.maxapi.models import NewBotCommand

MENU_LANGUAGE = Language.RU
MAX_COMMANDS = 32  # the schema's limit (BotPatch.commands, maxItems)
MAX_DESCRIPTION = 128


def _fit(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def command_menu(router: Router, lang: Language = MENU_LANGUAGE) -> list[NewBotCommand]:
    """The router's commands with a help text, in ``/help`` order, at most 32."""
    menu = [
        NewBotCommand(name=name.lstrip("/"), description=_fit(t(command.help_key, lang)))
        for name, command in router.commands.items()
        if command.help_key
    ]
    return menu[:MAX_COMMANDS]
