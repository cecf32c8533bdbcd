"""Texts for what MAX's platform changes ask of the bot (2026): a chat the bot was
added to without MAX saying by whom."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

TEXTS: dict[str, dict[Language, str]] = {
    "ppl_chat_added_anonymous": {
        RU: "Здравствуйте! Чтобы я присылал сюда напоминания команды, организатор команды "
        "пишет в этом чате /link — дальнейшие шаги я пришлю ему в личные сообщения.",
        EN: "Hello! To have me post a team's reminders here, an organizer of the team sends "
        "/link in this chat; I will message them privately with the next steps.",
    },
}

add_texts(TEXTS)
