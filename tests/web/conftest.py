"""The web UI and API in-process: the real app over httpx's ASGI transport, real services
on a real SQLite file, the MAX emulator over real HTTP behind the client.

``web`` seeds two teams: team A with one person per role and team B owned by someone
else; ``web.client("owner")`` is a browser signed in through a real one-time link (the
same POST a person's browser makes), ``web.api("owner")`` carries a personal API token.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from maxremind.app import build_client, build_engine, build_services
from maxremind.core.keys import load_signer
from maxremind.domain.models import Language, Role, Team
from maxremind.http.app import WebContext, create_web_app
from maxremind.http.web.visit import WebSettings
from maxremind.intake.inbox import Inbox
from maxremind.maxapi.models import Update
from maxremind.services.access import AccessService
from maxremind.services.bundle import AppServices
from maxremind.storage import Storage, open_storage
from tests.harness import TOKEN, product_settings, running_emulator

BASE = "http://testserver"
ROLES = ("owner", "admin", "organizer", "member")
IDS = {
    "owner": 1001,
    "admin": 1002,
    "organizer": 1003,
    "member": 1004,
    "outsider": 1005,  # in no team
    "other_owner": 1006,  # owns team B only
}
NAMES = {
    "owner": "Ольга Владелец",
    "admin": "Антон Админ",
    "organizer": "Ирина Организатор",
    "member": "Мария Участник",
    "outsider": "Олег Посторонний",
    "other_owner": "Борис Другой",
}
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


class Browser(httpx.AsyncClient):
    """A signed-in browser: keeps the session cookie and knows the page's CSRF token."""

    csrf: str = ""

    async def post_form(
        self, url: str, data: dict[str, Any] | None = None, **kw: Any
    ) -> httpx.Response:
        """A form post as the page makes it (CSRF field and same-origin header included)."""
        fields = {"csrf": self.csrf, **(data or {})}
        headers = {"origin": BASE, **kw.pop("headers", {})}
        return await self.post(url, data=fields, headers=headers, **kw)

    async def send_json(self, method: str, url: str, body: Any = None) -> httpx.Response:
        """What app.js does: JSON with the CSRF header."""
        headers = {"x-csrf-token": self.csrf, "origin": BASE}
        return await self.request(method, url, json=body, headers=headers)


@dataclass
class WebWorld:
    app: Any
    services: AppServices
    storage: Storage
    team: Team  # team A: every role
    other_team: Team  # team B: owned by other_owner
    ids: dict[str, int] = field(default_factory=lambda: dict(IDS))
    _clients: list[httpx.AsyncClient] = field(default_factory=list)

    def anonymous(self) -> Browser:
        client = Browser(transport=httpx.ASGITransport(app=self.app), base_url=BASE)
        self._clients.append(client)
        return client

    async def client(self, who: str) -> Browser:
        """A browser signed in as ``who`` through a one-time link (POST /login)."""
        browser = self.anonymous()
        token = await self.services.access.login_link(self.ids[who])
        answer = await browser.post(
            "/login", data={"token": token, "next": "/"}, headers={"origin": BASE}
        )
        assert answer.status_code == 303, answer.text
        page = await browser.get("/login")  # any page carries the session's CSRF token
        found = _CSRF.search(page.text)
        assert found, "a signed-in page must carry the CSRF meta tag"
        browser.csrf = found.group(1)
        return browser

    async def api(self, who: str, team: Team | None = None) -> httpx.AsyncClient:
        """An API client with a personal token of ``who`` for ``team`` (default team A)."""
        _, secret = await self.services.access.create_api_token(
            self.ids[who], (team or self.team).id, "tests"
        )
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url=BASE,
            headers={"authorization": f"Bearer {secret}"},
        )
        self._clients.append(client)
        return client

    async def close(self) -> None:
        for client in self._clients:
            await client.aclose()


async def seed(services: AppServices) -> tuple[Team, Team]:
    for who, user_id in IDS.items():
        await services.users.remember(user_id, name=NAMES[who], username=who, language=Language.RU)
    team = await services.people.create_team(
        IDS["owner"], "Отдел продаж", timezone="Europe/Moscow", language=Language.RU
    )
    invite = await services.people.create_invite(team.id, IDS["owner"])
    for who in ("admin", "organizer", "member"):
        await services.people.join(IDS[who], invite.code)
    await services.people.set_role(team.id, IDS["owner"], IDS["admin"], Role.ADMIN)
    await services.people.set_role(team.id, IDS["owner"], IDS["organizer"], Role.ORGANIZER)
    other = await services.people.create_team(
        IDS["other_owner"], "Другая команда", timezone="Asia/Yekaterinburg", language=Language.RU
    )
    return team, other


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[WebWorld]:
    async with running_emulator() as (_, api_url):
        settings = product_settings(api_url, tmp_path, admin_ids=str(IDS["owner"]))
        async with open_storage(settings.database_url) as storage, build_client(settings) as client:
            signer = await load_signer(storage)
            engine = build_engine(storage, client, signer, settings)
            access = await AccessService.create(storage, bot_token=TOKEN)
            services = build_services(storage, engine, client, access=access, settings=settings)

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
                web=WebSettings(
                    web_url=BASE,
                    bot_username="remind_bot",
                    admin_ids=frozenset({IDS["owner"]}),
                    version="test",
                ),
            )
            team, other = await seed(services)
            world = WebWorld(create_web_app(context), services, storage, team, other)
            try:
                yield world
            finally:
                await world.close()
