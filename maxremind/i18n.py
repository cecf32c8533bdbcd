"""Every text the bot shows, in Russian and English.

Russian comes first: it is the default for anyone whose MAX locale is not English.
A test checks that each key has both languages and the same placeholders.

A count's noun agrees with it through a format spec of the forms: in English
``"{n} {n:person|people}"`` (one | other), in Russian ``"{n} {n:человек|человека|человек}"``
(one | few | many), so "1 person", "2 people", "21 человек".
"""

from __future__ import annotations

import re
import string
from functools import cache

from maxremind.domain.models import Language
from maxremind.domain.timewords import plural_ru

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
    "help_header": {
        Language.RU: "Что я умею:",
        Language.EN: "What I can do:",
    },
    "help_footer": {
        Language.RU: "/cancel прерывает любой диалог. Вопросы — руководителю команды.\n"
        "Организаторы команды видят статистику ответов участников.",
        Language.EN: "/cancel leaves any dialog. Questions — ask your team lead.\n"
        "Your team's organizers see members' answer statistics.",
    },
    "help_start": {Language.RU: "о боте", Language.EN: "about the bot"},
    "help_help": {Language.RU: "эта справка", Language.EN: "this help"},
    "help_cancel": {
        Language.RU: "прервать текущий диалог",
        Language.EN: "leave the current dialog",
    },
    "help_lang": {
        Language.RU: "язык: русский / English",
        Language.EN: "language: English / Russian",
    },
    "role_needed": {
        Language.RU: "Для этого нужна роль «{role}» в команде. Попросите администратора: /members",
        Language.EN: "This needs the “{role}” role in the team. Ask an admin: /members",
    },
    "role_owner": {Language.RU: "владелец", Language.EN: "owner"},
    "role_admin": {Language.RU: "администратор", Language.EN: "admin"},
    "role_organizer": {Language.RU: "организатор", Language.EN: "organizer"},
    "role_member": {Language.RU: "участник", Language.EN: "member"},
    "no_team": {
        Language.RU: "Вы пока не в команде. Создайте свою: /team Название — или откройте "
        "ссылку-приглашение от руководителя.",
        Language.EN: "You are not in a team yet. Create one with /team Name, or open the "
        "invite link from your lead.",
    },
    "pick_team": {
        Language.RU: "Для какой команды? Выберите:",
        Language.EN: "Which team is this for? Choose:",
    },
    "team_chosen": {
        Language.RU: "Команда «{name}» выбрана.",
        Language.EN: "Team “{name}” selected.",
    },
    "dialog_expired": {
        Language.RU: "Предыдущий диалог закрыт: долго не было ответа. Начните заново, когда "
        "будет удобно.",
        Language.EN: "The previous dialog was closed after a long pause. Start again when "
        "you are ready.",
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
    # --- reminders and the ledger (engine) -------------------------------------------
    "reminder_title": {Language.RU: "🔔 {title}", Language.EN: "🔔 {title}"},
    "announcement_title": {Language.RU: "📣 {title}", Language.EN: "📣 {title}"},
    "reminder_from": {
        Language.RU: "👥 {team} · от {sender}",
        Language.EN: "👥 {team} · from {sender}",
    },
    "reminder_team": {Language.RU: "👥 {team}", Language.EN: "👥 {team}"},
    "reminder_when": {Language.RU: "🕒 {when}", Language.EN: "🕒 {when}"},
    "reminder_place": {Language.RU: "📍 {place}", Language.EN: "📍 {place}"},
    "reminder_delayed": {
        Language.RU: "⚠️ Напоминание задержалось: сервис был недоступен.",
        Language.EN: "⚠️ This reminder is late: the service was unavailable.",
    },
    "reminder_snoozed": {
        Language.RU: "⏰ Вы просили напомнить ещё раз.",
        Language.EN: "⏰ You asked to be reminded again.",
    },
    "reminder_changed": {
        Language.RU: "✏️ Изменилось время или место — вот как теперь.",
        Language.EN: "✏️ The time or place has changed — this is how it is now.",
    },
    "reminder_confirm": {
        Language.RU: "Подтвердите, пожалуйста:",
        Language.EN: "Please confirm:",
    },
    "button_yes": {Language.RU: "✅ Буду", Language.EN: "✅ I'll be there"},
    "button_no": {Language.RU: "❌ Не смогу", Language.EN: "❌ Can't make it"},
    "button_snooze_15": {Language.RU: "⏰ 15 мин", Language.EN: "⏰ 15 min"},
    "button_snooze_60": {Language.RU: "⏰ 1 час", Language.EN: "⏰ 1 hour"},
    "button_snooze_morning": {Language.RU: "⏰ Завтра утром", Language.EN: "⏰ Tomorrow morning"},
    "your_answer_yes": {
        Language.RU: "Ваш ответ: ✅ буду",
        Language.EN: "Your answer: ✅ attending",
    },
    "your_answer_no": {
        Language.RU: "Ваш ответ: ❌ не смогу",
        Language.EN: "Your answer: ❌ not attending",
    },
    "your_answer_maybe": {
        Language.RU: "Ваш ответ: 🤔 возможно",
        Language.EN: "Your answer: 🤔 maybe",
    },
    "chat_counts": {
        Language.RU: "✅ {yes} · ❌ {no} · ❔ {none}",
        Language.EN: "✅ {yes} · ❌ {no} · ❔ {none}",
    },
    "answer_saved_yes": {
        Language.RU: "Записал: вы будете ✅",
        Language.EN: "Noted: you'll be there ✅",
    },
    "answer_saved_no": {
        Language.RU: "Записал: вы не сможете ❌",
        Language.EN: "Noted: you can't make it ❌",
    },
    "snooze_saved": {Language.RU: "Напомню {when}", Language.EN: "I'll remind you {when}"},
    "snooze_too_late": {
        Language.RU: "Событие начнётся раньше — напомнить позже не получится.",
        Language.EN: "The event starts before that, so I can't remind you later.",
    },
    "answer_not_invited": {
        Language.RU: "Это напоминание адресовано не вам — ответ не записан.",
        Language.EN: "This reminder is not addressed to you, so no answer was recorded.",
    },
    "event_over": {
        Language.RU: "Это событие уже прошло.",
        Language.EN: "This event is already over.",
    },
    "summary_title": {Language.RU: "📋 Ответы: {title}", Language.EN: "📋 Answers: {title}"},
    "summary_yes": {
        Language.RU: "✅ Будут ({n}): {names}",
        Language.EN: "✅ Attending ({n}): {names}",
    },
    "summary_no": {
        Language.RU: "❌ Не смогут ({n}): {names}",
        Language.EN: "❌ Not attending ({n}): {names}",
    },
    "summary_maybe": {
        Language.RU: "🤔 Возможно ({n}): {names}",
        Language.EN: "🤔 Maybe ({n}): {names}",
    },
    "summary_none": {
        Language.RU: "❔ Нет ответа ({n}): {names}",
        Language.EN: "❔ No answer ({n}): {names}",
    },
    "summary_quorum": {
        Language.RU: "Кворум набран: {yes} из {quorum}.",
        Language.EN: "Quorum reached: {yes} of {quorum}.",
    },
    "summary_no_quorum": {
        Language.RU: "До кворума не хватает: {missing} из {quorum}.",
        Language.EN: "Still short of quorum: {missing} of {quorum} missing.",
    },
    "report_unreachable": {
        Language.RU: "⚠️ «{title}»: не удалось доставить напоминание ({n}): {names}. "
        "Они остановили бота или чат недоступен; попросите их снова нажать «Старт».",
        Language.EN: "⚠️ “{title}”: the reminder could not be delivered ({n}): {names}. "
        "They stopped the bot or the chat is gone; ask them to press Start again.",
    },
    "report_flagged": {
        Language.RU: "⚠️ Событие «{title}» приостановлено: {reason}. Измените его участников.",
        Language.EN: "⚠️ The event “{title}” is on hold: {reason}. Please change its audience.",
    },
    "flag_reason_audience_gone": {
        Language.RU: "часть участников (группа, тег или чат) удалена",
        Language.EN: "part of its audience (a group, tag or chat) was deleted",
    },
    "catchup_title": {
        Language.RU: "⚠️ Пока сервис был недоступен, эти напоминания опоздали и не отправлены:",
        Language.EN: (
            "⚠️ While the service was down these reminders became pointless and were not sent:"
        ),
    },
    "catchup_item": {Language.RU: "• {title} — {when}", Language.EN: "• {title} — {when}"},
    "cancelled_title": {
        Language.RU: "❌ Отменено: {title}",
        Language.EN: "❌ Cancelled: {title}",
    },
    "cancelled_note": {
        Language.RU: "Напоминание об этом больше не придёт.",
        Language.EN: "You will get no more reminders about it.",
    },
    "dropped_date_title": {
        Language.RU: "❌ Этой даты больше нет: {title}",
        Language.EN: "❌ This date is off: {title}",
    },
    "dropped_date_note": {
        Language.RU: "Расписание события изменили, и в этот день оно не состоится. "
        "Остальные даты — в /events.",
        Language.EN: "The event's schedule was changed and it no longer takes place on "
        "this day. Its other dates: /events.",
    },
    "nobody": {Language.RU: "—", Language.EN: "—"},
}


