"""HTTP routes besides the Bot API: `/_emulator/...` controls, uploads, the phone page.

The controls act as MAX users (no token: the emulator is a local tool, bind it to
loopback). Errors come back as `{"code", "message"}` like the Bot API's.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import TYPE_CHECKING, Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from maxremind.emulator.bodies import BodyTooLarge, read_body
from maxremind.emulator.limits import FaultConfig
from maxremind.emulator.models import JSON, BadRequest, EmulatorError

if TYPE_CHECKING:
    from maxremind.emulator.app import Emulator

Endpoint = Callable[[Request], Awaitable[Response]]
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _fail(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


async def _json(request: Request) -> JSON:
    try:
        raw = await read_body(request, 100_000)
    except BodyTooLarge as exc:
        raise BadRequest(str(exc)) from exc
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(f"invalid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BadRequest("expected a JSON object")
    return data


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise BadRequest(f"{name} must be an integer")
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise BadRequest(f"{name} must be an integer") from exc


def _str(data: JSON, name: str, default: str | None = None) -> str:
    value = data.get(name, default)
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string")
    return value


def _opt_str(data: JSON, name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise BadRequest(f"{name} must be a string")
    return value


def _guard(handler: Callable[[Request], Awaitable[Any]]) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            result = await handler(request)
        except EmulatorError as exc:
            return _fail(exc.status, exc.code, exc.message)
        except (ValueError, TypeError) as exc:
            return _fail(400, "bad.request", str(exc))
        except LookupError as exc:
            return _fail(404, "not.found", str(exc))
        if isinstance(result, Response):
            return result
        return JSONResponse(result)

    return endpoint


def _control_routes(emu: Emulator) -> list[BaseRoute]:
    world = emu.world

    def uid(request: Request) -> int:
        return _int(request.path_params["user_id"], "user_id")

    def cid(request: Request) -> int:
        return _int(request.path_params["chat_id"], "chat_id")

    async def state(request: Request) -> JSON:
        return {
            "bot": {
                **emu.view_user(world.bot),
                "username": world.bot.username,
                "mini_app_url": emu.mini_app_url,
                "commands": world.commands,
            },
            "users": [emu.view_user(u) for u in emu.list_users()],
            "chats": [emu.view_chat(c) for c in world.chats.values() if c.type != "dialog"],
            "version": world.version,
        }

    async def users(request: Request) -> Any:
        if request.method == "GET":
            return [emu.view_user(u) for u in emu.list_users()]
        data = await _json(request)
        user = emu.create_user(
            _str(data, "name"),
            _opt_str(data, "last_name"),
            _opt_str(data, "username"),
            _str(data, "locale", "ru"),
            _int(data["user_id"], "user_id") if data.get("user_id") is not None else None,
        )
        return JSONResponse(emu.view_user(user), status_code=201)

    async def user(request: Request) -> JSON:
        return emu.dialog_view(uid(request))

    async def start(request: Request) -> JSON:
        data = await _json(request)
        if "link" in data:
            return emu.open_deep_link(uid(request), _str(data, "link"))
        return emu.start_bot(uid(request), _opt_str(data, "payload"))

    async def stop(request: Request) -> JSON:
        return emu.stop_bot(uid(request))

    async def remove_dialog(request: Request) -> list[JSON]:
        return emu.remove_dialog(uid(request))

    async def user_message(request: Request) -> JSON:
        data = await _json(request)
        return emu.view_message(emu.send_message(uid(request), _str(data, "text")))

    async def press(request: Request) -> JSON:
        data = await _json(request)
        callback = emu.press_button(uid(request), _str(data, "mid"), _str(data, "payload"))
        return {"callback_id": callback.callback_id}

    async def chats(request: Request) -> Any:
        if request.method == "GET":
            return [emu.view_chat(c) for c in world.chats.values() if c.type != "dialog"]
        data = await _json(request)
        members = data.get("member_ids") or []
        if not isinstance(members, list):
            raise BadRequest("member_ids must be a list")
        chat = emu.create_chat(
            _str(data, "title"),
            _int(data.get("owner_id"), "owner_id"),
            [_int(m, "member_ids[]") for m in members],
        )
        return JSONResponse(emu.view_chat(chat), status_code=201)

    async def chat(request: Request) -> JSON:
        return emu.chat_view(cid(request))

    async def chat_bot(request: Request) -> JSON:
        if request.method == "DELETE":
            by = _int(request.query_params.get("by_user_id"), "by_user_id")
            return emu.remove_bot_from_chat(cid(request), by)
        data = await _json(request)
        admin = data.get("admin", True)
        with_user = data.get("with_user")
        if not isinstance(admin, bool) or not isinstance(with_user, bool | None):
            raise BadRequest("admin and with_user must be true or false")
        return emu.add_bot_to_chat(
            cid(request), _int(data.get("by_user_id"), "by_user_id"), admin, with_user=with_user
        )

    async def chat_members(request: Request) -> JSON:
        data = await _json(request)
        by = data.get("by_user_id")
        emu.add_chat_member(
            cid(request),
            _int(data.get("user_id"), "user_id"),
            _int(by, "by_user_id") if by is not None else None,
        )
        return emu.view_chat(world.chat(cid(request)))

    async def chat_member(request: Request) -> JSON:
        by = request.query_params.get("by_user_id")
        emu.remove_chat_member(
            cid(request), uid(request), _int(by, "by_user_id") if by is not None else None
        )
        return emu.view_chat(world.chat(cid(request)))

    async def chat_message(request: Request) -> JSON:
        data = await _json(request)
        message = emu.send_chat_message(
            cid(request), _int(data.get("user_id"), "user_id"), _str(data, "text")
        )
        return emu.view_message(message)

    async def mini_app(request: Request) -> JSON:
        if request.method == "PUT":
            emu.register_mini_app(_opt_str(await _json(request), "url"))
        elif request.method == "DELETE":
            emu.register_mini_app(None)
        return {"url": emu.mini_app_url}

    async def mini_app_launch(request: Request) -> JSON:
        data = await _json(request)
        contact = data.get("contact_id")
        chat_id = data.get("chat_id")
        url = emu.launch_mini_app(
            _int(data.get("user_id"), "user_id"),
            _opt_str(data, "payload"),
            web_app=_opt_str(data, "web_app"),
            contact_id=_int(contact, "contact_id") if contact is not None else None,
            chat_id=_int(chat_id, "chat_id") if chat_id is not None else None,
        )
        return {"url": url}

    async def violations(request: Request) -> Any:
        if request.method == "DELETE":
            emu.violations.clear()
            emu.warnings.clear()
            emu.response_violations.clear()
        return {
            "violations": emu.violations,
            "warnings": emu.warnings,
            "response_violations": emu.response_violations,
        }

    async def faults(request: Request) -> JSON:
        if request.method == "PUT":
            emu.set_faults(FaultConfig.from_json(await _json(request)))
        return emu.faults.config.to_json()

    async def stats(request: Request) -> JSON:
        return emu.stats_view()

    async def updates(request: Request) -> JSON:
        if request.method == "POST":
            data = await _json(request)
            kind = _str(data, "update_type")
            return emu.send_other_update(
                kind, **{k: v for k, v in data.items() if k != "update_type"}
            )
        return {"updates": list(emu.update_log)}

    table: list[tuple[str, Callable[[Request], Awaitable[Any]], list[str]]] = [
        ("/state", state, ["GET"]),
        ("/users", users, ["GET", "POST"]),
        ("/users/{user_id}", user, ["GET"]),
        ("/users/{user_id}/start", start, ["POST"]),
        ("/users/{user_id}/stop", stop, ["POST"]),
        ("/users/{user_id}/remove_dialog", remove_dialog, ["POST"]),
        ("/users/{user_id}/messages", user_message, ["POST"]),
        ("/users/{user_id}/press", press, ["POST"]),
        ("/chats", chats, ["GET", "POST"]),
        ("/chats/{chat_id}", chat, ["GET"]),
        ("/chats/{chat_id}/bot", chat_bot, ["POST", "DELETE"]),
        ("/chats/{chat_id}/members", chat_members, ["POST"]),
        ("/chats/{chat_id}/members/{user_id}", chat_member, ["DELETE"]),
        ("/chats/{chat_id}/messages", chat_message, ["POST"]),
        ("/miniapp", mini_app, ["GET", "PUT", "DELETE"]),
        ("/miniapp-launch", mini_app_launch, ["POST"]),
        ("/violations", violations, ["GET", "DELETE"]),
        ("/faults", faults, ["GET", "PUT"]),
        ("/stats", stats, ["GET"]),
        ("/updates", updates, ["GET", "POST"]),
    ]
    return [Route(path, _guard(fn), methods=methods) for path, fn, methods in table]


def _upload_endpoint(emu: Emulator) -> Endpoint:
    async def upload(request: Request) -> Response:
        found = emu.world.uploads.get(request.path_params["upload_id"])
        if found is None or request.query_params.get("sig") != found.secret:
            return _fail(404, "not.found", "Unknown upload URL")
        if found.done:
            return _fail(400, "upload.used", "Each upload URL takes one file")
        try:
            raw = await read_body(request, emu.max_upload_bytes)
        except BodyTooLarge as exc:
            return _fail(400, "file.too.big", str(exc))
        filename, size = "file", len(raw)
        if request.headers.get("content-type", "").startswith("multipart/form-data"):

            async def replay() -> dict[str, Any]:
                return {"type": "http.request", "body": raw, "more_body": False}

            try:
                form = await Request(request.scope, replay).form()
            except Exception as exc:  # malformed multipart comes in many shapes
                return _fail(400, "proto.payload", f"malformed multipart body: {exc}")
            files = [v for v in form.values() if isinstance(v, UploadFile)]
            if not files:
                return _fail(400, "proto.payload", "multipart body has no file part")
            filename = files[0].filename or "file"
            size = len(await files[0].read())
        found.done, found.filename, found.size = True, filename, size
        if found.type == "image":
            return JSONResponse({"photos": {found.upload_id: {"token": found.token}}})
        return JSONResponse({"token": found.token})

    return upload


def _phone_page() -> str:
    return resources.files(__package__).joinpath("static/phone.html").read_text("utf-8")


async def _phone(request: Request) -> Response:
    return HTMLResponse(_phone_page())


async def _no_icon(request: Request) -> Response:
    # Browsers ask for it on their own; it is not a Bot API call, so not a violation.
    return Response(status_code=204)


def routes(emu: Emulator, api_endpoint: Endpoint) -> list[BaseRoute]:
    return [
        Route("/", _phone, methods=["GET"]),
        Route("/phone", _phone, methods=["GET"]),
        Route("/favicon.ico", _no_icon, methods=["GET"]),
        Mount("/_emulator", routes=_control_routes(emu)),
        Route("/_upload/{upload_id}", _upload_endpoint(emu), methods=["POST", "PUT"]),
        Route("/{path:path}", api_endpoint, methods=ALL_METHODS),
    ]
