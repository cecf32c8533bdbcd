"""Texts of the people side (teams, invites, members, groups, tags, chats, settings).

Added to the shared table on import; Russian first, English second, same placeholders.
"""

from __future__ import annotations

from maxremind.domain.models import Language
from maxremind.i18n import add_texts

RU, EN = Language.RU, Language.EN

TEXTS: dict[str, dict[Language, str]] = {
    # --- help lines ------------------------------------------------------------------
    "ppl_help_team": {
        RU: "создать команду или перейти в свою: /team Название; /team — выбрать текущую",
        EN: "create a team or switch to one of yours: /team Name; /team alone to pick one",
    },
    "ppl_help_teams": {RU: "мои команды и переключение", EN: "my teams, and switching"},
    "ppl_help_invite": {
        RU: "ссылка-приглашение: /invite [#группа] [7d] [20]",
        EN: "invite link: /invite [#group] [7d] [20]",
    },
    "ppl_help_invites": {RU: "действующие приглашения", EN: "active invites"},
    "ppl_help_members": {RU: "участники команды", EN: "team members"},
    "ppl_help_role": {
        RU: "роль: /role @имя организатор",
        EN: "role: /role @name organizer",
    },
    "ppl_help_remove": {RU: "убрать из команды: /remove @имя", EN: "remove: /remove @name"},
    "ppl_help_leave": {RU: "выйти из команды", EN: "leave the team"},
    "ppl_help_groups": {RU: "группы команды", EN: "the team's groups"},
    "ppl_help_group": {
        RU: "группы: /group new|add|remove|rename|delete",
        EN: "groups: /group new|add|remove|rename|delete",
    },
    "ppl_help_tags": {RU: "теги команды", EN: "the team's tags"},
    "ppl_help_tag": {RU: "отметить тегом: /tag водитель @имя", EN: "tag: /tag driver @name"},
    "ppl_help_untag": {RU: "снять тег: /untag водитель @имя", EN: "untag: /untag driver @name"},
    "ppl_help_link": {
        RU: "привязать групповой чат к команде (пишите в чате)",
        EN: "link a group chat to the team (send it in the chat)",
    },
    "ppl_help_me": {RU: "мои команды и настройки", EN: "my teams and settings"},
    "ppl_help_tz": {RU: "мой часовой пояс", EN: "my time zone"},
    "ppl_help_quiet": {RU: "тихие часы: /quiet 22:00-08:00", EN: "quiet hours: /quiet 22:00-08:00"},
    "ppl_help_teamtz": {RU: "пояс команды по умолчанию", EN: "the team's default time zone"},
    "ppl_help_teamquiet": {RU: "тихие часы команды", EN: "the team's quiet hours"},
    # --- shared bits -----------------------------------------------------------------
    "ppl_unreachable_mark": {RU: "⛔ бот остановлен", EN: "⛔ bot stopped"},
    "ppl_more": {RU: "…и ещё {n}", EN: "…and {n} more"},
    "ppl_page": {RU: "(стр. {page}/{pages})", EN: "(page {page}/{pages})"},
    "ppl_btn_prev": {RU: "◀️ Назад", EN: "◀️ Back"},
    "ppl_btn_next": {RU: "Далее ▶️", EN: "Next ▶️"},
    "ppl_btn_done": {RU: "Готово", EN: "Done"},
    "ppl_whole_team": {RU: "вся команда", EN: "whole team"},
    "ppl_err_name_empty": {RU: "Название не может быть пустым.", EN: "The name cannot be empty."},
    "ppl_err_name_too_long": {
        RU: "Слишком длинное название: не больше {limit} символов.",
        EN: "That name is too long: {limit} characters at most.",
    },
    "ppl_err_last_owner": {
        RU: "Вы единственный владелец. Сначала назначьте ещё одного: /role @имя владелец",
        EN: "You are the only owner. Make someone else an owner first: /role @name owner",
    },
    "ppl_err_remove_self": {
        RU: "Себя убрать нельзя — чтобы выйти из команды, используйте /leave.",
        EN: "You cannot remove yourself — to leave the team use /leave.",
    },
    "ppl_err_remove_owner": {
        RU: "Владельца убрать нельзя. Сначала смените его роль: /role @имя админ",
        EN: "An owner cannot be removed. Change their role first: /role @name admin",
    },
    "ppl_err_group_exists": {
        RU: "Группа «{name}» уже есть. Список: /groups",
        EN: "There is already a group “{name}”. See /groups",
    },
    "ppl_err_bad_validity": {
        RU: "Срок действия — от 1 часа до 365 дней, например 7d или 24ч.",
        EN: "Validity is 1 hour to 365 days, e.g. 7d or 24h.",
    },
    "ppl_err_bad_uses": {
        RU: "Число использований — от 1 до 100000, например 20.",
        EN: "The use limit is 1 to 100000, e.g. 20.",
    },
    "ppl_member_not_found": {
        RU: "Не нашёл «{token}» в команде «{team}». Список участников: /members",
        EN: "No “{token}” in the team “{team}”. See /members",
    },
    "ppl_member_not_found_close": {
        RU: "Не нашёл «{token}». Возможно, вы имели в виду: {names}?",
        EN: "No “{token}” found. Did you mean: {names}?",
    },
    "ppl_member_which": {
        RU: "«{token}» — таких несколько. Кого вы имели в виду?",
        EN: "Several people match “{token}”. Which one?",
    },
    # --- teams -----------------------------------------------------------------------
    "ppl_team_usage": {
        RU: "Напишите название команды после команды, например: /team Склад Север",
        EN: "Add the team's name, for example: /team North Warehouse",
    },
    "ppl_team_created": {
        RU: "Команда «{name}» создана, вы её владелец.\n"
        "Дальше: группы — /group new Водители, роли — /role, список — /members.",
        EN: "Team “{name}” created; you are its owner.\n"
        "Next: groups — /group new Drivers, roles — /role, the list — /members.",
    },
    "ppl_teams_header": {RU: "Ваши команды:", EN: "Your teams:"},
    "ppl_teams_footer": {
        RU: "✅ — текущая: к ней относятся команды. Переключиться — кнопкой.",
        EN: "✅ is the current one: commands apply to it. Tap to switch.",
    },
    "ppl_teams_footer_one": {
        RU: "Новая команда: /team Название",
        EN: "Another team: /team Name",
    },
    # --- invites ---------------------------------------------------------------------
    "ppl_invite_team": {
        RU: "Приглашение в команду «{team}» ({terms}):\n{link}\n"
        "Перешлите ссылку сотрудникам — по ней они сразу попадут в команду.",
        EN: "Invite to the team “{team}” ({terms}):\n{link}\n"
        "Forward the link: whoever opens it joins the team at once.",
    },
    "ppl_invite_group": {
        RU: "Приглашение в команду «{team}», группа «{group}» ({terms}):\n{link}\n"
        "Перешлите ссылку — по ней сразу попадают в группу.",
        EN: "Invite to the team “{team}”, group “{group}” ({terms}):\n{link}\n"
        "Forward the link: whoever opens it joins the group at once.",
    },
    "ppl_invite_until": {RU: "до {date}", EN: "until {date}"},
    "ppl_invite_uses": {RU: "использовано {uses} из {max}", EN: "used {uses} of {max}"},
    "ppl_invite_unlimited": {
        RU: "бессрочно; ограничить: /invite 7d 20",
        EN: "no expiry; to limit: /invite 7d 20",
    },
    "ppl_invite_bad": {
        RU: "Не понял «{token}». Пример: /invite #Водители 7d 20 — ссылка в группу на 7 "
        "дней, до 20 человек.",
        EN: "I did not understand “{token}”. Example: /invite #Drivers 7d 20 — a group "
        "link for 7 days, up to 20 people.",
    },
    "ppl_btn_revoke": {RU: "🚫 Отозвать", EN: "🚫 Revoke"},
    "ppl_btn_revoke_n": {RU: "🚫 Отозвать {n}", EN: "🚫 Revoke {n}"},
    "ppl_invites_header": {
        RU: "Действующие приглашения команды «{team}»:",
        EN: "Active invites of the team “{team}”:",
    },
    "ppl_invites_none": {
        RU: "Действующих приглашений нет. Создать: /invite",
        EN: "No active invites. Create one: /invite",
    },
    "ppl_invite_revoked": {
        RU: "Приглашение в «{team}» отозвано: по ссылке больше не войти.",
        EN: "The invite to “{team}” is revoked: the link no longer works.",
    },
    # --- joining ---------------------------------------------------------------------
    "ppl_join_ok": {
        RU: "Вы в команде «{team}»! Теперь я буду присылать вам её напоминания.\n"
        "Ваш часовой пояс: /tz, тихие часы: /quiet, всё о вас: /me",
        EN: "You joined the team “{team}”! I will send you its reminders.\n"
        "Your time zone: /tz, quiet hours: /quiet, all about you: /me",
    },
    "ppl_join_ok_group": {
        RU: "Вы в команде «{team}», группа «{group}»! Теперь я буду присылать вам её "
        "напоминания.\nВаш часовой пояс: /tz, тихие часы: /quiet, всё о вас: /me",
        EN: "You joined the team “{team}”, group “{group}”! I will send you its reminders.\n"
        "Your time zone: /tz, quiet hours: /quiet, all about you: /me",
    },
    "ppl_join_already": {
        RU: "Вы уже в команде «{team}» — ничего делать не нужно. Всё о вас: /me",
        EN: "You are already in the team “{team}” — nothing to do. About you: /me",
    },
    "ppl_join_already_group": {
        RU: "Вы уже в команде «{team}» и в группе «{group}» — ничего делать не нужно.",
        EN: "You are already in the team “{team}” and the group “{group}” — nothing to do.",
    },
    "ppl_join_unknown": {
        RU: "Такого приглашения нет. Проверьте ссылку или попросите новую у руководителя.",
        EN: "There is no such invite. Check the link or ask your lead for a new one.",
    },
    "ppl_join_revoked": {
        RU: "Это приглашение отозвано. Попросите у руководителя новую ссылку.",
        EN: "This invite was revoked. Ask your lead for a new link.",
    },
    "ppl_join_expired": {
        RU: "Срок этого приглашения истёк. Попросите у руководителя новую ссылку.",
        EN: "This invite has expired. Ask your lead for a new link.",
    },
    "ppl_join_used_up": {
        RU: "По этой ссылке уже вошло максимальное число людей. Попросите новую у руководителя.",
        EN: "This invite has been used the maximum number of times. Ask your lead for a new one.",
    },
    # --- members and roles -----------------------------------------------------------
    "ppl_members_header": {
        RU: "👥 Команда «{team}», {n} чел.",
        EN: "👥 Team “{team}”, {n} {n:person|people}",
    },
    "ppl_role_usage": {
        RU: "Кому и какую роль? Пример: /role @anna организатор\n"
        "Роли: владелец, администратор, организатор, участник.",
        EN: "Whom and which role? Example: /role @anna organizer\n"
        "Roles: owner, admin, organizer, member.",
    },
    "ppl_role_same": {
        RU: "У {name} уже роль «{role}».",
        EN: "{name} already has the role “{role}”.",
    },
    "ppl_role_set": {RU: "Готово: {name} — {role}.", EN: "Done: {name} is now {role}."},
    "ppl_role_told": {
        RU: "Ваша роль в команде «{team}» теперь: {role}.",
        EN: "Your role in the team “{team}” is now: {role}.",
    },
    "ppl_remove_usage": {
        RU: "Кого убрать? Пример: /remove @anna",
        EN: "Whom to remove? Example: /remove @anna",
    },
    "ppl_removed": {
        RU: "{name} больше не в команде «{team}».",
        EN: "{name} is no longer in the team “{team}”.",
    },
    "ppl_removed_told": {
        RU: "Вас убрали из команды «{team}». Её напоминания больше не придут.",
        EN: "You were removed from the team “{team}”. Its reminders will stop.",
    },
    "ppl_leave_confirm": {
        RU: "Выйти из команды «{team}»? Её напоминания перестанут приходить.",
        EN: "Leave the team “{team}”? Its reminders will stop.",
    },
    "ppl_btn_leave": {RU: "🚪 Выйти", EN: "🚪 Leave"},
    "ppl_btn_stay": {RU: "Остаться", EN: "Stay"},
    "ppl_left": {
        RU: "Вы вышли из команды «{team}». Вернуться можно по приглашению.",
        EN: "You left the team “{team}”. An invite link brings you back.",
    },
    "ppl_stayed": {RU: "Хорошо, ничего не меняю.", EN: "OK, nothing changed."},
    # --- groups ----------------------------------------------------------------------
    "ppl_groups_none": {
        RU: "В команде «{team}» пока нет групп. Создать: /group new Водители",
        EN: "The team “{team}” has no groups yet. Create one: /group new Drivers",
    },
    "ppl_groups_header": {
        RU: "Группы команды «{team}» (нажмите, чтобы открыть):",
        EN: "Groups of the team “{team}” (tap to open):",
    },
    "ppl_groups_line": {RU: "• {group} — {n} чел.", EN: "• {group} — {n} {n:person|people}"},
    "ppl_group_card": {
        RU: "👥 Группа «{group}», {n} чел.",
        EN: "👥 Group “{group}”, {n} {n:person|people}",
    },
    "ppl_btn_edit_members": {RU: "✏️ Изменить состав", EN: "✏️ Change members"},
    "ppl_btn_group_invite": {RU: "🔗 Ссылка в группу", EN: "🔗 Group invite link"},
    "ppl_btn_delete": {RU: "🗑 Удалить группу", EN: "🗑 Delete group"},
    "ppl_btn_delete_yes": {RU: "🗑 Да, удалить", EN: "🗑 Yes, delete"},
    "ppl_btn_keep": {RU: "Не удалять", EN: "Keep it"},
    "ppl_group_unknown": {
        RU: "Не понял «{word}».",
        EN: "I did not understand “{word}”.",
    },
    "ppl_group_usage": {
        RU: "Так можно:\n"
        "/group new Отдел кадров\n/group add #Отдел кадров @anna @ivan\n"
        "/group remove #Отдел кадров @anna\n/group rename #Старое Новое\n"
        "/group delete #Отдел кадров\n/group #Отдел кадров — открыть",
        EN: "You can:\n"
        "/group new HR\n/group add #HR @anna @ivan\n/group remove #HR @anna\n"
        "/group rename #Old New\n/group delete #HR\n/group #HR — open it",
    },
    "ppl_group_new_usage": {
        RU: "Как назвать группу? Пример: /group new Отдел кадров",
        EN: "What is the group called? Example: /group new HR",
    },
    "ppl_group_add_usage": {
        RU: "Пример: /group add #Водители @anna @ivan (без @ — выбор кнопками)",
        EN: "Example: /group add #Drivers @anna @ivan (without @ — pick with buttons)",
    },
    "ppl_group_remove_usage": {
        RU: "Пример: /group remove #Водители @anna",
        EN: "Example: /group remove #Drivers @anna",
    },
    "ppl_group_rename_usage": {
        RU: "Пример: /group rename #Старое Новое (или #Старое #Новое). Группы: /groups",
        EN: "Example: /group rename #Old New (or #Old #New). Groups: /groups",
    },
    "ppl_group_delete_usage": {
        RU: "Пример: /group delete #Водители",
        EN: "Example: /group delete #Drivers",
    },
    "ppl_group_not_found": {
        RU: "Группы «{name}» нет. Есть: {names}",
        EN: "There is no group “{name}”. Groups: {names}",
    },
    "ppl_group_created": {
        RU: "Группа «{group}» создана. Добавьте людей кнопкой или так: /group add #{group} @имя",
        EN: "Group “{group}” created. Add people with the button or: /group add #{group} @name",
    },
    "ppl_group_added": {
        RU: "В группе «{group}»: {names} (новых: {n}).",
        EN: "In the group “{group}”: {names} (new: {n}).",
    },
    "ppl_group_removed": {
        RU: "Из группы «{group}» убраны: {names} (было в группе: {n}).",
        EN: "Removed from the group “{group}”: {names} (were in it: {n}).",
    },
    "ppl_group_renamed": {
        RU: "Группа «{old}» теперь называется «{group}».",
        EN: "The group “{old}” is now called “{group}”.",
    },
    "ppl_group_delete_confirm": {
        RU: "Удалить группу «{group}»? Люди останутся в команде; события для этой группы "
        "будут приостановлены.",
        EN: "Delete the group “{group}”? People stay in the team; events for this group "
        "will be put on hold.",
    },
    "ppl_group_deleted": {RU: "Группа «{group}» удалена.", EN: "The group “{group}” is deleted."},
    "ppl_group_deleted_events": {
        RU: "Приостановлено событий: {n} ({titles}); организаторы предупреждены.",
        EN: "Events put on hold: {n} ({titles}); their organizers were told.",
    },
    "ppl_event_flagged": {
        RU: "⚠️ Группу «{group}» удалили, поэтому событие «{title}» приостановлено. "
        "Измените его участников.",
        EN: "⚠️ The group “{group}” was deleted, so the event “{title}” is on hold. "
        "Please change its audience.",
    },
    "ppl_picker": {
        RU: "Состав группы «{group}» ({n} чел.): нажмите на человека, чтобы добавить ✅ "
        "или убрать ▫️.",
        EN: "Members of “{group}” ({n}): tap a person to add ✅ or remove ▫️.",
    },
    "ppl_picker_done": {
        RU: "Группа «{group}»: {n} чел. Готово.",
        EN: "Group “{group}”: {n} {n:person|people}. Done.",
    },
    "ppl_toggled_in": {RU: "✅ {name} в группе", EN: "✅ {name} added"},
    "ppl_toggled_out": {RU: "▫️ {name} убран(а) из группы", EN: "▫️ {name} removed"},
    # --- tags ------------------------------------------------------------------------
    "ppl_tags_none": {
        RU: "Тегов пока нет. Отметить человека: /tag водитель @имя",
        EN: "No tags yet. Tag someone: /tag driver @name",
    },
    "ppl_tags_header": {RU: "Теги команды «{team}»:", EN: "Tags of the team “{team}”:"},
    "ppl_tag_usage": {
        RU: "Пример: /tag водитель @anna @ivan",
        EN: "Example: /tag driver @anna @ivan",
    },
    "ppl_untag_usage": {
        RU: "Пример: /untag водитель @anna",
        EN: "Example: /untag driver @anna",
    },
    "ppl_tag_created": {
        RU: "Новый тег «{tag}»: {names} (отмечено: {n}).",
        EN: "New tag “{tag}”: {names} (tagged: {n}).",
    },
    "ppl_tagged": {
        RU: "Тег «{tag}»: {names} (новых: {n}).",
        EN: "Tag “{tag}”: {names} (new: {n}).",
    },
    "ppl_untagged": {
        RU: "Тег «{tag}» снят: {names} (было с тегом: {n}).",
        EN: "Tag “{tag}” removed from: {names} (had it: {n}).",
    },
    "ppl_tag_not_found": {
        RU: "Тега «{tag}» нет. Есть: {names}",
        EN: "There is no tag “{tag}”. Tags: {names}",
    },
    # --- group chats -----------------------------------------------------------------
    "ppl_chat_which_team": {
        RU: "Вы добавили меня в чат «{title}». К какой команде он относится?",
        EN: "You added me to the chat “{title}”. Which team is it for?",
    },
    "ppl_chat_which_group": {
        RU: "Чат «{title}», команда «{team}». Участники чата — это какая группа?",
        EN: "Chat “{title}”, team “{team}”. Which group are the chat's members?",
    },
    "ppl_btn_chat_new_group": {RU: "➕ Новая группа «{title}»", EN: "➕ New group “{title}”"},
    "ppl_btn_chat_whole_team": {RU: "Без группы (вся команда)", EN: "No group (whole team)"},
    "ppl_chat_no_team": {
        RU: "Вы добавили меня в чат «{title}». Привязать его к команде может организатор "
        "или администратор. Создайте свою команду (/team Название) или попросите роль "
        "у администратора, затем напишите в чате /link.",
        EN: "You added me to the chat “{title}”. An organizer or admin links it to a team. "
        "Create your own team (/team Name) or ask an admin for a role, then send /link "
        "in the chat.",
    },
    "ppl_chat_linked": {
        RU: "Готово: чат «{title}» привязан к команде «{team}».",
        EN: "Done: the chat “{title}” is linked to the team “{team}”.",
    },
    "ppl_chat_linked_group": {
        RU: "Готово: чат «{title}» привязан к команде «{team}», группа «{group}». Кто "
        "вступит в чат, попадёт в группу; кто выйдет — покинет её.",
        EN: "Done: the chat “{title}” is linked to the team “{team}”, group “{group}”. "
        "People joining the chat join the group; leaving it leaves the group.",
    },
    "ppl_chat_group_size": {
        RU: "Сейчас в группе {n} чел.",
        EN: "The group has {n} {n:person|people} now.",
    },
    "ppl_chat_hello": {
        RU: "Здравствуйте! Я буду присылать сюда напоминания команды «{team}».",
        EN: "Hello! I will post reminders of the team “{team}” here.",
    },
    "ppl_chat_hello_group": {
        RU: "Здравствуйте! Я буду присылать сюда напоминания команды «{team}». Участники "
        "этого чата — группа «{group}».",
        EN: "Hello! I will post reminders of the team “{team}” here. Members of this chat "
        "are the group “{group}”.",
    },
    "ppl_chat_start_first": {
        RU: "{name}, чтобы привязать этот чат к команде, откройте меня в личных сообщениях, "
        "нажмите «Старт», затем напишите здесь /link.",
        EN: "{name}, to link this chat to a team, open me in a private chat, press Start, "
        "then send /link here.",
    },
    "ppl_link_sent": {
        RU: "{name}, я написал вам в личные сообщения.",
        EN: "{name}, I have messaged you privately.",
    },
    "ppl_link_in_chat": {
        RU: "Напишите /link в групповом чате, который нужно привязать.",
        EN: "Send /link in the group chat you want to link.",
    },
    "ppl_chat_removed": {
        RU: "Меня удалили из чата «{title}» — он больше не привязан к команде «{team}». "
        "Напоминания туда не придут.",
        EN: "I was removed from the chat “{title}”, so it is no longer linked to the team "
        "“{team}”. Reminders will not go there.",
    },
    # --- settings --------------------------------------------------------------------
    "ppl_zone": {RU: "{zone} ({label}), сейчас {time}", EN: "{zone} ({label}), now {time}"},
    "ppl_tz_current": {RU: "Ваш часовой пояс: {zone}.", EN: "Your time zone: {zone}."},
    "ppl_tz_current_default": {
        RU: "Часовой пояс не выбран — действует пояс команды: {zone}.",
        EN: "No time zone chosen — the team's applies: {zone}.",
    },
    "ppl_tz_choose": {
        RU: "Выберите город или напишите: /tz Новосибирск, /tz Europe/Berlin, /tz +5",
        EN: "Pick a city or type: /tz Novosibirsk, /tz Europe/Berlin, /tz +5",
    },
    "ppl_tz_set": {RU: "Часовой пояс: {zone}.", EN: "Time zone: {zone}."},
    "ppl_tz_reset": {
        RU: "Личный пояс сброшен, действует пояс команды: {zone}.",
        EN: "Personal time zone cleared; the team's applies: {zone}.",
    },
    "ppl_tz_bad": {
        RU: "Не знаю пояс «{text}». Примеры: /tz Новосибирск, /tz Europe/Berlin, /tz +5, "
        "/tz МСК+4 — или /tz без слов для кнопок.",
        EN: "Unknown time zone “{text}”. Examples: /tz Novosibirsk, /tz Europe/Berlin, "
        "/tz +5, /tz MSK+4 — or just /tz for buttons.",
    },
    "ppl_quiet_current": {
        RU: "Тихие часы: {quiet} — в это время напоминания ждут (кроме срочных). "
        "Изменить: /quiet 23:00-07:00, отключить: /quiet off",
        EN: "Quiet hours: {quiet} — reminders wait meanwhile (except urgent ones). "
        "Change: /quiet 23:00-07:00, turn off: /quiet off",
    },
    "ppl_quiet_team": {
        RU: "Личных тихих часов нет; действуют часы команды «{team}»: {quiet}. "
        "Свои: /quiet 23:00-07:00",
        EN: "No personal quiet hours; the team “{team}” uses {quiet}. Your own: /quiet 23:00-07:00",
    },
    "ppl_quiet_none": {
        RU: "Тихие часы не заданы. Задать: /quiet 22:00-08:00",
        EN: "No quiet hours set. Set them: /quiet 22:00-08:00",
    },
    "ppl_quiet_none_short": {RU: "не заданы", EN: "not set"},
    "ppl_quiet_set": {
        RU: "Тихие часы: {quiet}. В это время напоминания подождут до утра (кроме срочных).",
        EN: "Quiet hours: {quiet}. Reminders will wait until they end (except urgent ones).",
    },
    "ppl_quiet_off": {RU: "Тихие часы отключены.", EN: "Quiet hours are off."},
    "ppl_quiet_bad": {
        RU: "Не понял «{text}». Пример: /quiet 22:00-08:00 (часы 00–23, минуты 00–59), "
        "отключить: /quiet off",
        EN: "I did not understand “{text}”. Example: /quiet 22:00-08:00 (hours 00–23, "
        "minutes 00–59); turn off: /quiet off",
    },
    "ppl_teamtz_current": {
        RU: "Пояс команды «{team}»: {zone}. Изменить: /teamtz Новосибирск",
        EN: "Time zone of the team “{team}”: {zone}. Change: /teamtz Novosibirsk",
    },
    "ppl_teamtz_set": {
        RU: "Пояс команды «{team}»: {zone}.",
        EN: "Time zone of the team “{team}”: {zone}.",
    },
    "ppl_teamquiet_current": {
        RU: "Тихие часы команды «{team}»: {quiet}. Изменить: /teamquiet 22:00-08:00",
        EN: "Quiet hours of the team “{team}”: {quiet}. Change: /teamquiet 22:00-08:00",
    },
    "ppl_teamquiet_set": {
        RU: "Тихие часы команды «{team}»: {quiet}.",
        EN: "Quiet hours of the team “{team}”: {quiet}.",
    },
    # --- /shortnotice: a step whose time passed before its event was made (issue 15) ---
    "ppl_help_shortnotice": {
        RU: "напоминания, время которых прошло до создания события: прислать или пропустить",
        EN: "reminders whose time passed before the event was made: send or skip",
    },
    "ppl_sn_current": {
        RU: "Команда «{team}»: если событие создано позже, чем должно было прийти одно из "
        "его напоминаний (например, «за 1 день» для события завтра утром), это напоминание "
        "{current}.\nИзменить: /shortnotice прислать | пропустить",
        EN: "Team “{team}”: when an event is made after one of its reminders was due (say "
        "“1 day before” an event tomorrow morning), that reminder {current}.\n"
        "Change: /shortnotice send | skip",
    },
    "ppl_sn_send": {
        RU: "приходит сразу, с пометкой, что событие назначено меньше чем за это время",
        EN: "comes at once, saying the event was scheduled at shorter notice",
    },
    "ppl_sn_skip": {
        RU: "пропускается (придут только следующие напоминания)",
        EN: "is skipped (only the later reminders come)",
    },
    "ppl_sn_set": {
        RU: "Готово. Команда «{team}»: такое напоминание {current}.",
        EN: "Done. Team “{team}”: such a reminder {current}.",
    },
    "ppl_sn_usage": {
        RU: "Напишите /shortnotice прислать или /shortnotice пропустить.",
        EN: "Write /shortnotice send or /shortnotice skip.",
    },
    "ppl_sn_button_send": {RU: "📨 Присылать сразу", EN: "📨 Send at once"},
    "ppl_sn_button_skip": {RU: "⏭ Пропускать", EN: "⏭ Skip"},
    "ppl_me_no_team": {
        RU: "Вы пока не в команде: /team Название или ссылка-приглашение.",
        EN: "Not in a team yet: /team Name or an invite link.",
    },
    "ppl_me_groups": {RU: "группы: {names}", EN: "groups: {names}"},
    "ppl_me_tags": {RU: "теги: {names}", EN: "tags: {names}"},
    "ppl_me_tz": {RU: "🕒 Часовой пояс: {zone}", EN: "🕒 Time zone: {zone}"},
    "ppl_me_tz_default": {
        RU: "🕒 Часовой пояс (как у команды): {zone}",
        EN: "🕒 Time zone (the team's): {zone}",
    },
    "ppl_me_quiet": {RU: "🌙 Тихие часы: {quiet}", EN: "🌙 Quiet hours: {quiet}"},
    "ppl_me_quiet_team": {
        RU: "🌙 Тихие часы (как у команды): {quiet}",
        EN: "🌙 Quiet hours (the team's): {quiet}",
    },
    "ppl_me_lang": {RU: "🌐 Язык: {language}", EN: "🌐 Language: {language}"},
    "ppl_me_footer": {
        RU: "Изменить: /tz, /quiet, /lang · команды: /teams",
        EN: "Change: /tz, /quiet, /lang · teams: /teams",
    },
}

add_texts(TEXTS)
