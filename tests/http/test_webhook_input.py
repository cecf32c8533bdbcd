"""The webhook refuses bad input with a clear JSON error and stores nothing from it."""

from __future__ import annotations

import asyncio
import json

import httpx

from maxremind.http.app import create_web_app
from maxremind.http.server import serve_app
from maxremind.intake.webhook import MAX_BODY, WEBHOOK_PATH
from maxremind.storage import Storage
from tests.http.conftest import SECRET, MakeContext

UPDATE = {"update_type": "something_new", "timestamp": 1700000000000}
JSON = {"X-Max-Bot-Api-Secret": SECRET, "Content-Type": "application/json"}


async def _pending(storage: Storage) -> int:
    return len(await storage.inbox_pending(100))


async def _post(
    make_context: MakeContext, content: bytes, headers: dict[str, str]
) -> httpx.Response:
    app = create_web_app(make_context())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.post(WEBHOOK_PATH, content=content, headers=headers)


async def _raw_exchange(url: str, head: bytes, body_chunks: list[bytes]) -> bytes:
    """Sends ``head`` and the chunks over one socket, then reads what the server says."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(head)
        for chunk in body_chunks:
            writer.write(chunk)
            try:
                await writer.drain()
            except ConnectionError:  # the server answered and closed while we still sent
                break
        return await asyncio.wait_for(reader.read(65536), 5)
    finally:
        writer.close()


async def test_deeply_nested_json_is_refused_not_a_server_error(
    make_context: MakeContext, storage: Storage
) -> None:
    for depth in (100_000, 200):
        nested = "[" * depth + "]" * depth
        body = f'{{"update_type": "something_new", "timestamp": 1, "x": {nested}}}'.encode()
        answer = await _post(make_context, body, JSON)
        assert answer.status_code == 400, (depth, answer.text)
        assert answer.json()["ok"] is False and "nested" in answer.json()["error"]
    assert await _pending(storage) == 0


async def test_only_json_content_types_are_accepted(
    make_context: MakeContext, storage: Storage
) -> None:
    body = json.dumps(UPDATE).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", ""):
        headers = {"X-Max-Bot-Api-Secret": SECRET, "Content-Type": content_type}
        answer = await _post(make_context, body, headers)
        assert answer.status_code == 415, content_type
        assert answer.json() == {"ok": False, "error": "Content-Type must be application/json"}
    assert await _pending(storage) == 0
    headers = {"X-Max-Bot-Api-Secret": SECRET, "Content-Type": "Application/JSON; charset=utf-8"}
    assert (await _post(make_context, body, headers)).status_code == 200
    assert await _pending(storage) == 1


async def test_oversized_content_length_is_refused_before_the_body_is_sent(
    make_context: MakeContext, storage: Storage
) -> None:
    async with serve_app(create_web_app(make_context())) as url:
        head = (
            f"POST {WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"X-Max-Bot-Api-Secret: {SECRET}\r\nContent-Length: {MAX_BODY + 1}\r\n\r\n"
        ).encode()
        answer = await _raw_exchange(url, head, [])  # no body at all: must not wait for it
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b'"ok":false' in answer
    assert await _pending(storage) == 0


async def test_chunked_body_is_cut_off_at_the_limit(
    make_context: MakeContext, storage: Storage
) -> None:
    piece = b"x" * 100_000
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    chunks = [chunk] * (MAX_BODY // len(piece) + 2)  # over the limit, never terminated
    async with serve_app(create_web_app(make_context())) as url:
        head = (
            f"POST {WEBHOOK_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"X-Max-Bot-Api-Secret: {SECRET}\r\nTransfer-Encoding: chunked\r\n\r\n"
        ).encode()
        answer = await _raw_exchange(url, head, chunks)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert await _pending(storage) == 0


async def test_a_good_update_after_bad_ones_is_stored_once(
    make_context: MakeContext, storage: Storage
) -> None:
    async with serve_app(create_web_app(make_context())) as url, httpx.AsyncClient() as http:
        hook = url + WEBHOOK_PATH
        nested = b'{"update_type": "x", "a": ' + b"[" * 5000 + b"]" * 5000 + b"}"
        assert (await http.post(hook, content=nested, headers=JSON)).status_code == 400
        assert (
            await http.post(hook, json=UPDATE, headers={"X-Max-Bot-Api-Secret": SECRET})
        ).status_code == 200
    assert await _pending(storage) == 1
