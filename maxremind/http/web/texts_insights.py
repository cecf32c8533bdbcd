"""Texts of the insights pages (how reliably the team answers), in Russian and English."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

add_texts(
    {
        "web_insights_title": {RU: "Статистика ответов", EN: "Answer insights"},
        "web_insights_privacy": {
            RU: "Организаторы команды видят статистику ответов: кто ответил, как быстро, "
            "кто пришёл. Участник видит только свою строку.",
            EN: "The team's organizers see answer statistics: who answered, how fast, who "
            "came. A member sees only their own row.",
        },
        "web_insights_privacy_owner": {
            RU: "Владелец может выключить статистику по людям в настройках команды.",
            EN: "The owner can turn per-member statistics off in the team settings.",
        },
        "web_insights_members_off": {
            RU: "Статистика по людям в этой команде выключена владельцем.",
            EN: "The owner has turned per-member statistics off for this team.",
        },
        "web_insights_period": {RU: "Период", EN: "Period"},
        "web_insights_weeks": {RU: "{n} нед.", EN: "{n} weeks"},
        "web_insights_group": {RU: "Группа", EN: "Group"},
        "web_insights_all_team": {RU: "Вся команда", EN: "Whole team"},
        "web_insights_show": {RU: "Показать", EN: "Show"},
        "web_insights_summary": {RU: "Итого за период", EN: "For the period"},
        "web_insights_events": {RU: "События", EN: "Events"},
        "web_insights_dates": {RU: "Даты", EN: "Dates"},
        "web_insights_reminders": {RU: "Напоминания", EN: "Reminders"},
        "web_insights_asked": {RU: "Запросов ответа", EN: "Answers asked"},
        "web_insights_answer_rate": {RU: "Ответили", EN: "Answered"},
        "web_insights_median": {RU: "Медиана до ответа", EN: "Median time to answer"},
        "web_insights_p90": {RU: "90 % ответили за", EN: "90 % answered within"},
        "web_insights_yes_rate": {RU: "Доля «приду»", EN: "Yes rate"},
        "web_insights_no_shows": {RU: "Не пришли после «приду»", EN: "No-shows after yes"},
        "web_insights_empty": {
            RU: "За этот период напоминаний с просьбой ответить не было — пока нечего "
            "показать. Статистика появится после первых ответов.",
            EN: "No reminders asked for an answer in this period, so there is nothing to "
            "show yet. The numbers appear after the first answers.",
        },
        "web_insights_weekly": {RU: "По неделям", EN: "By week"},
        "web_insights_weekly_rate_title": {
            RU: "Доля ответивших по неделям",
            EN: "Share who answered, by week",
        },
        "web_insights_weekly_rate_desc": {
            RU: "Неделя за неделей, с {first} по {last}: от {low} до {high}.",
            EN: "Week by week, {first} to {last}: from {low} to {high}.",
        },
        "web_insights_weekly_time_title": {
            RU: "Медиана времени до ответа по неделям, минуты",
            EN: "Median time to answer by week, minutes",
        },
        "web_insights_weekly_time_desc": {
            RU: "Неделя за неделей, с {first} по {last}: от {low} до {high} мин.",
            EN: "Week by week, {first} to {last}: from {low} to {high} min.",
        },
        "web_insights_no_values": {RU: "Ответов не было.", EN: "There were no answers."},
        "web_insights_week": {RU: "Неделя с", EN: "Week of"},
        "web_insights_minutes": {RU: "{n} мин", EN: "{n} min"},
        "web_insights_hours_title": {
            RU: "Доля ответивших по времени напоминания",
            EN: "Share who answered, by reminder time",
        },
        "web_insights_hours_desc": {
            RU: "По дням недели и часам (время команды, {zone}). Лучше всего: {best}.",
            EN: "By weekday and hour (the team's time, {zone}). Best: {best}.",
        },
        "web_insights_hours_none": {RU: "нет данных", EN: "no data"},
        "web_insights_hours_help": {
            RU: "Чем темнее клетка, тем больше людей ответили на напоминания, отправленные "
            "в этот час. Пустые клетки — в это время напоминаний не было.",
            EN: "The darker a square, the more people answered reminders sent in that hour. "
            "Empty squares: no reminders went out then.",
        },
        "web_insights_cell": {
            RU: "{day} {hour}:00 — ответили {rate} из {asked} ({answered})",
            EN: "{day} {hour}:00 — {rate} of {asked} answered ({answered})",
        },
        "web_insights_cell_empty": {
            RU: "{day} {hour}:00 — напоминаний не было",
            EN: "{day} {hour}:00 — no reminders",
        },
        "web_insights_weekday": {RU: "День", EN: "Day"},
        "web_insights_hour": {RU: "Час", EN: "Hour"},
        "web_insights_members": {RU: "Люди", EN: "People"},
        "web_insights_you": {RU: "Вы", EN: "You"},
        "web_insights_your_row": {
            RU: "Ваши ответы за период (строки других людей видят только организаторы).",
            EN: "Your answers in the period (only organizers see other people's rows).",
        },
        "web_insights_member": {RU: "Человек", EN: "Person"},
        "web_insights_left": {RU: "ушёл из команды", EN: "left the team"},
        "web_insights_answered": {RU: "Ответил", EN: "Answered"},
        "web_insights_yes": {RU: "Приду", EN: "Yes"},
        "web_insights_no": {RU: "Не приду", EN: "No"},
        "web_insights_maybe": {RU: "Может быть", EN: "Maybe"},
        "web_insights_none": {RU: "Без ответа", EN: "No answer"},
        "web_insights_came": {RU: "Пришли", EN: "Came"},
        "web_insights_event_list": {RU: "События", EN: "Events"},
        "web_insights_event": {RU: "Событие", EN: "Event"},
        "web_insights_quorum_missed": {RU: "Кворум не набран", EN: "Quorum missed"},
        "web_insights_quorum": {RU: "Кворум", EN: "Quorum"},
        "web_insights_quorum_met": {RU: "набран", EN: "met"},
        "web_insights_quorum_not_met": {RU: "не набран", EN: "missed"},
        "web_insights_quorum_of": {RU: "{met} из {dates}", EN: "{met} of {dates}"},
        "web_insights_nudges": {RU: "Повторные напоминания", EN: "Nudges"},
        "web_insights_reach": {RU: "Охват", EN: "Reach"},
        "web_insights_sent": {RU: "Отправлено", EN: "Sent"},
        "web_insights_delivered": {RU: "Доставлено", EN: "Delivered"},
        "web_insights_unreachable": {RU: "Недоступны", EN: "Unreachable"},
        "web_insights_date": {RU: "Дата", EN: "Date"},
        "web_insights_csv": {RU: "Скачать CSV", EN: "Download CSV"},
        "web_insights_csv_named": {RU: "CSV: {what}", EN: "CSV: {what}"},
        "web_insights_open": {RU: "Статистика события", EN: "Event insights"},
        "web_insights_team_link": {RU: "Статистика команды", EN: "Team insights"},
        "web_insights_event_title": {RU: "Статистика: {title}", EN: "Insights: {title}"},
        "web_insights_event_empty": {
            RU: "У этого события ещё не было дат с напоминаниями — статистика появится "
            "после первой.",
            EN: "This event has had no dates with reminders yet: the numbers appear after "
            "the first one.",
        },
        "web_insights_bars_title": {
            RU: "Ответы по датам: приду, не приду, может быть, без ответа",
            EN: "Answers by date: yes, no, maybe, no answer",
        },
        "web_insights_bars_desc": {
            RU: "{dates} дат(ы); всего «приду»: {yes}, «не приду»: {no}, «может быть»: "
            "{maybe}, без ответа: {none}.",
            EN: "{dates} date(s); in all yes: {yes}, no: {no}, maybe: {maybe}, no answer: {none}.",
        },
        "web_insights_attendance": {RU: "Кто пришёл", EN: "Who came"},
        "web_insights_attendance_help": {
            RU: "Отметьте тех, кто пришёл: так видно, кто говорит «приду» и не приходит.",
            EN: "Tick those who came: this shows who says yes and then does not come.",
        },
        "web_insights_attendance_date": {RU: "Дата", EN: "Date"},
        "web_insights_attendance_choose": {RU: "Выбрать", EN: "Choose"},
        "web_insights_attendance_save": {RU: "Сохранить отметки", EN: "Save"},
        "web_insights_attendance_saved": {
            RU: "Отметки сохранены: пришли {n}.",
            EN: "Saved: {n} came.",
        },
        "web_insights_attendance_none": {
            RU: "Отмечать можно после начала даты; прошедших дат пока нет.",
            EN: "Attendance can be marked once a date has started; none has yet.",
        },
        "web_insights_attendance_managers": {
            RU: "Отмечать, кто пришёл, могут организатор события и администраторы команды.",
            EN: "The event's organizer and the team's admins mark who came.",
        },
        "web_insights_attendance_nobody": {
            RU: "На эту дату никто не ответил «приду» — отмечать некого.",
            EN: "Nobody said yes to this date: there is nobody to mark.",
        },
        "web_insights_answer_was": {RU: "ответ: {answer}", EN: "answered: {answer}"},
        "web_insights_settings": {RU: "Статистика по людям", EN: "Per-member statistics"},
        "web_insights_settings_on": {
            RU: "Показывать организаторам статистику каждого участника (доля ответов, "
            "время до ответа, неявки после «приду»)",
            EN: "Show organizers each member's statistics (answer rate, time to answer, "
            "no-shows after yes)",
        },
        "web_insights_settings_help": {
            RU: "Выключите, и статистика останется только по команде и событиям, без имён. "
            "Менять может только владелец.",
            EN: "Turn it off and only team and event totals remain, without names. Only "
            "the owner can change this.",
        },
        "web_insights_settings_save": {RU: "Сохранить", EN: "Save"},
        "web_insights_settings_saved": {
            RU: "Настройка статистики сохранена.",
            EN: "The statistics setting is saved.",
        },
        "web_insights_settings_is_on": {
            RU: "Сейчас статистика по людям включена.",
            EN: "Per-member statistics are on.",
        },
        "web_insights_settings_is_off": {
            RU: "Сейчас статистика по людям выключена.",
            EN: "Per-member statistics are off.",
        },
        "web_insights_wd_0": {RU: "пн", EN: "Mon"},
        "web_insights_wd_1": {RU: "вт", EN: "Tue"},
        "web_insights_wd_2": {RU: "ср", EN: "Wed"},
        "web_insights_wd_3": {RU: "чт", EN: "Thu"},
        "web_insights_wd_4": {RU: "пт", EN: "Fri"},
        "web_insights_wd_5": {RU: "сб", EN: "Sat"},
        "web_insights_wd_6": {RU: "вс", EN: "Sun"},
    }
)

add_texts(
    {
        "web_insights_dur_min": {RU: "{m} мин", EN: "{m} min"},
        "web_insights_dur_hours": {RU: "{h} ч {m} мин", EN: "{h} h {m} min"},
        "web_insights_dur_days": {RU: "{d} дн {h} ч", EN: "{d} d {h} h"},
        "web_insights_dur_whole_hours": {RU: "{h} ч", EN: "{h} h"},
        "web_insights_dur_whole_days": {RU: "{d} дн", EN: "{d} d"},
        "web_insights_pct": {RU: "{n} %", EN: "{n}%"},
        "web_insights_table": {RU: "Таблица", EN: "Table"},
        "web_insights_bars_caption": {
            RU: "Последние даты: ответы",
            EN: "The latest dates: answers",
        },
        "web_api_insights_not_started": {
            RU: "Эта дата ещё не началась: отмечать, кто пришёл, пока рано.",
            EN: "This date has not started yet: it is too early to mark who came.",
        },
        "web_api_insights_not_yes": {
            RU: "Отмечать можно только тех, кто ответил «приду».",
            EN: "Only people who said yes can be marked.",
        },
        "web_api_insights_not_yes_who": {
            RU: "Пользователь {user_id} не отвечал «приду» на эту дату.",
            EN: "User {user_id} did not say yes to this date.",
        },
        "web_insights_back_event": {RU: "К событию", EN: "Back to the event"},
        "web_insights_csv_weeks": {RU: "по неделям", EN: "by week"},
        "web_insights_csv_hours": {RU: "по часам", EN: "by hour"},
        "web_insights_csv_members": {RU: "по людям", EN: "by person"},
        "web_insights_csv_events": {RU: "по событиям", EN: "by event"},
        "web_insights_csv_dates": {RU: "по датам", EN: "by date"},
        "web_insights_yes_no_show": {RU: "да", EN: "yes"},
        "web_insights_no_no_show": {RU: "нет", EN: "no"},
    }
)
