"""The one set of services the composition root builds and hands to every front door:
bot handlers, web pages and the JSON API all reach the data through these objects."""

from __future__ import annotations

from dataclasses import dataclass

from maxremind.services.access import AccessService
from maxremind.services.agenda import AgendaService
from maxremind.services.answers import AnswerService
from maxremind.services.calendar import CalendarService
from maxremind.services.calendar_import import CalendarImport
from maxremind.services.chats import ChatService
from maxremind.services.events import EventService
from maxremind.services.insights import InsightsService
from maxremind.services.instance import InstanceService
from maxremind.services.oneliner import TypedEvents
from maxremind.services.overview import OverviewService
from maxremind.services.teams import TeamService
from maxremind.services.users import UserService


@dataclass(frozen=True)
class AppServices:
    """The only door to the data for the bot, the web pages and the API."""

    people: TeamService
    users: UserService
    chats: ChatService
    agenda: AgendaService
    typed: TypedEvents
    events: EventService
    answers: AnswerService
    access: AccessService
    overview: OverviewService
    instance: InstanceService
    calendar: CalendarService
    calendar_import: CalendarImport
    insights: InsightsService
