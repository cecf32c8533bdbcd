"""Texts of an event's page, in Russian and English."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

add_texts(
    {
        "web_event_when": {RU: "Когда", EN: "When"},
        "web_event_where": {RU: "Где", EN: "Where"},
        "web_event_organizer": {RU: "Организатор", EN: "Organizer"},
        "web_event_audience": {RU: "Получатели", EN: "Audience"},
        "web_event_repeats": {RU: "Повторяется", EN: "Repeats"},
        "web_event_date": {RU: "Дата", EN: "Date"},
        "web_event_show": {RU: "Показать", EN: "Show"},
        "web_event_cancelled_date": {RU: "отменена", EN: "cancelled"},
        "web_event_status_cancelled": {RU: "Событие отменено.", EN: "The event is cancelled."},
        "web_event_status_flagged": {
            RU: "Событие приостановлено: {reason}",
            EN: "The event is on hold: {reason}",
        },
        "web_event_no_dates": {RU: "Дат больше нет.", EN: "No dates are left."},
        "web_event_your_answer": {RU: "Ваш ответ", EN: "Your answer"},
        "web_event_not_answered": {RU: "вы ещё не ответили", EN: "you have not answered yet"},
        "web_event_answer_yes": {RU: "✅ Приду", EN: "✅ I'll come"},
        "web_event_answer_no": {RU: "❌ Не приду", EN: "❌ I won't come"},
        "web_event_answer_maybe": {RU: "🤔 Может быть", EN: "🤔 Maybe"},
        "web_event_answered": {RU: "Ответ сохранён.", EN: "Your answer is saved."},
        "web_event_answer_over": {
            RU: "Эта дата уже прошла или отменена — ответ не принят.",
            EN: "This date is over or cancelled: the answer was not taken.",
        },
        "web_event_not_invited": {
            RU: "Вас нет среди получателей этого события.",
            EN: "You are not in this event's audience.",
        },
        "web_event_counts": {RU: "Доставка и ответы", EN: "Delivery and answers"},
        "web_event_sent": {RU: "отправлено", EN: "sent"},
        "web_event_pending": {RU: "в очереди", EN: "queued"},
        "web_event_failed": {RU: "не доставлено", EN: "not delivered"},
        "web_event_yes": {RU: "придут", EN: "coming"},
        "web_event_no": {RU: "не придут", EN: "not coming"},
        "web_event_maybe": {RU: "может быть", EN: "maybe"},
        "web_event_silent": {RU: "нет ответа", EN: "no answer"},
        "web_event_quorum": {
            RU: "Кворум: {need}, сейчас {have}",
            EN: "Quorum: {need}, now {have}",
        },
        "web_event_roster": {RU: "Кто ответил", EN: "Who answered"},
        "web_event_nobody": {RU: "никого", EN: "nobody"},
        "web_event_nudge": {
            RU: "🔔 Напомнить не ответившим",
            EN: "🔔 Nudge those who have not answered",
        },
        "web_event_nudge_confirm": {
            RU: "Отправить напоминание всем, кто не ответил?",
            EN: "Send a reminder to everyone who has not answered?",
        },
        "web_event_nudged": {
            RU: "Напоминание поставлено в очередь: {n}.",
            EN: "Reminders queued: {n}.",
        },
        "web_event_nudge_over": {
            RU: "Эта дата уже прошла или отменена — напоминать поздно.",
            EN: "This date is over or cancelled: too late to nudge.",
        },
        "web_event_chart": {RU: "Ответы по времени", EN: "Answers over time"},
        "web_event_chart_label": {
            RU: "График: придут (зелёный), не придут (красный), может быть (жёлтый)",
            EN: "Chart: coming (green), not coming (red), maybe (amber)",
        },
        "web_event_changes": {
            RU: "С момента планирования (на {planned} чел.)",
            EN: "Since the reminders were planned (for {planned} {planned:person|people})",
        },
        "web_event_joined": {RU: "добавились", EN: "joined"},
        "web_event_left": {RU: "выбыли", EN: "left"},
        "web_event_ledger": {RU: "Журнал доставки", EN: "Delivery ledger"},
        "web_event_ledger_empty": {
            RU: "Напоминания этой даты ещё не запланированы к отправке.",
            EN: "No reminders of this date are queued yet.",
        },
        "web_event_all_statuses": {RU: "все статусы", EN: "all statuses"},
        "web_event_filter": {RU: "Фильтр", EN: "Filter"},
        "web_event_page_of": {RU: "Страница {page} из {pages}", EN: "Page {page} of {pages}"},
        "web_event_prev": {RU: "← Назад", EN: "← Previous"},
        "web_event_next": {RU: "Дальше →", EN: "Next →"},
        "web_event_downloads": {RU: "Скачать", EN: "Download"},
        "web_event_ics": {RU: "Календарь (.ics)", EN: "Calendar (.ics)"},
        "web_event_roster_csv": {RU: "Ответы (CSV)", EN: "Answers (CSV)"},
        "web_event_ledger_csv": {RU: "Журнал (CSV)", EN: "Ledger (CSV)"},
        "web_event_edit": {RU: "Изменить", EN: "Edit"},
        "web_event_from_calendar": {
            RU: "Событие из календаря «{name}»: меняйте и отменяйте его там — изменения "
            "придут сюда при следующем обновлении.",
            EN: "This event comes from the calendar “{name}”: change or cancel it there; "
            "the change comes through at its next refresh.",
        },
        "web_event_csv_name": {RU: "Имя", EN: "Name"},
        "web_event_csv_answer": {RU: "Ответ", EN: "Answer"},
        "web_event_csv_recipient": {RU: "Получатель", EN: "Recipient"},
        "web_event_csv_kind": {RU: "Вид", EN: "Kind"},
        "web_event_csv_status": {RU: "Статус", EN: "Status"},
        "web_event_csv_due": {RU: "Когда должно уйти", EN: "Due"},
        "web_event_csv_sent": {RU: "Отправлено", EN: "Sent"},
        "web_event_csv_attempts": {RU: "Попыток", EN: "Attempts"},
        "web_event_csv_reason": {RU: "Причина", EN: "Reason"},
    }
)
