"""Events and reminders in the bot: ``/event``, ``/events``, ``/who``, ``/remind``,
``/notify``, ``/reminders``. The work is in the modules registered here."""

from __future__ import annotations

from maxremind.bot import texts_events  # noqa: F401 - registers this feature's texts
from maxremind.bot.context import Ctx
from maxremind.bot.handlers import (
    audience_pick,
    events_chat,
    events_list,
    reminders,
)
from maxremind.bot.router import Router
from maxremind.domain.models import Role

EVENT_DIALOG = "event"  # the /event dialog's name in the dialog state (events_dialog.py)


# The /event dialog (events_dialog.py, the largest handler module) is imported with its
# first use: an idle instance does not carry it (issue 12, idle memory).


async def event_start(ctx: Ctx) -> None:
    from maxremind.bot.handlers import events_dialog

    await events_dialog.start(ctx)


async def event_text(ctx: Ctx) -> None:
    from maxremind.bot.handlers import events_dialog

    await events_dialog.on_text(ctx)


async def event_button(ctx: Ctx) -> None:
    from maxremind.bot.handlers import events_dialog

    await events_dialog.on_button(ctx)


def register(router: Router) -> None:
    """Register this feature's commands, actions and dialogs."""
    router.command("/event", event_start, help_key="help_event", team_role=Role.ORGANIZER)
    router.dialog(EVENT_DIALOG, event_text)
    router.action("ev", event_button)

    # In a group chat: the linked team's events addressed to everyone there.
    router.command(
        "/events",
        events_chat.anywhere(events_list.list_events),
        help_key="help_events",
        in_chats=True,
    )
    router.action("evv", events_list.view)
    router.action("evp", events_list.events_page)
    router.action("eve", events_list.edit)
    router.action("evc", events_list.cancel_ask)
    router.action("evcy", events_list.cancel_yes)
    router.action("evcn", events_list.cancel_no)
    router.action("evx", events_list.export)
    router.command("/who", events_list.who, help_key="help_who")
    router.action("who", events_list.who_pressed)
    router.action("nudge", events_list.nudge)
    router.action("evr", events_list.roster_visibility)

    router.command("/remind", reminders.remind, help_key="help_remind")
    router.dialog(reminders.DIALOG, reminders.remind_text)
    router.action("rmw", reminders.remind_choice)
    router.command("/notify", reminders.notify, help_key="help_notify", team_role=Role.ORGANIZER)
    router.command("/reminders", reminders.list_reminders, help_key="help_reminders")
    router.action("rmc", reminders.cancel_reminder)
    audience_pick.register(router)
