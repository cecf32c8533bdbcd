"""Mini-apps: the address registered for the bot and launching it as MAX does.

In real MAX the bot's owner registers the mini-app's URL in MAX's partner platform; an
``open_app`` button (``web_app`` = the bot's username or link, or ``contact_id`` = its id)
then opens that URL in a webview with the launch data in the fragment:
``#WebAppData=<url-encoded init data>&WebAppPlatform=<platform>&WebAppVersion=<v>``.
The init data is signed with the bot's token (the algorithm is in
``maxremind.domain.webapp``), so the product can trust who opened it.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from maxremind.domain.webapp import sign_init_data
from maxremind.emulator.models import BadRequest, EmulatorError, User

PLATFORM = "web"
# What the emulated client reports as WebAppVersion (real MAX sends its app version).
VERSION = "25.12.0"
BOT_LINK_HOSTS = {"max.ru", "www.max.ru"}
MAX_URL = 2048


class MiniAppNotRegistered(EmulatorError):
    status = 404
    code = "miniapp.not.registered"


def check_url(url: str) -> str:
    """The address to register: absolute http(s), no fragment (MAX adds its own).

    Real MAX wants https; the emulator also takes http so a local product can be used.
    """
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise BadRequest(f"mini-app URL must be an absolute http(s) URL, not {url!r}")
    if parts.fragment:
        raise BadRequest("mini-app URL must not have a #fragment: MAX puts the launch data there")
    if len(url) > MAX_URL:
        raise BadRequest(f"mini-app URL is longer than {MAX_URL} characters")
    return url


def names_bot(web_app: str | None, contact_id: int | None, bot: User) -> bool:
    """Whether an open_app button's target is this bot (by username, link or id)."""
    if contact_id is not None:
        return contact_id == bot.user_id
    if web_app is None:
        return False
    name = web_app.strip()
    if "://" in name or name.startswith(("max.ru/", "www.max.ru/")):
        parts = urlsplit(name if "://" in name else f"https://{name}")
        if parts.hostname not in BOT_LINK_HOSTS:
            return False
        name = parts.path.strip("/")
    return name.removeprefix("@").lower() == (bot.username or "").lower()


@dataclass(frozen=True)
class Launch:
    """One opening of the mini-app: the URL the webview loads and what was signed."""

    url: str
    init_data: str
    fields: dict[str, str]


def launch(
    app_url: str,
    bot_token: str,
    user: User,
    *,
    auth_date: int,
    payload: str | None = None,
    chat: dict[str, object] | None = None,
) -> Launch:
    """The URL MAX would open for ``user``: ``app_url`` with signed launch data."""
    fields = {
        "query_id": secrets.token_urlsafe(16),
        "auth_date": str(auth_date),
        "user": _json(
            {
                "id": user.user_id,
                "first_name": user.first_name,
                "last_name": user.last_name or "",
                "username": user.username or "",
                "language_code": user.locale,
            }
        ),
    }
    if payload:
        fields["start_param"] = payload
    if chat is not None:
        fields["chat"] = _json(chat)
    init_data = sign_init_data(fields, bot_token)
    fragment = (
        f"WebAppData={quote(init_data, safe='')}&WebAppPlatform={PLATFORM}&WebAppVersion={VERSION}"
    )
    parts = urlsplit(app_url)
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, fragment))
    return Launch(url, init_data, fields)


def _json(value: dict[str, object]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
