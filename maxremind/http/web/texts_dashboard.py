"""Texts of the dashboard (``web_dashboard_``) and the instance page (``web_instance_``),
in Russian and English."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

add_texts(
    {
        # --- dashboard ---------------------------------------------------------------
        "web_dashboard_title": {RU: "Обзор", EN: "Dashboard"},
        "web_dashboard_live_failed": {
            RU: "Не удалось обновить цифры; показаны последние известные.",
            EN: "Could not refresh the numbers; showing the last known ones.",
        },
        "web_dashboard_problems": {RU: "Требует внимания", EN: "Needs attention"},
        "web_dashboard_no_problems": {
            RU: "Всё в порядке: ничего не требует внимания.",
            EN: "All good: nothing needs attention.",
        },
        "web_dashboard_problem_unreachable_member": {
            RU: "Бот не может написать участнику",
            EN: "The bot cannot reach this member",
        },
        "web_dashboard_problem_failed_delivery": {
            RU: "Напоминание не доставлено",
            EN: "A reminder was not delivered",
        },
        "web_dashboard_problem_empty_audience": {
            RU: "Событие никого не оповестит: получателей нет",
            EN: "The event reaches nobody: it has no audience",
        },
        "web_dashboard_problem_event_on_hold": {
            RU: "Событие приостановлено: его участников больше нет",
            EN: "The event is on hold: its audience is gone",
        },
        "web_dashboard_problem_chat_removed": {
            RU: "Бота удалили из чата",
            EN: "The bot was removed from the chat",
        },
        "web_dashboard_reason": {RU: "Причина: {reason}", EN: "Reason: {reason}"},
        "web_dashboard_reason_bot_stopped": {RU: "остановил бота", EN: "stopped the bot"},
        "web_dashboard_reason_dialog_removed": {
            RU: "удалил чат с ботом",
            EN: "deleted the chat with the bot",
        },
        "web_dashboard_fanouts": {RU: "Рассылки сейчас", EN: "Sending now"},
        "web_dashboard_fanout_target_all": {RU: "напоминание всем", EN: "reminder to everyone"},
        "web_dashboard_fanout_target_unanswered": {
            RU: "повтор тем, кто не ответил",
            EN: "nudge to those who have not answered",
        },
        "web_dashboard_fanout_target_organizer_summary": {
            RU: "сводка организатору",
            EN: "summary to the organizer",
        },
        "web_dashboard_fanout_progress": {RU: "{sent} из {total}", EN: "{sent} of {total}"},
        "web_dashboard_fanout_label": {
            RU: "Ход рассылки «{title}»",
            EN: "Progress of sending “{title}”",
        },
        "web_dashboard_fanout_failed": {RU: "не доставлено:", EN: "not delivered:"},
        "web_dashboard_fanout_held": {
            RU: "ждут конца тихих часов:",
            EN: "waiting for quiet hours to end:",
        },
        "web_dashboard_fanout_over": {RU: "рассылка завершена", EN: "finished sending"},
        "web_dashboard_step": {RU: "Что отправляется", EN: "What is sent"},
        "web_dashboard_progress": {RU: "Ход", EN: "Progress"},
        "web_dashboard_upcoming": {
            RU: "Ближайшие {days} дней",
            EN: "Next {days} days",
        },
        "web_dashboard_no_upcoming": {
            RU: "В ближайшие {days} дней событий нет.",
            EN: "No events in the next {days} days.",
        },
        "web_dashboard_yours_only": {
            RU: "Показаны ваши события и те, на которые вас пригласили.",
            EN: "Showing your own events and those you are invited to.",
        },
        "web_dashboard_when": {RU: "Когда", EN: "When"},
        "web_dashboard_event": {RU: "Событие", EN: "Event"},
        "web_dashboard_sent": {RU: "Получили", EN: "Sent"},
        "web_dashboard_yes": {RU: "Будут", EN: "Confirmed"},
        "web_dashboard_maybe": {RU: "Возможно", EN: "Maybe"},
        "web_dashboard_no": {RU: "Не смогут", EN: "Declined"},
        "web_dashboard_no_answer": {RU: "Нет ответа", EN: "No answer"},
        "web_dashboard_my_answer": {RU: "Ваш ответ", EN: "Your answer"},
        "web_dashboard_answer_yes": {RU: "✅ буду", EN: "✅ going"},
        "web_dashboard_answer_no": {RU: "❌ не смогу", EN: "❌ not going"},
        "web_dashboard_answer_maybe": {RU: "❔ возможно", EN: "❔ maybe"},
        "web_dashboard_answer_none": {RU: "ещё не ответили", EN: "not answered yet"},
        "web_dashboard_urgent": {RU: "срочно", EN: "urgent"},
        "web_dashboard_repeats": {RU: "повторяется", EN: "repeats"},
        "web_dashboard_confirm": {RU: "с подтверждением", EN: "asks to confirm"},
        # --- instance ----------------------------------------------------------------
        "web_instance_title": {RU: "Сервер", EN: "Instance"},
        "web_instance_connection": {RU: "Подключение к MAX", EN: "MAX connection"},
        "web_instance_bot": {RU: "Бот", EN: "Bot"},
        "web_instance_mode": {RU: "Приём обновлений", EN: "Updates via"},
        "web_instance_mode_polling": {
            RU: "long polling (бот сам спрашивает MAX)",
            EN: "long polling",
        },
        "web_instance_mode_webhook": {RU: "webhook (MAX присылает обновления)", EN: "webhook"},
        "web_instance_max": {RU: "MAX Bot API", EN: "MAX Bot API"},
        "web_instance_max_ok": {RU: "доступен", EN: "reachable"},
        "web_instance_max_down": {RU: "не отвечает", EN: "not answering"},
        "web_instance_last_update": {RU: "Последнее обновление от MAX", EN: "Last update from MAX"},
        "web_instance_never": {RU: "ещё не было", EN: "none yet"},
        "web_instance_updates": {
            RU: "Получено обновлений с запуска",
            EN: "Updates received since start",
        },
        "web_instance_uptime": {RU: "Работает без перезапуска", EN: "Uptime"},
        "web_instance_version": {RU: "Версия maxremind", EN: "maxremind version"},
        "web_instance_queue": {RU: "Доставки", EN: "Deliveries"},
        "web_instance_queue_depth": {RU: "Ждут отправки", EN: "Waiting to be sent"},
        "web_instance_next_due": {RU: "Ближайшая отправка", EN: "Next send"},
        "web_instance_nothing_due": {RU: "нет", EN: "none"},
        "web_instance_sent_day": {RU: "Отправлено за сутки", EN: "Sent in the last 24 hours"},
        "web_instance_per_hour": {
            RU: "Отправлено по часам за последние сутки",
            EN: "Sent per hour, last 24 hours",
        },
        "web_instance_hour": {RU: "Час", EN: "Hour"},
        "web_instance_chart": {RU: "Наглядно", EN: "Chart"},
        "web_instance_sent": {RU: "Отправлено", EN: "Sent"},
        "web_instance_by_status": {RU: "Доставки по состояниям", EN: "Deliveries by status"},
        "web_instance_status": {RU: "Состояние", EN: "Status"},
        "web_instance_count": {RU: "Сколько", EN: "Count"},
        "web_instance_nothing_sent": {
            RU: "Пока ничего не отправлено.",
            EN: "Nothing sent yet.",
        },
        "web_instance_status_planned": {RU: "запланированы", EN: "planned"},
        "web_instance_status_held": {RU: "ждут конца тихих часов", EN: "held for quiet hours"},
        "web_instance_status_claimed": {RU: "отправляются", EN: "being sent"},
        "web_instance_status_sent": {RU: "отправлены", EN: "sent"},
        "web_instance_status_failed": {RU: "не удались", EN: "failed"},
        "web_instance_status_unreachable": {RU: "получатель недоступен", EN: "unreachable"},
        "web_instance_status_skipped": {RU: "пропущены", EN: "skipped"},
        "web_instance_database": {RU: "База данных", EN: "Database"},
        "web_instance_db_kind": {RU: "Тип", EN: "Kind"},
        "web_instance_db_location": {RU: "Расположение", EN: "Location"},
        "web_instance_schema": {RU: "Версия схемы", EN: "Schema version"},
        "web_instance_schema_behind": {
            RU: "{version}, ожидается {latest}",
            EN: "{version}, expected {latest}",
        },
        "web_instance_db_size": {RU: "Размер файла", EN: "File size"},
        "web_instance_unknown": {RU: "неизвестно", EN: "unknown"},
        "web_instance_backups": {RU: "Резервные копии", EN: "Backups"},
        "web_instance_backup_folder": {RU: "Папка", EN: "Folder"},
        "web_instance_backup_count": {RU: "Копий в папке", EN: "Copies in the folder"},
        "web_instance_backup_latest": {RU: "Последняя копия", EN: "Latest backup"},
        "web_instance_backup_latest_value": {
            RU: "{name}, {when}, {size}",
            EN: "{name}, {when}, {size}",
        },
        "web_instance_backup_none": {RU: "копий ещё нет", EN: "no backups yet"},
        "web_instance_backup_unreadable": {
            RU: "Папку не удаётся прочитать: проверьте права доступа.",
            EN: "The folder cannot be read: check its permissions.",
        },
        "web_instance_backup_unknown": {
            RU: "О резервных копиях этой базы данных сведений нет.",
            EN: "Nothing is known about backups of this database.",
        },
        "web_instance_workers": {RU: "Процессы", EN: "Processes"},
        "web_instance_workers_hint": {
            RU: "Процессы maxremind с общей базой PostgreSQL. Молчащий дольше 6 секунд "
            "считается остановленным: его отправки забирают остальные.",
            EN: "The maxremind processes sharing this PostgreSQL database. One silent for "
            "more than 6 seconds is taken for dead: the others take over its sends.",
        },
        "web_instance_worker_host": {RU: "Машина", EN: "Host"},
        "web_instance_worker_roles": {RU: "Роли", EN: "Roles"},
        "web_instance_worker_started": {RU: "Запущен", EN: "Started"},
        "web_instance_worker_heartbeat": {RU: "Сигнал жизни", EN: "Heartbeat"},
        "web_instance_worker_alive": {RU: "{seconds} с назад", EN: "{seconds} s ago"},
        "web_instance_worker_silent": {
            RU: "молчит {seconds} с",
            EN: "silent for {seconds} s",
        },
        "web_instance_role_web": {RU: "веб", EN: "web"},
        "web_instance_role_bot": {RU: "бот", EN: "bot"},
        "web_instance_role_engine": {RU: "рассылка", EN: "sending"},
        "web_instance_probes": {RU: "Проверки", EN: "Probes"},
        "web_instance_bytes": {RU: "{n} Б", EN: "{n} B"},
        "web_instance_kib": {RU: "{n} КБ", EN: "{n} KB"},
        "web_instance_mib": {RU: "{n} МБ", EN: "{n} MB"},
        "web_instance_gib": {RU: "{n} ГБ", EN: "{n} GB"},
    }
)
