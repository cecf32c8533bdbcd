"""The command menu MAX clients show when one types "/" (``PATCH /me/commands``).

It is derived from the router's commands, so it cannot drift from what the bot
answers. MAX keeps one list per bot: ``BotCommand`` has a name and a description and
no language, and the menu is not chosen by the person's locale. So the language is the
instance's choice (``menu_language``): both languages in each description by default
(Russian first), so Russian and English speakers alike read it, or Russian or English
alone. ``/help`` and every answer still follow each person's language.
"""

from __future__ import annotations

from maxremind.bot.router import Router
from maxremind.domain.models import Language
from maxremind.i18n import t
from maxremind.maxapi.models import NewBotCommand

MAX_COMMANDS = 32  # the schema's limit (BotPatch.commands, maxItems)
MAX_DESCRIPTION = 128
BOTH = "both"


def _fit(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def _describe(help_key: str, language: str) -> str:
    if language == BOTH:
        return " · ".join(t(help_key, lang) for lang in (Language.RU, Language.EN))
    return t(help_key, Language(language))


def command_menu(router: Router, language: str = BOTH) -> list[NewBotCommand]:
    """The router's commands with a help text, in ``/help`` order, at most 32, described
    in ``language`` (``ru``, ``en`` or ``both``)."""
    menu = [
        NewBotCommand(
            name=name.lstrip("/"), description=_fit(_describe(command.help_key, language))
        )
        for name, command in router.commands.items()
        if command.help_key
    ]
    return menu[:MAX_COMMANDS]
