"""What calendar import says to organizers, in Russian and English: why a file or a feed
was refused, why one event of it was left out, and the summary of an import.  The bot,
the web pages and the API all say it the same way."""

from __future__ import annotations

from typing import Any

from maxremind.domain.models import Language
from maxremind.i18n import add_texts, t

RU, EN = Language.RU, Language.EN

# Why a whole file or a feed fetch failed.
REASONS = {
    "too_large": (
        "Файл слишком большой (не больше 2 МБ).",
        "The file is too large (2 MB at most).",
    ),
    "too_many_events": (
        "В календаре слишком много событий (не больше 2000).",
        "The calendar has too many events (2,000 at most).",
    ),
    "not_calendar": (
        "Это не календарь .ics (iCalendar).",
        "This is not an .ics (iCalendar) calendar.",
    ),
    "bad_url": (
        "Нужна ссылка http://, https:// или webcal:// на календарь.",
        "An http://, https:// or webcal:// address of a calendar is needed.",
    ),
    "bad_refresh": (
        "Интервал обновления — от 5 минут до 7 дней.",
        "The refresh interval is 5 minutes to 7 days.",
    ),
    "too_many_sources": (
        "У команды уже {detail} календарей — это предел. Удалите ненужный.",
        "The team already has {detail} calendars, the most it may have. Remove one first.",
    ),
    "no_fetcher": (
        "Подписки на календари здесь недоступны.",
        "Calendar subscriptions are not available here.",
    ),
    "not_a_feed": (
        "Загруженный файл нечего обновлять: загрузите его снова.",
        "An uploaded file has nothing to refresh: upload it again.",
    ),
    "private_address": (
        "Адрес ведёт во внутреннюю сеть; такие подписки запрещены администратором.",
        "The address points into a private network; the admin does not allow that.",
    ),
    "timeout": (
        "Сервер календаря не ответил вовремя.",
        "The calendar server did not answer in time.",
    ),
    "redirects": (
        "Слишком много перенаправлений (или они зациклены).",
        "Too many redirects (or a redirect loop).",
    ),
    "http_status": (
        "Сервер календаря ответил ошибкой {detail}.",
        "The calendar server answered with error {detail}.",
    ),
    "html": (
        "По ссылке веб-страница, а не календарь (нужна ссылка на .ics, возможно, секретная).",
        "The address gives a web page, not a calendar (use the .ics address, maybe a secret one).",
    ),
    "network": (
        "Не удалось связаться с сервером календаря.",
        "Could not reach the calendar server.",
    ),
    "empty": (
        "Календарь вдруг пуст; прежние события оставлены как были.",
        "The calendar came back empty; the events imported before were kept.",
    ),
    "organizer_gone": (
        "Тот, кто добавил календарь, больше не организатор команды.",
        "Whoever added the calendar is no longer an organizer of the team.",
    ),
}

# Why one event of a calendar was not imported.
PROBLEMS = {
    "unknown_timezone": ("неизвестный часовой пояс {detail}", "unknown time zone {detail}"),
    "bad_date": ("не читается дата", "its date cannot be read"),
    "no_start": ("нет времени начала", "it has no start"),
    "bad_rule": ("не читается правило повторения", "its repeat rule cannot be read"),
    "too_frequent": ("повторяется чаще раза в день", "it repeats more often than daily"),
    "duplicate_uid": ("повторяющийся UID", "its UID is used twice"),
    "never_fires": ("правило повторения не даёт ни одной даты", "its repeat rule gives no date"),
    "audience_gone": ("группы больше нет", "the group is gone"),
    "empty_audience": ("в команде или группе никого нет", "nobody is in the team or group"),
    "too_long": ("слишком длинный текст", "its text is too long"),
    "expanded": (
        "правило повторения разложено на отдельные даты до {detail}",
        "its repeat rule was laid out as single dates up to {detail}",
    ),
}

add_texts(
    {f"calimp_reason_{key}": {RU: ru, EN: en} for key, (ru, en) in REASONS.items()}
    | {f"calimp_problem_{key}": {RU: ru, EN: en} for key, (ru, en) in PROBLEMS.items()}
    | {
        "calimp_reason_other": {RU: "Не получилось: {detail}", EN: "Failed: {detail}"},
        "calimp_problem_other": {RU: "не импортировано ({detail})", EN: "not imported ({detail})"},
        "calimp_summary": {
            RU: "Новых: {created}, изменено: {updated}, без изменений: {unchanged}, "
            "отменено: {cancelled}, уже прошли: {past}.",
            EN: "New: {created}, changed: {updated}, unchanged: {unchanged}, "
            "cancelled: {cancelled}, already over: {past}.",
        },
        "calimp_notified": {
            RU: "Об отмене сообщено: {count}.",
            EN: "Told about cancellations: {count}.",
        },
        "calimp_problem_line": {RU: "«{title}»: {problem}", EN: "“{title}”: {problem}"},
        # The events service refuses to change an event a subscribed calendar owns.
        "ev_rejected_from_calendar": {
            RU: "Это событие из календаря по подписке: меняйте его в самом календаре, "
            "изменения придут при следующем обновлении.",
            EN: "This event comes from a subscribed calendar: change it in the calendar "
            "itself; the change arrives with the next refresh.",
        },
    }
)


def reason_text(reason: str, detail: str, lang: Language) -> str:
    """Why a file or a feed failed, for the organizer."""
    if reason in REASONS:
        return t(f"calimp_reason_{reason}", lang, detail=detail)
    return t("calimp_reason_other", lang, detail=reason)


def problem_text(entry: dict[str, Any], lang: Language) -> str:
    """One event left out (or a note about one), for the organizer."""
    reason = str(entry.get("reason", ""))
    detail = str(entry.get("detail", ""))
    key = f"calimp_problem_{reason}" if reason in PROBLEMS else "calimp_problem_other"
    problem = t(key, lang, detail=detail if reason in PROBLEMS else reason)
    title = str(entry.get("title") or entry.get("uid") or "?")
    return t("calimp_problem_line", lang, title=title, problem=problem)


def summary_text(report: dict[str, Any], lang: Language) -> str:
    """The counts of an import in one sentence."""
    counts = {
        k: int(report.get(k, 0)) for k in ("created", "updated", "unchanged", "cancelled", "past")
    }
    text = t("calimp_summary", lang, **counts)
    if report.get("notified"):
        text += " " + t("calimp_notified", lang, count=int(report["notified"]))
    return text