def add_texts(texts: dict[str, dict[Language, str]]) -> None:
    """Let a feature module contribute its texts (each key once, both languages).

    :raises ValueError: a key is already taken or lacks a language.
    """
    for key, variants in texts.items():
        if key in TEXTS:
            raise ValueError(f"text {key!r} is defined twice")
        if set(variants) != set(Language):
            raise ValueError(f"text {key!r} must exist in every language")
        TEXTS[key] = variants


def t(key: str, lang: Language, **params: object) -> str:
    """The text ``key`` in ``lang`` with ``params`` filled in.

    :raises KeyError: no such text (a programming error, caught by tests).
    """
    text = TEXTS[key][lang]
    if _has_plural(text):
        return _PLURALS[lang].format(text, **params)
    return text.format(**params)


_PLURAL_FIELD = re.compile(r"\{\w+:[^{}]*\|[^{}]*\}")


@cache
def _has_plural(text: str) -> bool:
    return _PLURAL_FIELD.search(text) is not None


class _PluralFormatter(string.Formatter):
    """``{n:form|form…}`` is the form that agrees with ``n``; other specs as usual."""

    def __init__(self, lang: Language) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" not in format_spec:
            return str(super().format_field(value, format_spec))
        forms = format_spec.split("|")
        try:
            count = value if isinstance(value, int) else int(str(value))
        except ValueError:  # not a count after all: the general form
            return forms[-1]
        if self.lang is Language.EN:
            return forms[0] if abs(count) == 1 else forms[-1]
        return plural_ru(count, *(forms + forms[-1:] * 2)[:3])


_PLURALS = {lang: _PluralFormatter(lang) for lang in Language}


def language_for(locale: str | None, chosen: Language | None = None) -> Language:
    """The person's choice, else English for an English MAX locale, else Russian."""
    if chosen is not None:
        return chosen
    if locale and locale.lower().startswith("en"):
        return Language.EN
    return Language.RU
