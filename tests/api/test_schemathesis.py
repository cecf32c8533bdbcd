"""Schemathesis over ``/api/openapi.json`` against the in-process app: for every
operation, generated requests (signed in with the owner's API token, path ids pointing
at real teams, members, groups, tags, events and dates) get no 5xx and only answers the
document allows — status, content type and body schema.

Schemathesis drives an ASGI app from its own event-loop thread; the app below builds the
real world (emulator, SQLite, services, seeded teams) in its lifespan, in that loop.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from maxremind.app import build_client, build_engine, build_services
from maxremind.core.keys import load_signer
from maxremind.domain.models import AudienceEntry, AudienceKind, NewEvent, ReminderSpec
from maxremind.http.app import WebContext, create_web_app
from maxremind.http.web.visit import WebSettings
from maxremind.intake.inbox import Inbox
from maxremind.maxapi.models import Update
from maxremind.services.access import AccessService
from maxremind.storage import open_storage
from tests.harness import TOKEN, product_settings, running_emulator
from tests.web.conftest import BASE, IDS, seed

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25  # per operation; ~35 operations stay well under a minute


class World:
    """The product's web app, built in the lifespan (in schemathesis's event loop)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.app: Any = None
        self.secret = ""
        self.ids: dict[str, int] = {}
        self._stack = AsyncExitStack()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        await receive()
        try:
            await self._start()
        except BaseException:
            await self._stack.aclose()  # in this loop, not at garbage collection
            raise
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await self._stack.aclose()
        await send({"type": "lifespan.shutdown.complete"})

    async def _start(self) -> None:
        enter = self._stack.enter_async_context
        _, api_url = await enter(running_emulator())
        config = product_settings(api_url, self.data_dir)
        storage = await enter(open_storage(config.database_url))
        client = await enter(build_client(config))
        engine = build_engine(storage, client, await load_signer(storage), config)
        access = await AccessService.create(storage, bot_token=TOKEN)
        services = build_services(storage, engine, client, access=access)

        async def feed(update: Update) -> None:
            return None

        context = WebContext(
            storage=storage,
            inbox=Inbox(storage, feed),
            bot_name="Напоминалка",
            bot_username="remind_bot",
            mode="polling",
            webhook_secret="",
            max_check=client.get_me,
            services=services,
            web=WebSettings(web_url=BASE, bot_username="remind_bot", version="test"),
        )
        team, _ = await seed(services)
        owner = IDS["owner"]
        group = await services.people.create_group(team.id, owner, "Водители")
        await services.people.add_to_group(team.id, owner, group.id, [IDS["member"]])
        tag, _, _ = await services.people.tag(team.id, owner, "водитель", [IDS["member"]])
        tomorrow = datetime.now(UTC) + timedelta(days=1)
        event = await services.events.create(
            NewEvent(
                team_id=team.id,
                organizer_id=owner,
                title="Планёрка",
                start_local=tomorrow.replace(tzinfo=None, hour=10, minute=0, microsecond=0),
                timezone="Europe/Moscow",
                rrule="FREQ=DAILY",
                audience=(AudienceEntry(AudienceKind.TEAM),),
                reminders=(ReminderSpec(offset=timedelta(hours=1)),),
                confirm_required=True,
            )
        )
        occurrence = (await services.agenda.future_occurrences(event.id))[0]
        _, self.secret = await access.create_api_token(owner, team.id, "schemathesis")
        self.ids = {
            "team_id": team.id,
            "user_id": IDS["member"],
            "group_id": group.id,
            "tag_id": tag.id,
            "event_id": event.id,
            "occurrence_id": occurrence.id,
        }
        self.app = create_web_app(context)


def _destructive_last(operation: Any) -> tuple[int, str]:
    """What destroys the seeded ids goes last: cancelling a date, then the event, then
    deleting; everything else first."""
    if operation.method.upper() == "DELETE":
        return 3, operation.label
    if operation.path.endswith("/occurrences/{occurrence_id}/cancel"):
        return 1, operation.label
    if operation.path.endswith("/cancel"):
        return 2, operation.label
    return 0, operation.label


@pytest.mark.timeout(120)
def test_generated_requests_get_documented_answers(tmp_path: Path) -> None:
    world = World(tmp_path)
    started = time.monotonic()
    try:
        schema = schemathesis.openapi.from_asgi("/api/openapi.json", world)
        results = list(schema.get_all_operations())
        assert all(isinstance(result, Ok) for result in results)
        operations = sorted(
            (result.ok() for result in results if isinstance(result, Ok)), key=_destructive_last
        )
        assert len(operations) >= 30
        headers = {"Authorization": f"Bearer {world.secret}"}
        seen: dict[str, set[int]] = {}
        for operation in operations:
            names = {p.name for p in operation.path_parameters}
            path = {name: value for name, value in world.ids.items() if name in names}

            @given(case=operation.as_strategy(path_parameters=path))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)
                seen.setdefault(case.operation.label, set()).add(response.status_code)

            run()
    finally:
        asgi.shutdown_lifespans()
    assert time.monotonic() - started < 90
    # Not only refusals: most operations were also carried out.
    succeeded = [label for label, codes in seen.items() if any(c < 300 for c in codes)]
    assert len(succeeded) >= len(operations) * 2 // 3, sorted(seen.items())
