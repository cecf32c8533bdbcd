"""Texts of insights in MAX: /stats, /digest, the weekly digest and the who-came
checklist (Russian first, English second)."""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

TEXTS: dict[str, dict[Language, str]] = {
    # --- help lines ---------------------------------------------------------------------
    "help_stats": {
        RU: "статистика ответов: команды (организаторам) или ваша",
        EN: "answer statistics: the team's (for organizers) or your own",
    },
    "help_digest": {
        RU: "итоги недели организаторам: «/digest on», «/digest off», день и время",
        EN: "weekly digest for organizers: “/digest on”, “/digest off”, day and time",
    },
    # --- numbers ------------------------------------------------------------------------
    "ins_percent": {RU: "{n} %", EN: "{n}%"},
    "ins_minutes": {RU: "{n} мин", EN: "{n} min"},
    "ins_hours": {RU: "{h} ч {m} мин", EN: "{h} h {m} min"},
    "ins_hours_only": {RU: "{h} ч", EN: "{h} h"},
    "ins_days": {RU: "{d} дн {h} ч", EN: "{d} d {h} h"},
    "ins_days_only": {RU: "{d} дн", EN: "{d} d"},
    "ins_under_minute": {RU: "меньше минуты", EN: "under a minute"},
    "ins_none": {RU: "—", EN: "—"},
    "ins_former": {RU: " (ушёл из команды)", EN: " (left the team)"},
    # --- /stats -------------------------------------------------------------------------
    "ins_stats_title": {
        RU: "📊 Статистика · {team} · последние {days} дн.",
        EN: "📊 Statistics · {team} · last {days} days",
    },
    "ins_stats_empty": {
        RU: "За это время не было событий, где просили подтвердить участие.",
        EN: "No event asked people to confirm in this period.",
    },
    "ins_stats_team": {
        RU: "Команда: {events}, ответили {rate} ({answered} из {asked}); "
        "медиана ответа {median}, 90 % ответов — за {p90}.",
        EN: "Team: {events}, {rate} answered ({answered} of {asked}); "
        "median time to answer {median}, 90% within {p90}.",
    },
    "ins_stats_answers": {
        RU: "Ответы: да {yes}, нет {no}, может быть {maybe}, без ответа {none}.",
        EN: "Answers: yes {yes}, no {no}, maybe {maybe}, none {none}.",
    },
    "ins_stats_reach": {
        RU: "Доставлено {delivered} из {sent}; не достучались: {unreachable}; "
        "повторных напоминаний: {nudges}.",
        EN: "Delivered {delivered} of {sent}; unreachable: {unreachable}; nudges: {nudges}.",
    },
    "ins_stats_quorum": {
        RU: "Кворум собран: {met} из {checked}.",
        EN: "Quorum reached: {met} of {checked}.",
    },
    "ins_stats_came": {
        RU: "Пришли {came} из {marked} отмеченных «да» (не пришли: {no_show}).",
        EN: "Came: {came} of {marked} marked “yes” (no-shows: {no_show}).",
    },
    "ins_stats_worst_title": {
        RU: "Реже всех отвечают:",
        EN: "Answer least often:",
    },
    "ins_stats_worst_line": {
        RU: "• {name} — {answered} из {asked} ({rate})",
        EN: "• {name} — {answered} of {asked} ({rate})",
    },
    "ins_stats_all_answer": {
        RU: "Все участники отвечали на каждое напоминание.",
        EN: "Every member answered every reminder.",
    },
    "ins_stats_hidden": {
        RU: "Статистика по участникам выключена владельцем команды.",
        EN: "Per-member statistics are turned off by the team's owner.",
    },
    "ins_stats_me": {
        RU: "Вы: ответили на {answered} из {asked} ({rate}), медиана ответа {median}, "
        "«да» — {yes_rate}.",
        EN: "You: answered {answered} of {asked} ({rate}), median time to answer {median}, "
        "yes {yes_rate}.",
    },
    "ins_stats_me_noshow": {
        RU: "Не пришли после «да»: {n} из {marked} отмеченных.",
        EN: "Did not come after a yes: {n} of {marked} marked.",
    },
    "ins_stats_me_empty": {
        RU: "Вас за это время ни о чём не спрашивали.",
        EN: "Nobody asked you anything in this period.",
    },
    "ins_stats_web": {
        RU: "Графики и таблицы по неделям и часам — на сайте: /web",
        EN: "Charts and tables by week and hour are on the web: /web",
    },
    "ins_stats_digest_on": {
        RU: "Итоги недели приходят вам {when} ({zone}).",
        EN: "You get the weekly digest {when} ({zone}).",
    },
    "ins_button_digest_on": {
        RU: "🔔 Присылать итоги недели",
        EN: "🔔 Send me the weekly digest",
    },
    "ins_button_digest_off": {
        RU: "🔕 Не присылать итоги недели",
        EN: "🔕 Stop the weekly digest",
    },
    "ins_button_members_off": {
        RU: "🙈 Выключить статистику по участникам",
        EN: "🙈 Turn per-member statistics off",
    },
    "ins_button_members_on": {
        RU: "👁 Включить статистику по участникам",
        EN: "👁 Turn per-member statistics on",
    },
    "ins_members_off_done": {
        RU: "Статистика по участникам выключена: организаторы видят только общие цифры.",
        EN: "Per-member statistics are off: organizers see only the team's numbers.",
    },
    "ins_members_on_done": {
        RU: "Статистика по участникам включена.",
        EN: "Per-member statistics are on.",
    },
    # --- /digest ------------------------------------------------------------------------
    "ins_digest_on": {
        RU: "Готово: итоги недели будут приходить {when} ({zone}).",
        EN: "Done: you will get the weekly digest {when} ({zone}).",
    },
    "ins_digest_off": {
        RU: "Итоги недели больше не придут. Включить снова: /digest on",
        EN: "No more weekly digests. To turn it back on: /digest on",
    },
    "ins_digest_status_on": {
        RU: "Итоги недели приходят вам {when} ({zone}). Выключить: /digest off",
        EN: "You get the weekly digest {when} ({zone}). To stop: /digest off",
    },
    "ins_digest_status_off": {
        RU: "Итоги недели команды выходят {when} ({zone}); вам они не приходят. "
        "Включить: /digest on",
        EN: "The team's weekly digest goes out {when} ({zone}); you do not get it. "
        "To turn it on: /digest on",
    },
    "ins_digest_time_hint": {
        RU: "День и время для всей команды: «/digest пт 17:30» (администраторы).",
        EN: "Day and time for the whole team: “/digest fri 17:30” (admins).",
    },
    "ins_digest_time_set": {
        RU: "Итоги недели для команды «{team}» теперь выходят {when} ({zone}).",
        EN: "The weekly digest of “{team}” now goes out {when} ({zone}).",
    },
    "ins_digest_bad": {
        RU: "Не понял «{text}». Например: /digest on, /digest off или /digest пн 9:00",
        EN: "I did not understand “{text}”. For example: /digest on, /digest off or "
        "/digest mon 9:00",
    },
    "ins_weekly_0": {RU: "по понедельникам в {time}", EN: "on Mondays at {time}"},
    "ins_weekly_1": {RU: "по вторникам в {time}", EN: "on Tuesdays at {time}"},
    "ins_weekly_2": {RU: "по средам в {time}", EN: "on Wednesdays at {time}"},
    "ins_weekly_3": {RU: "по четвергам в {time}", EN: "on Thursdays at {time}"},
    "ins_weekly_4": {RU: "по пятницам в {time}", EN: "on Fridays at {time}"},
    "ins_weekly_5": {RU: "по субботам в {time}", EN: "on Saturdays at {time}"},
    "ins_weekly_6": {RU: "по воскресеньям в {time}", EN: "on Sundays at {time}"},
    # --- the weekly digest --------------------------------------------------------------
    "ins_digest_title": {
        RU: "📊 Итоги недели · {team}",
        EN: "📊 Weekly digest · {team}",
    },
    "ins_digest_week": {
        RU: "Прошлая неделя ({dates}): {events}, ответили {rate}, медиана {median}.",
        EN: "Last week ({dates}): {events}, {rate} answered, median {median}.",
    },
    "ins_digest_week_empty": {
        RU: "На прошлой неделе ({dates}) не было событий с подтверждением участия.",
        EN: "Last week ({dates}) no event asked people to confirm.",
    },
    "ins_digest_silent": {
        RU: "Без единого ответа на {n}: {people}.",
        EN: "{people} did not answer any of {n}.",
    },
    "ins_digest_silent_names": {
        RU: "Без единого ответа на {n}: {people} — {names}.",
        EN: "{people} did not answer any of {n}: {names}.",
    },
    "ins_digest_all_answered": {
        RU: "Каждый хотя бы раз ответил.",
        EN: "Everyone answered at least once.",
    },
    "ins_digest_footer": {
        RU: "Подробнее: /stats · графики: /web · не присылать: /digest off",
        EN: "More: /stats · charts: /web · stop these: /digest off",
    },
    # --- who came -----------------------------------------------------------------------
    "ins_check_title": {
        RU: "Кто пришёл на «{title}», {when}?",
        EN: "Who came to “{title}”, {when}?",
    },
    "ins_check_hint": {
        RU: "Нажмите на имя: ✅ пришёл, ❌ не пришёл, ▫️ ещё не отмечен.",
        EN: "Tap a name: ✅ came, ❌ did not come, ▫️ not marked yet.",
    },
    "ins_check_counts": {
        RU: "Отмечено {marked} из {total}, пришли {came}.",
        EN: "Marked {marked} of {total}, {came} came.",
    },
    "ins_check_more": {
        RU: "…и ещё {n} — их можно отметить на сайте: /web",
        EN: "…and {n} more — mark them on the web: /web",
    },
    "ins_check_nobody": {
        RU: "Никто больше не отвечает «да» — отмечать некого.",
        EN: "Nobody answers “yes” any more: there is no one to mark.",
    },
    "ins_check_came": {RU: "{name}: пришёл", EN: "{name}: came"},
    "ins_check_missed": {RU: "{name}: не пришёл", EN: "{name}: did not come"},
    "ins_check_not_yes": {
        RU: "Этот человек больше не отвечает «да».",
        EN: "This person no longer answers “yes”.",
    },
    "ins_check_not_started": {
        RU: "Событие ещё не началось.",
        EN: "The event has not started yet.",
    },
    "ins_check_gone": {
        RU: "Этого события больше нет.",
        EN: "This event is gone.",
    },
}

add_texts(TEXTS)
