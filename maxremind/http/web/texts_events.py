"""Texts of the events pages (list, form, preview, cancelling), Russian and English."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

add_texts(
    {
        # --- the list ---------------------------------------------------------------------
        "web_events_title": {RU: "События", EN: "Events"},
        "web_events_new": {RU: "Новое событие", EN: "New event"},
        "web_events_search": {RU: "Поиск по названию или месту", EN: "Search title or place"},
        "web_events_kind": {RU: "Вид", EN: "Kind"},
        "web_events_kind_any": {RU: "любой", EN: "any"},
        "web_events_kind_event": {RU: "событие", EN: "event"},
        "web_events_kind_reminder": {RU: "напоминание", EN: "reminder"},
        "web_events_kind_announcement": {RU: "объявление", EN: "announcement"},
        "web_events_status": {RU: "Состояние", EN: "Status"},
        "web_events_status_any": {RU: "любое", EN: "any"},
        "web_events_status_active": {RU: "действует", EN: "active"},
        "web_events_status_cancelled": {RU: "отменено", EN: "cancelled"},
        "web_events_status_flagged": {RU: "на паузе", EN: "on hold"},
        "web_events_from": {RU: "С даты", EN: "From"},
        "web_events_to": {RU: "По дату", EN: "To"},
        "web_events_mine": {RU: "Только мои", EN: "Only mine"},
        "web_events_filter": {RU: "Показать", EN: "Show"},
        "web_events_reset": {RU: "Сбросить", EN: "Reset"},
        "web_events_found": {RU: "Найдено: {total}", EN: "Found: {total}"},
        "web_events_none": {
            RU: "Событий не найдено. Измените фильтры или создайте событие.",
            EN: "No events found. Change the filters or create an event.",
        },
        "web_events_col_event": {RU: "Событие", EN: "Event"},
        "web_events_col_next": {RU: "Ближайшая дата", EN: "Next date"},
        "web_events_col_repeat": {RU: "Повтор", EN: "Repeats"},
        "web_events_col_audience": {RU: "Получатели", EN: "Audience"},
        "web_events_col_answers": {RU: "Ответы", EN: "Answers"},
        "web_events_col_actions": {RU: "Действия", EN: "Actions"},
        "web_events_no_next": {RU: "дат больше нет", EN: "no dates left"},
        "web_events_once": {RU: "один раз", EN: "once"},
        "web_events_counts": {
            RU: "да {yes} · нет {no} · не ответили {silent}",
            EN: "yes {yes} · no {no} · no answer {silent}",
        },
        "web_events_my_answer_yes": {RU: "вы идёте", EN: "you are going"},
        "web_events_my_answer_no": {RU: "вы не идёте", EN: "you are not going"},
        "web_events_my_answer_maybe": {RU: "вы, может быть, придёте", EN: "you may come"},
        "web_events_urgent_badge": {RU: "срочно", EN: "urgent"},
        "web_events_confirm_badge": {RU: "с подтверждением", EN: "confirmation"},
        "web_events_edit": {RU: "Изменить", EN: "Edit"},
        "web_events_page": {RU: "Страница {page} из {pages}", EN: "Page {page} of {pages}"},
        "web_events_prev": {RU: "← Назад", EN: "← Previous"},
        "web_events_next": {RU: "Дальше →", EN: "Next →"},
        "web_events_pages_nav": {RU: "Страницы", EN: "Pages"},
        # --- the form ---------------------------------------------------------------------
        "web_events_edit_title": {RU: "Изменить событие", EN: "Edit event"},
        "web_events_f_what": {RU: "Что и где", EN: "What and where"},
        "web_events_f_title": {RU: "Название", EN: "Title"},
        "web_events_f_description": {RU: "Описание", EN: "Description"},
        "web_events_f_place": {RU: "Место или ссылка", EN: "Place or link"},
        "web_events_f_when": {RU: "Когда", EN: "When"},
        "web_events_f_date": {RU: "Дата", EN: "Date"},
        "web_events_f_time": {RU: "Время", EN: "Time"},
        "web_events_f_duration": {RU: "Длительность", EN: "Duration"},
        "web_events_f_duration_hint": {
            RU: "Например: 1 час, 90 минут, 1:30. Можно не заполнять.",
            EN: "For example: 1 hour, 90 minutes, 1:30. Optional.",
        },
        "web_events_f_zone": {RU: "Часовой пояс", EN: "Time zone"},
        "web_events_f_zones_common": {RU: "Россия", EN: "Russia"},
        "web_events_f_zones_other": {RU: "Другие", EN: "Other"},
        "web_events_f_repeat": {RU: "Повтор", EN: "Repeat"},
        "web_events_f_repeat_none": {RU: "не повторять", EN: "does not repeat"},
        "web_events_f_repeat_daily": {RU: "каждый день", EN: "daily"},
        "web_events_f_repeat_weekly": {RU: "каждую неделю", EN: "weekly"},
        "web_events_f_repeat_monthly": {RU: "каждый месяц", EN: "monthly"},
        "web_events_f_repeat_custom": {RU: "своё правило (RRULE)", EN: "custom rule (RRULE)"},
        "web_events_f_interval": {
            RU: "Интервал (каждый 1-й, 2-й… день, неделю, месяц)",
            EN: "Interval (every 1st, 2nd… day, week, month)",
        },
        "web_events_f_weekdays": {RU: "Дни недели", EN: "Weekdays"},
        "web_events_f_weekdays_hint": {
            RU: "Для еженедельного повтора; если не выбрать — день недели даты начала.",
            EN: "For a weekly repeat; none chosen means the start date's weekday.",
        },
        "web_events_f_monthly_by": {RU: "Каждый месяц", EN: "Every month"},
        "web_events_f_monthly_day": {
            RU: "в то же число, что и дата начала",
            EN: "on the same day of the month as the start",
        },
        "web_events_f_monthly_weekday": {
            RU: "в тот же день недели (например, во 2-й вторник)",
            EN: "on the same weekday (for example, the 2nd Tuesday)",
        },
        "web_events_f_ends": {RU: "Окончание", EN: "Ends"},
        "web_events_f_ends_never": {RU: "никогда", EN: "never"},
        "web_events_f_ends_until": {RU: "в дату", EN: "on a date"},
        "web_events_f_ends_count": {RU: "после числа повторов", EN: "after a number of times"},
        "web_events_f_until": {RU: "Последняя дата", EN: "Last date"},
        "web_events_f_count": {RU: "Сколько раз", EN: "How many times"},
        "web_events_f_rrule": {RU: "Правило RRULE", EN: "RRULE"},
        "web_events_f_rrule_hint": {
            RU: "Например: FREQ=MONTHLY;BYDAY=-1FR (последняя пятница месяца).",
            EN: "For example: FREQ=MONTHLY;BYDAY=-1FR (the last Friday of the month).",
        },
        "web_events_f_audience": {RU: "Кому", EN: "Who"},
        "web_events_f_team": {RU: "Вся команда", EN: "The whole team"},
        "web_events_f_groups": {RU: "Группы", EN: "Groups"},
        "web_events_f_tags": {RU: "Теги", EN: "Tags"},
        "web_events_f_people": {RU: "Люди", EN: "People"},
        "web_events_f_people_hint": {
            RU: "Можно выбрать несколько (Ctrl или ⌘ + щелчок).",
            EN: "Choose several with Ctrl or ⌘ + click.",
        },
        "web_events_f_chats": {RU: "Чаты команды", EN: "Team chats"},
        "web_events_f_nothing": {RU: "пока нет", EN: "none yet"},
        "web_events_f_headcount": {
            RU: "Получат напоминание: {people} чел.{chats}",
            EN: "Will be reminded: {people} {people:person|people}{chats}",
        },
        "web_events_f_headcount_chats": {RU: " и чатов: {n}", EN: " and {n} {n:chat|chats}"},
        "web_events_f_headcount_unreachable": {
            RU: "Ещё {n} не могут получать сообщения (не запускали бота или остановили его).",
            EN: "{n} more cannot get messages (never started the bot or stopped it).",
        },
        "web_events_f_count_button": {RU: "Пересчитать", EN: "Recount"},
        "web_events_f_reminders": {RU: "Напоминания", EN: "Reminders"},
        "web_events_f_offsets": {RU: "Напомнить всем за", EN: "Remind everyone"},
        "web_events_f_offsets_hint": {
            RU: "Через запятую: «1 день, 2 часа, 15 минут». Пусто — одно напоминание в момент "
            "начала.",
            EN: "Comma-separated: “1 day, 2 hours, 15 min”. Empty: one reminder at the start.",
        },
        "web_events_f_confirm": {
            RU: "Просить подтвердить участие (да / нет / может быть)",
            EN: "Ask people to confirm (yes / no / maybe)",
        },
        "web_events_f_escalation": {RU: "Повторные напоминания", EN: "Escalation"},
        "web_events_f_chase": {
            RU: "Напомнить ещё раз тем, кто не ответил, за",
            EN: "Remind again those who have not answered",
        },
        "web_events_f_chase_hint": {
            RU: "Например: «3 часа, 1 час». Нужно подтверждение участия.",
            EN: "For example: “3 hours, 1 hour”. Needs confirmation.",
        },
        "web_events_f_summary": {
            RU: "Прислать мне, кто не ответил, за",
            EN: "Send me who has not answered",
        },
        "web_events_f_summary_hint": {
            RU: "Например: «1 час». Нужно подтверждение участия.",
            EN: "For example: “1 hour”. Needs confirmation.",
        },
        "web_events_f_quorum": {RU: "Кворум (сколько «да» нужно)", EN: "Quorum (“yes” needed)"},
        "web_events_f_quorum_hint": {
            RU: "Когда наберётся, остальным больше не напоминаем. Можно не заполнять.",
            EN: "Once reached, nobody else is chased. Optional.",
        },
        "web_events_f_urgent": {
            RU: "Срочно: присылать и в тихие часы",
            EN: "Urgent: send during quiet hours too",
        },
        "web_events_f_roster": {
            RU: "Приглашённые видят, кто идёт (кто ответил и что)",
            EN: "People invited see who is coming (who answered what)",
        },
        "web_events_f_save": {RU: "Сохранить", EN: "Save"},
        "web_events_f_preview": {RU: "Предпросмотр", EN: "Preview"},
        "web_events_f_back": {RU: "К списку", EN: "Back to the list"},
        "web_events_f_has_errors": {
            RU: "Проверьте отмеченные поля.",
            EN: "Please check the marked fields.",
        },
        "web_events_conflict": {
            RU: "Пока вы редактировали, событие изменили ({when}). Ваши правки не "
            "сохранены — ниже они остались в форме. Откройте событие заново, чтобы увидеть "
            "новую версию, и внесите изменения ещё раз.",
            EN: "While you were editing, this event was changed ({when}). Your changes "
            "were not saved — they are still in the form below. Open the event again to see "
            "the new version and make your changes once more.",
        },
        "web_events_conflict_reload": {RU: "Открыть новую версию", EN: "Open the new version"},
        "web_events_wd_mo": {RU: "пн", EN: "Mon"},
        "web_events_wd_tu": {RU: "вт", EN: "Tue"},
        "web_events_wd_we": {RU: "ср", EN: "Wed"},
        "web_events_wd_th": {RU: "чт", EN: "Thu"},
        "web_events_wd_fr": {RU: "пт", EN: "Fri"},
        "web_events_wd_sa": {RU: "сб", EN: "Sat"},
        "web_events_wd_su": {RU: "вс", EN: "Sun"},
        # --- field messages ---------------------------------------------------------------
        "web_events_err_title": {RU: "Укажите название.", EN: "Enter a title."},
        "web_events_err_too_long": {
            RU: "Слишком длинно: не больше {limit} символов.",
            EN: "Too long: at most {limit} characters.",
        },
        "web_events_err_date": {
            RU: "Укажите дату в виде ГГГГ-ММ-ДД.",
            EN: "Enter a date as YYYY-MM-DD.",
        },
        "web_events_err_time": {RU: "Укажите время в виде ЧЧ:ММ.", EN: "Enter a time as HH:MM."},
        "web_events_err_zone": {RU: "Выберите часовой пояс из списка.", EN: "Choose a zone."},
        "web_events_err_duration": {
            RU: "Не понял длительность. Например: 1 час, 90 минут, 1:30.",
            EN: "Duration not understood. For example: 1 hour, 90 minutes, 1:30.",
        },
        "web_events_err_rule": {
            RU: "С таким повтором событие не получится — проверьте настройки повтора.",
            EN: "This repeat does not work — check the repeat settings.",
        },
        "web_events_err_rrule_empty": {RU: "Впишите правило RRULE.", EN: "Enter an RRULE."},
        "web_events_err_rrule": {
            RU: "Правило не подходит: {detail}",
            EN: "This rule does not work: {detail}",
        },
        "web_events_err_interval": {
            RU: "Интервал — целое число от 1 до {limit}.",
            EN: "The interval is a whole number from 1 to {limit}.",
        },
        "web_events_err_until_before": {
            RU: "Последняя дата раньше первой.",
            EN: "The last date is before the first.",
        },
        "web_events_err_count": {
            RU: "Число повторов — от 1 до {limit}.",
            EN: "The number of times is from 1 to {limit}.",
        },
        "web_events_err_audience": {
            RU: "Выберите, кому напоминать: команду, группы, теги, людей или чаты.",
            EN: "Choose whom to remind: the team, groups, tags, people or chats.",
        },
        "web_events_err_audience_gone": {
            RU: "Часть выбранного уже удалена из команды — выберите заново.",
            EN: "Some of the choice is no longer in the team — choose again.",
        },
        "web_events_err_offset": {
            RU: "Не понял. Например: «1 день, 2 часа, 15 минут».",
            EN: "Not understood. For example: “1 day, 2 hours, 15 min”.",
        },
        "web_events_err_offset_far": {
            RU: "Напомнить можно не раньше чем за 365 дней.",
            EN: "Reminders can be at most 365 days before.",
        },
        "web_events_err_needs_confirm": {
            RU: "Для этого включите «Просить подтвердить участие».",
            EN: "This needs “Ask people to confirm”.",
        },
        "web_events_err_ladder_twice": {
            RU: "Одно и то же время указано дважды — оставьте его в одном поле.",
            EN: "The same time is given twice — keep it in one field.",
        },
        "web_events_err_quorum": {
            RU: "Кворум — целое число от 1 до {limit}.",
            EN: "A quorum is a whole number from 1 to {limit}.",
        },
        "web_events_rejected_empty_title": {RU: "Укажите название.", EN: "Enter a title."},
        "web_events_rejected_too_long": {
            RU: "Слишком длинно: название — до 200 символов, описание — до 2000.",
            EN: "Too long: up to 200 characters for the title and 2000 for the description.",
        },
        "web_events_rejected_bad_timezone": {
            RU: "Такого часового пояса нет.",
            EN: "There is no such time zone.",
        },
        "web_events_rejected_bad_quorum": {
            RU: "Кворум — это число от 1 до 10 000.",
            EN: "A quorum is a number from 1 to 10,000.",
        },
        "web_events_rejected_offset_too_long": {
            RU: "Напомнить можно не раньше чем за 366 дней.",
            EN: "Reminders can be at most 366 days before.",
        },
        "web_events_rejected_never_fires": {
            RU: "С таким повтором событие ни разу не наступит.",
            EN: "With this repeat the event never happens.",
        },
        "web_events_rejected_in_the_past": {
            RU: "Это время уже прошло — выберите время в будущем.",
            EN: "That time has passed — choose a time in the future.",
        },
        "web_events_rejected_empty_audience": {
            RU: "Напоминать некому: в выбранном никого нет.",
            EN: "There is nobody to remind: the choice is empty.",
        },
        "web_events_rejected_audience_gone": {
            RU: "Часть получателей (группа, тег или чат) уже удалена — выберите заново.",
            EN: "Part of the audience (a group, tag or chat) was deleted — choose again.",
        },
        "web_events_rejected_other": {
            RU: "Не получилось сохранить событие.",
            EN: "The event could not be saved.",
        },
        # --- preview ----------------------------------------------------------------------
        "web_events_preview_title": {RU: "Предпросмотр", EN: "Preview"},
        "web_events_preview_note": {
            RU: "Событие ещё не сохранено. Так пойдут напоминания, если сохранить сейчас.",
            EN: "Not saved yet. This is how reminders go out if you save now.",
        },
        "web_events_preview_none": {
            RU: "Впереди нет ни одной даты.",
            EN: "There is no date ahead.",
        },
        "web_events_preview_who": {
            RU: "Получат: {people} чел., чатов: {chats}; не могут получить: {unreachable}.",
            EN: "Reached: {people} {people:person|people}, {chats} {chats:chat|chats}; "
            "cannot be reached: {unreachable}.",
        },
        "web_events_preview_date": {RU: "Дата", EN: "Date"},
        "web_events_preview_step": {RU: "Напоминание", EN: "Reminder"},
        "web_events_preview_due": {RU: "Когда (пояс события)", EN: "Due (event's zone)"},
        "web_events_preview_sends": {RU: "Когда дойдёт до людей", EN: "When people get it"},
        "web_events_preview_at_start": {RU: "в момент начала", EN: "at the start"},
        "web_events_preview_target_all": {RU: "всем", EN: "everyone"},
        "web_events_preview_target_unanswered": {
            RU: "тем, кто не ответил",
            EN: "those who have not answered",
        },
        "web_events_preview_target_organizer_summary": {
            RU: "вам: кто не ответил",
            EN: "you: who has not answered",
        },
        "web_events_preview_send": {
            RU: "{people} чел. ({zone}): {at}",
            EN: "{people} {people:person|people} ({zone}): {at}",
        },
        "web_events_preview_quiet": {RU: "тихие часы {hours}", EN: "quiet hours {hours}"},
        "web_events_preview_moved": {
            RU: "перенесено из-за тихих часов",
            EN: "moved by quiet hours",
        },
        "web_events_preview_past": {
            RU: "это время уже прошло — напоминание не уйдёт",
            EN: "already past — this reminder will not be sent",
        },
        "web_events_preview_dst": {
            RU: "в этот день переводят часы",
            EN: "clocks change on this day",
        },
        "web_events_preview_gap_shifted": {
            RU: "такого времени нет из-за перевода часов — сдвинуто",
            EN: "this time does not exist because of the clock change — moved",
        },
        "web_events_preview_fold_first": {
            RU: "это время бывает дважды из-за перевода часов — берём первое",
            EN: "this time happens twice because of the clock change — the first is used",
        },
        # --- cancelling -------------------------------------------------------------------
        "web_events_cancel_title": {RU: "Отмена", EN: "Cancelling"},
        "web_events_cancel_series": {RU: "Отменить событие", EN: "Cancel the event"},
        "web_events_cancel_series_all": {
            RU: "Отменить все будущие даты",
            EN: "Cancel all future dates",
        },
        "web_events_cancel_series_confirm": {
            RU: "Отменить событие «{title}» целиком? Тем, кому уже напомнили, придёт сообщение "
            "об отмене.",
            EN: "Cancel “{title}” altogether? Those already reminded will be told.",
        },
        "web_events_cancel_date": {RU: "Отменить эту дату", EN: "Cancel this date"},
        "web_events_cancel_date_confirm": {
            RU: "Отменить «{title}» {date}? Остальные даты останутся.",
            EN: "Cancel “{title}” on {date}? The other dates stay.",
        },
        "web_events_upcoming_dates": {RU: "Ближайшие даты", EN: "Upcoming dates"},
        "web_events_not_active": {
            RU: "Это событие отменено или на паузе — его уже не изменить.",
            EN: "This event is cancelled or on hold — it can no longer be changed.",
        },
        "web_events_date_over": {
            RU: "Эта дата уже прошла или отменена.",
            EN: "This date has passed or is cancelled.",
        },
    }
)
