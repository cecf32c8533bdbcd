"""The one set of services the composition root builds and hands to every front door:
bot handlers, web pages and the JSON API all reach the data through these objects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from maxremind.services.access import AccessService
from maxremind.services.agenda import AgendaService
from maxremind.services.answers import AnswerService
from maxremind.services.calendar import CalendarService
from maxremind.services.calendar_import import CalendarImport
from maxremind.services.chats import ChatService
from maxremind.services.events import EventService
from maxremind.services.oneliner import TypedEvents
from maxremind.services.teams import TeamService
from maxremind.services.users import UserService

if TYPE_CHECKING:
    from maxremind.services.insights import InsightsService
    from maxremind.services.instance import InstanceService
    from maxremind.services.overview import OverviewService


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
    calendar: CalendarService
    calendar_import: CalendarImport
    # Built (and their modules imported) on first use: only the web pages and the API
    # read the first two, and insights wait for a /stats, a page or a digest, so an
    # instance nobody has asked yet does not carry them (issue 12: idle memory).
    make_overview: Callable[[], OverviewService] = field(repr=False)
    make_instance: Callable[[], InstanceService] = field(repr=False)
    make_insights: Callable[[], InsightsService] = field(repr=False)

    @cached_property
    def overview(self) -> OverviewService:
        return self.make_overview()

    @cached_property
    def instance(self) -> InstanceService:
        return self.make_instance()

    @cached_property
    def insights(self) -> InsightsService:
        return self.make_insights()
