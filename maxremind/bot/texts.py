"""Every text the bot shows, in Russian and English.

Russian comes first: it is the default for anyone whose MAX locale is not English.
A test checks that each key has both languages and the same placeholders.
"""

from __future__ import annotations

from maxremind.domain.models import Language

TEXTS: dict[str, dict[Language, str]] = {
    "welcome": {
        Language.RU: (
            "Привет! Я «MAX Уведомления» — напоминаю команде о событиях, собираю "
            "подтверждения и повторяю тем, кто не ответил.\n"
            "Создайте команду: /team Название — или откройте ссылку-приглашение от "
            "руководителя.\nВсе команды: /help"
        ),
        Language.EN: (
            "Hi! I am MAX Reminders: I remind your team about events, collect "
            "confirmations and nudge those who have not answered.\n"
            "Create a team with /team Name, or open the invite link your lead sent you.\n"
            "All commands: /help"
        ),
    },
    "help": {
        Language.RU: (
            "Что я умею:\n"
            "/start — о боте\n"
            "/help — эта справка\n"
            "/lang — язык (русский / English)\n"
            "/cancel — прервать текущий диалог\n"
            "Команды, события и напоминания: /team, /event, /remind, /events — "
            "появляются по мере настройки команды.\n"
            "/calendar и /web — календарь и веб-интерфейс."
        ),
        Language.EN: (
            "What I can do:\n"
            "/start — about the bot\n"
            "/help — this help\n"
            "/lang — language (русский / English)\n"
            "/cancel — leave the current dialog\n"
            "Teams, events and reminders: /team, /event, /remind, /events — "
            "available as your team is set up.\n"
            "/calendar and /web — calendar and web interface."
        ),
    },
    "unknown_command": {
        Language.RU: (
            "Не знаю команду {command}. Возможно, вы имели в виду {suggestion}? Все команды: /help"
        ),
        Language.EN: "I don't know {command}. Did you mean {suggestion}? All commands: /help",
    },
    "unknown_command_no_hint": {
        Language.RU: "Не знаю команду {command}. Все команды: /help",
        Language.EN: "I don't know {command}. All commands: /help",
    },
    "not_a_command": {
        Language.RU: "Я понимаю команды — например, /help.",
        Language.EN: "I understand commands — try /help.",
    },
    "cancelled": {
        Language.RU: "Хорошо, отменил. Нечего продолжать — можно начать заново.",
        Language.EN: "OK, cancelled. Nothing is in progress now.",
    },
    "lang_choose": {
        Language.RU: "Выберите язык:",
        Language.EN: "Choose your language:",
    },
    "lang_set": {
        Language.RU: "Готово: теперь я говорю по-русски.",
        Language.EN: "Done: I will speak English now.",
    },
    "stale_button": {
        Language.RU: "Эта кнопка устарела.",
        Language.EN: "This button is out of date.",
    },
    "chat_added_dm": {
        Language.RU: "Вы добавили меня в чат «{title}». Когда настроите команду, я спрошу, "
        "к какой группе привязать этот чат.",
        Language.EN: "You added me to the chat “{title}”. Once your team is set up I will ask "
        "which group this chat belongs to.",
    },
    "welcome_back": {
        Language.RU: "С возвращением! Я снова буду присылать вам напоминания.",
        Language.EN: "Welcome back! I will send you reminders again.",
    },
}


def t(key: str, lang: Language, **params: object) -> str:
    """The text ``key`` in ``lang`` with ``params`` filled in.

    :raises KeyError: no such text (a programming error, caught by tests).
    """
    return TEXTS[key][lang].format(**params)


def language_for(locale: str | None, chosen: Language | None = None) -> Language:
    """The person's choice, else English for an English MAX locale, else Russian."""
    if chosen is not None:
        return chosen
    if locale and locale.lower().startswith("en"):
        return Language.EN
    return Language.RU
