"""Texts of events, quick reminders, /events and /who (Russian first, English second)."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

TEXTS: dict[str, dict[Language, str]] = {
    # --- help lines ---------------------------------------------------------------------
    "help_event": {
        RU: "новое событие: по шагам или одной строкой "
        "«/event Планёрка; каждый понедельник в 10:00; #отдел; за 15 минут»",
        EN: "new event: step by step, or in one line "
        "“/event Standup; every Monday at 10:00; #team; 15 minutes before”",
    },
    "help_events": {
        RU: "ближайшие события: подробности, правка, отмена, в календарь",
        EN: "upcoming events: details, edit, cancel, add to calendar",
    },
    "help_who": {
        RU: "кто придёт на событие; напомнить не ответившим",
        EN: "who is coming; nudge those who have not answered",
    },
    "help_remind": {
        RU: "напоминание: «/remind через 2 часа позвонить» или «/remind #группа завтра в 9 …»",
        EN: "a reminder: “/remind in 2 hours call Bob” or “/remind #group tomorrow at 9 …”",
    },
    "help_notify": {
        RU: "объявление сейчас: «/notify #группа текст» (@all — всей команде)",
        EN: "an announcement now: “/notify #group text” (@all for the whole team)",
    },
    "help_reminders": {
        RU: "мои напоминания и их отмена",
        EN: "my reminders, with cancel buttons",
    },
    # --- the /event dialog --------------------------------------------------------------
    "ev_intro": {
        RU: "Создаём событие — несколько коротких вопросов. Выйти: /cancel",
        EN: "Let's create an event: a few short questions. To leave: /cancel",
    },
    "ev_ask_title": {
        RU: "Как назовём событие? Например: Планёрка",
        EN: "What is the event called? For example: Standup",
    },
    "ev_ask_when": {
        RU: "Когда? Например: «завтра в 10:00», «1 декабря в 15:30», «каждый понедельник в 10»",
        EN: "When? For example: “tomorrow at 10:00”, “1 December at 3:30pm”, “every Monday at 10”",
    },
    "ev_when_set": {RU: "🕒 {when}", EN: "🕒 {when}"},
    "ev_time_which": {
        RU: "Уточните время — утро или вечер?",
        EN: "Which time do you mean — morning or afternoon?",
    },
    "ev_ask_repeat": {
        RU: "Повторять? Выберите или напишите, например, «каждый вторник».",
        EN: "Repeat it? Choose, or type e.g. “every Tuesday”.",
    },
    "ev_repeat_none": {RU: "без повтора", EN: "no repeat"},
    "ev_repeat_daily": {RU: "каждый день", EN: "daily"},
    "ev_repeat_weekdays": {RU: "по будням", EN: "on weekdays"},
    "ev_repeat_weekly": {RU: "каждую неделю", EN: "weekly"},
    "ev_repeat_monthly": {RU: "каждый месяц", EN: "monthly"},
    "ev_repeat_bad": {
        RU: "Не понял повтор. Нажмите кнопку или напишите, например, «каждую пятницу», "
        "«по будням», «нет».",
        EN: "I did not get the repeat. Press a button or type e.g. “every Friday”, "
        "“weekdays”, “no”.",
    },
    "ev_ask_audience": {
        RU: "Кому напоминать? Отметьте и нажмите «Готово» — или напишите: #группа @username @all",
        EN: "Who should be reminded? Tick and press “Done” — or type: #group @username @all",
    },
    "ev_audience_pick_one": {
        RU: "Отметьте хотя бы кого-нибудь",
        EN: "Tick at least one",
    },
    "ev_ask_reminders": {
        RU: "Когда напомнить? Выберите или напишите, например, «за 1 день, за 15 минут».",
        EN: "When to remind? Choose, or type e.g. “1 day before, 15 minutes before”.",
    },
    "ev_reminders_bad": {
        RU: "Не понял, когда напоминать. Пример: «за 1 день, за 2 часа, за 15 минут».",
        EN: "I did not get when to remind. Example: “1 day, 2 hours, 15 minutes before”.",
    },
    "ev_and": {RU: " и ", EN: " and "},
    "ev_ask_confirm": {
        RU: "Просить участников подтвердить участие (✅/❌)? Не ответившим я напомню ещё раз, "
        "а вам пришлю сводку.",
        EN: "Ask people to confirm (✅/❌)? I will nudge those who stay silent and send you "
        "a summary.",
    },
    "ev_confirm_bad": {
        RU: "Ответьте «да» или «нет» — или нажмите кнопку.",
        EN: "Answer “yes” or “no”, or press a button.",
    },
    "ev_ask_place": {
        RU: "Где? Напишите место или ссылку на созвон — или нажмите «Пропустить».",
        EN: "Where? Type the place or a call link, or press “Skip”.",
    },
    "ev_ask_duration": {
        RU: "Сколько продлится? Выберите или напишите, например, «45 минут» — или «Пропустить».",
        EN: "How long will it last? Choose, or type e.g. “45 minutes”, or press “Skip”.",
    },
    "ev_ask_description": {
        RU: "Описание или повестка? Напишите текст — или нажмите «Пропустить».",
        EN: "A description or agenda? Type it, or press “Skip”.",
    },
    "ev_skip": {RU: "⏭ Пропустить", EN: "⏭ Skip"},
    "ev_place_bad": {
        RU: "Место — не длиннее {limit} символов. Где?",
        EN: "The place may be at most {limit} characters. Where?",
    },
    "ev_description_bad": {
        RU: "Описание — не длиннее {limit} символов. Сократите или нажмите «Пропустить».",
        EN: "The description may be at most {limit} characters. Shorten it, or press “Skip”.",
    },
    "ev_duration_bad": {
        RU: "Не понял длительность. Пример: «45 минут», «1,5 часа», «2 часа» — или «-», "
        "чтобы пропустить.",
        EN: "I did not get the length. Example: “45 minutes”, “1.5 hours”, “2 hours”, or “-” "
        "to skip.",
    },
    "ev_step_place": {RU: "Место", EN: "Place"},
    "ev_step_duration": {RU: "Длительность", EN: "Length"},
    "ev_step_description": {RU: "Описание", EN: "Description"},
    "ev_line_place": {RU: "📍 {place}", EN: "📍 {place}"},
    "ev_line_duration": {RU: "⏱ {duration}", EN: "⏱ {duration}"},
    "ev_line_description": {RU: "📝 {description}", EN: "📝 {description}"},
    "ev_yes": {RU: "Да", EN: "Yes"},
    "ev_no": {RU: "Нет", EN: "No"},
    "ev_done": {RU: "Готово ➡️", EN: "Done ➡️"},
    "ev_title_bad": {
        RU: "Название нужно — до 200 символов. Как назовём событие?",
        EN: "A name is needed, up to 200 characters. What is the event called?",
    },
    "ev_summary": {RU: "Проверьте:", EN: "Please check:"},
    "ev_summary_edit": {
        RU: "Изменение события — проверьте:",
        EN: "Editing the event — please check:",
    },
    "ev_create": {RU: "✅ Создать", EN: "✅ Create"},
    "ev_save": {RU: "✅ Сохранить", EN: "✅ Save"},
    "ev_change": {RU: "✏️ Изменить", EN: "✏️ Change"},
    "ev_quit": {RU: "✖️ Отмена", EN: "✖️ Cancel"},
    "ev_change_what": {RU: "Что изменить?", EN: "What to change?"},
    "ev_step_title": {RU: "Название", EN: "Name"},
    "ev_step_when": {RU: "Время", EN: "Time"},
    "ev_step_repeat": {RU: "Повтор", EN: "Repeat"},
    "ev_step_audience": {RU: "Участники", EN: "People"},
    "ev_step_reminders": {RU: "Напоминания", EN: "Reminders"},
    "ev_step_confirm": {RU: "Подтверждение", EN: "Confirmation"},
    "ev_use_buttons": {
        RU: "Нажмите кнопку ниже или /cancel, чтобы выйти.",
        EN: "Press a button below, or /cancel to leave.",
    },
    "ev_dialog_gone": {
        RU: "Этот диалог уже закрыт — начните заново",
        EN: "This dialog is closed — please start again",
    },
    "ev_fix_hint": {
        RU: "Ничего не сохранено. Нажмите «Изменить» и поправьте, или /cancel.",
        EN: "Nothing was saved. Press “Change” to fix it, or /cancel.",
    },
    "ev_created": {RU: "✅ Событие создано", EN: "✅ Event created"},
    "ev_updated": {RU: "✅ Событие изменено", EN: "✅ Event updated"},
    "ev_after_create": {
        RU: "Все события: /events · кто придёт: /who",
        EN: "All events: /events · who is coming: /who",
    },
    # --- the event card -----------------------------------------------------------------
    "ev_line_title": {RU: "📌 {title}", EN: "📌 {title}"},
    "ev_line_when": {RU: "🕒 {when}", EN: "🕒 {when}"},
    "ev_line_repeat": {RU: "🔁 {repeat}", EN: "🔁 {repeat}"},
    "ev_line_audience": {RU: "👥 {audience}", EN: "👥 {audience}"},
    "ev_line_reminders": {RU: "🔔 {reminders}", EN: "🔔 {reminders}"},
    "ev_no_reminders": {RU: "в момент начала", EN: "at start"},
    "ev_flag_confirm": {RU: "☑️ с подтверждением", EN: "☑️ confirmation asked"},
    "ev_flag_no_confirm": {RU: "без подтверждения", EN: "no confirmation"},
    "ev_flag_quorum": {RU: "кворум {n}", EN: "quorum {n}"},
    "ev_flag_urgent": {RU: "❗ срочно", EN: "❗ urgent"},
    "ev_audience_team": {RU: "вся команда", EN: "the whole team"},
    "ev_audience_chat": {RU: "чат «{title}»", EN: "chat “{title}”"},
    "ev_audience_me": {RU: "вы", EN: "you"},
    "ev_audience_gone": {RU: "(удалено)", EN: "(deleted)"},
    "ev_adjusted_gap_shifted": {
        RU: "⚠️ {planned}: из-за перехода на летнее время такого времени нет — будет {actual}",
        EN: "⚠️ {planned}: this time does not exist because of the DST switch — it will be {actual}",
    },
    "ev_adjusted_fold_first": {
        RU: "⚠️ {planned}: из-за перевода часов это время бывает дважды — берём первое: {actual}",
        EN: "⚠️ {planned}: this time happens twice because of the clock change — the first "
        "one is used: {actual}",
    },
    # --- errors ---------------------------------------------------------------------------
    "ev_rejected_in_the_past": {
        RU: "Это время уже прошло — выберите время в будущем.",
        EN: "That time has passed — choose a time in the future.",
    },
    "ev_rejected_never_fires": {
        RU: "С таким повтором событие ни разу не наступит.",
        EN: "With this repeat rule the event never happens.",
    },
    "ev_rejected_offset_too_long": {
        RU: "Напомнить можно не раньше чем за 365 дней.",
        EN: "Reminders can be at most 365 days before.",
    },
    "ev_rejected_empty_audience": {
        RU: "Напоминать некому: в выбранных группах никого нет.",
        EN: "There is nobody to remind: the chosen groups are empty.",
    },
    "ev_rejected_audience_gone": {
        RU: "Часть участников (группа, тег или чат) уже удалена — выберите заново.",
        EN: "Part of the audience (a group, tag or chat) was deleted — choose again.",
    },
    "ev_rejected_empty_title": {
        RU: "У события нет названия.",
        EN: "The event has no name.",
    },
    "ev_rejected_too_long": {
        RU: "Слишком длинно: название — до 200 символов, описание — до 2000.",
        EN: "Too long: up to 200 characters for the name and 2000 for the description.",
    },
    "ev_rejected_bad_quorum": {
        RU: "Кворум — это число от 1 до 10 000.",
        EN: "A quorum is a number from 1 to 10,000.",
    },
    "ev_rejected_other": {
        RU: "Не получилось сохранить событие.",
        EN: "The event could not be saved.",
    },
    "ev_time_past": {
        RU: "Это время уже прошло. Когда на самом деле? Например: «завтра в 10:00».",
        EN: "That time has passed. When do you mean? For example: “tomorrow at 10:00”.",
    },
    "ev_time_ambiguous": {
        RU: "Непонятно, утро или вечер. Напишите точнее: «в 15:00» или «в 3 дня».",
        EN: "Morning or afternoon? Please be precise: “at 15:00” or “at 3pm”.",
    },
    "ev_time_too_far": {
        RU: "Слишком далеко вперёд. Выберите время поближе.",
        EN: "That is too far ahead. Choose a nearer time.",
    },
    "ev_time_empty": {
        RU: "Не вижу времени. Например: «завтра в 10:00».",
        EN: "I see no time. For example: “tomorrow at 10:00”.",
    },
    "ev_time_not_understood": {
        RU: "Не понял время. Например: «завтра в 10:00», «в пятницу в 18:30», "
        "«через 2 часа», «каждый понедельник в 9».",
        EN: "I did not get the time. For example: “tomorrow at 10:00”, “Friday 6:30pm”, "
        "“in 2 hours”, “every Monday at 9”.",
    },
    "ev_audience_unknown": {
        RU: "Не нашёл «{token}» — нет такой группы, тега, чата или участника.",
        EN: "I could not find “{token}”: no such group, tag, chat or member.",
    },
    "ev_audience_ambiguous": {
        RU: "«{token}» — так зовут нескольких участников; укажите @username.",
        EN: "Several members are called “{token}”; use their @username.",
    },
    "ev_audience_empty": {
        RU: "Не указано, кому напоминать{token}. Например: #группа, @username или @all.",
        EN: "Nobody to remind was given{token}. For example: #group, @username or @all.",
    },
    "ev_line_error": {
        RU: "Не понял {part}.",
        EN: "I did not understand {part}.",
    },
    "ev_part_name_format": {RU: "формат команды", EN: "the command format"},
    "ev_part_name_title": {RU: "название", EN: "the name"},
    "ev_part_name_when": {RU: "время", EN: "the time"},
    "ev_part_name_audience": {RU: "участников", EN: "the audience"},
    "ev_part_name_reminders": {RU: "напоминания", EN: "the reminders"},
    "ev_part_name_flags": {RU: "флаги", EN: "the flags"},
    "ev_part_format": {
        RU: "Части разделяются «;»: название; когда; кому; напоминания; флаги.",
        EN: "Parts are separated by “;”: name; when; who; reminders; flags.",
    },
    "ev_part_title": {RU: "Название не может быть пустым.", EN: "The name cannot be empty."},
    "ev_part_reminders": {
        RU: "Напоминания пишутся так: «за 1 день, за 15 минут».",
        EN: "Reminders look like “1 day before, 15 minutes before”.",
    },
    "ev_part_flags": {
        RU: "Флаги: подтверждение, срочно, кворум 5.",
        EN: "Flags: confirm, urgent, quorum 5.",
    },
    "ev_oneliner_example": {
        RU: "Пример: /event Планёрка; каждый понедельник в 10:00; #отдел-продаж; "
        "за 1 день, за 15 минут; подтверждение\nИли просто /event — спрошу по шагам.",
        EN: "Example: /event Standup; every Monday at 10:00; #sales; "
        "1 day before, 15 minutes before; confirm\nOr just /event and I will ask step by step.",
    },
    # --- /events ------------------------------------------------------------------------
    "ev_list_header": {RU: "Ближайшие события:", EN: "Upcoming events:"},
    "ev_list_mine": {RU: "👤 ваше", EN: "👤 yours"},
    "ev_list_more": {RU: "…и ещё {n}", EN: "…and {n} more"},
    "ev_list_empty": {
        RU: "Ближайших событий нет. Организаторы создают их командой /event.",
        EN: "No upcoming events. Organizers create them with /event.",
    },
    "ev_next_header": {RU: "Ближайшие даты:", EN: "Next dates:"},
    "ev_your_answer": {RU: "Ваш ответ: {mark}", EN: "Your answer: {mark}"},
    "ev_button_edit": {RU: "✏️ Изменить", EN: "✏️ Edit"},
    "ev_button_cancel": {RU: "✖️ Отменить", EN: "✖️ Cancel event"},
    "ev_button_who": {RU: "👥 Кто придёт", EN: "👥 Who is coming"},
    "ev_button_export": {RU: "📅 В календарь (.ics)", EN: "📅 Add to calendar (.ics)"},
    "ev_gone": {
        RU: "Событие уже отменено или недоступно",
        EN: "The event was cancelled or is not available",
    },
    "ev_cancel_confirm": {
        RU: "Отменить «{title}»? Напоминания больше не придут.",
        EN: "Cancel “{title}”? No more reminders will be sent.",
    },
    "ev_cancel_yes": {RU: "Да, отменить", EN: "Yes, cancel it"},
    "ev_cancel_no": {RU: "Нет, оставить", EN: "No, keep it"},
    "ev_cancel_kept": {RU: "Оставил как есть", EN: "Kept as it is"},
    "ev_cancelled_short": {RU: "Отменено", EN: "Cancelled"},
    "ev_cancelled": {
        RU: "Событие «{title}» отменено, напоминаний больше не будет.",
        EN: "The event “{title}” is cancelled; no more reminders.",
    },
    "ev_cancel_notified": {
        RU: "Кому уже пришло напоминание ({n}), получат сообщение об отмене.",
        EN: "Those already reminded ({n}) will be told it is cancelled.",
    },
    "ev_export_text": {
        RU: "📅 «{title}» — откройте файл, чтобы добавить в календарь.",
        EN: "📅 “{title}” — open the file to add it to your calendar.",
    },
    # --- /who ---------------------------------------------------------------------------
    "ev_who_none": {
        RU: "Нет предстоящих событий, которыми вы управляете. Создать: /event",
        EN: "There are no upcoming events you run. Create one: /event",
    },
    "ev_who_pick": {RU: "Какое событие?", EN: "Which event?"},
    "ev_who_not_found": {
        RU: "Не нашёл событие «{query}» среди ваших.",
        EN: "No event of yours matches “{query}”.",
    },
    "ev_who_header": {RU: "👥 {title} — {when}", EN: "👥 {title} — {when}"},
    "ev_who_no_confirm": {
        RU: "Подтверждение для этого события не запрашивается — ответы приходят, только "
        "если участники нажали кнопки.",
        EN: "This event does not ask for confirmation, so answers only come from people "
        "who pressed the buttons.",
    },
    "ev_button_nudge": {
        RU: "🔔 Напомнить не ответившим",
        EN: "🔔 Nudge those who haven't answered",
    },
    "ev_nudged": {
        RU: "Напомнил не ответившим: {n}.",
        EN: "Nudged {n} who have not answered.",
    },
    # --- /remind, /notify, /reminders ---------------------------------------------------
    "rm_usage": {
        RU: "Что и когда напомнить? Например: /remind через 2 часа позвонить в бухгалтерию",
        EN: "What and when? For example: /remind in 2 hours call accounting",
    },
    "rm_example": {
        RU: "Пример: /remind завтра в 9:00 отправить отчёт",
        EN: "Example: /remind tomorrow at 9am send the report",
    },
    "rm_no_text": {
        RU: "О чём напомнить? Напишите текст после времени.",
        EN: "What should I remind about? Put the text after the time.",
    },
    "rm_created_self": {
        RU: "⏰ Напомню {when}: {text}",
        EN: "⏰ I will remind you {when}: {text}",
    },
    "rm_created_for": {
        RU: "⏰ Напомню {when} ({audience}): {text}",
        EN: "⏰ I will remind {audience} {when}: {text}",
    },
    "rm_button_cancel": {RU: "✖️ Отменить", EN: "✖️ Cancel"},
    "rm_cancelled": {
        RU: "Напоминание «{text}» отменено.",
        EN: "The reminder “{text}” is cancelled.",
    },
    "rm_list_header": {RU: "Ваши напоминания:", EN: "Your reminders:"},
    "rm_list_empty": {
        RU: "Напоминаний нет. Создать: /remind завтра в 9 отправить отчёт",
        EN: "No reminders. Create one: /remind tomorrow at 9am send the report",
    },
    "nt_usage": {
        RU: "Кому и что? Например: /notify #Отдел продаж Собрание переносится на 15:00 "
        "(@all — всей команде; название можно взять в кавычки: #«Отдел продаж»)",
        EN: "Who and what? For example: /notify #Sales team The meeting moves to 3pm "
        "(@all for the whole team; a name may be quoted: #“Sales team”)",
    },
    "nt_sent": {
        RU: "📣 Отправляю ({audience}): получателей — {n}.",
        EN: "📣 Sending to {audience}: {n} {n:recipient|recipients}.",
    },
}

add_texts(TEXTS)
