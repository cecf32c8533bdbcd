"""What a person is told in MAX when someone changes their role in a team, in Russian and
English; the bot, the web pages and the API all change roles through TeamService, which
says it."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

TEXTS: dict[str, dict[Language, str]] = {
    "role_changed_told": {
        RU: "👤 {by} изменил(а) вашу роль в команде «{team}»: была — {old}, теперь: {role}.",
        EN: "👤 {by} changed your role in the team “{team}”: it was {old}, now it is: {role}.",
    },
}

add_texts(TEXTS)
