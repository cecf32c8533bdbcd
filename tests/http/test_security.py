"""Security headers everywhere; the status page and /metrics open only to who may see them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from maxremind.config import ConfigError, parse_networks
from maxremind.http.app import STATUS_PAGE_PATH, create_web_app
from maxremind.http.server import serve_app
from maxremind.intake.webhook import WEBHOOK_PATH
from tests.http.conftest import MakeContext

OUTSIDE = ("203.0.113.7", 50000)
LOOPBACK = ("127.0.0.1", 50000)
CLOSED_PATHS = (STATUS_PAGE_PATH, "/metrics")


def _client(
    make_context: MakeContext, client: tuple[str, int] = LOOPBACK, **fields: Any
) -> httpx.AsyncClient:
    app = create_web_app(make_context(**fields))
    transport = httpx.ASGITransport(app=app, client=client)
    return httpx.AsyncClient(transport=transport, base_url="http://remind.local")


async def test_every_answer_carries_the_security_headers(make_context: MakeContext) -> None:
    async with _client(make_context) as http:
        answers = [
            await http.get(STATUS_PAGE_PATH),
            await http.get("/healthz"),
            await http.get("/readyz"),
            await http.get("/metrics"),
            await http.get("/static/style.css"),
            await http.get("/no-such-page"),
            await http.post(WEBHOOK_PATH, json={}),
        ]
    async with _client(make_context, OUTSIDE) as http:
        answers.append(await http.get(STATUS_PAGE_PATH))  # the 403 too
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 200, 404, 401, 403]
    for answer in answers:
        csp = answer.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["x-frame-options"] == "DENY"


async def test_page_links_never_come_from_the_host_header(make_context: MakeContext) -> None:
    async with _client(make_context) as http:
        page = await http.get(STATUS_PAGE_PATH, headers={"Host": "evil.example"})
    assert page.status_code == 200
    assert "evil.example" not in page.text
    assert 'href="/static/style.css"' in page.text and 'href="/healthz"' in page.text
    async with _client(make_context, public_url="https://remind.example.org/bot/") as http:
        page = await http.get(STATUS_PAGE_PATH, headers={"Host": "evil.example"})
    assert "evil.example" not in page.text
    assert 'href="https://remind.example.org/bot/static/style.css"' in page.text


async def test_status_page_and_metrics_are_closed_to_other_networks(
    make_context: MakeContext,
) -> None:
    async with _client(make_context, OUTSIDE) as http:
        for path in CLOSED_PATHS:
            answer = await http.get(path)
            assert answer.status_code == 403, path
            assert "MAXREMIND_STATUS_ALLOW" in answer.text
            assert "MAXREMIND_STATUS_TOKEN" in answer.text
            assert "maxremind_" not in answer.text and "Напоминалка" not in answer.text
        # What monitors and MAX need stays reachable.
        assert (await http.get("/healthz")).status_code == 200
        assert (await http.get("/readyz")).status_code == 200
        assert (await http.post(WEBHOOK_PATH, json={})).status_code == 401  # not 403


@pytest.mark.parametrize(
    "proxy_header",
    [
        {"X-Forwarded-For": "127.0.0.1"},
        {"Forwarded": "for=127.0.0.1"},
        {"X-Real-IP": "127.0.0.1"},
    ],
)
async def test_a_request_through_a_proxy_is_not_local(
    make_context: MakeContext, proxy_header: dict[str, str]
) -> None:
    async with _client(make_context, LOOPBACK) as http:
        for path in CLOSED_PATHS:
            assert (await http.get(path, headers=proxy_header)).status_code == 403, path


async def test_the_status_token_opens_from_anywhere(make_context: MakeContext) -> None:
    token = "s3cret-status-token"
    async with _client(make_context, OUTSIDE, status_token=token) as http:
        for path in CLOSED_PATHS:
            good = {"Authorization": f"Bearer {token}", "X-Forwarded-For": "198.51.100.1"}
            assert (await http.get(path, headers=good)).status_code == 200, path
            wrong = {"Authorization": f"Bearer {token}x"}
            assert (await http.get(path, headers=wrong)).status_code == 403, path
            assert (await http.get(path, headers={"Authorization": token})).status_code == 403
    async with _client(make_context, OUTSIDE) as http:  # no token set: none is accepted
        assert (
            await http.get(STATUS_PAGE_PATH, headers={"Authorization": "Bearer "})
        ).status_code == 403


async def test_allowed_networks_come_from_the_setting(make_context: MakeContext) -> None:
    allow = "10.0.0.0/8, 192.168.1.20"
    for client, status in (
        (("10.1.2.3", 1), 200),
        (("192.168.1.20", 1), 200),
        (("192.168.1.21", 1), 403),
        (LOOPBACK, 403),
    ):
        async with _client(make_context, client, status_allow=parse_networks(allow)) as http:
            assert (await http.get(STATUS_PAGE_PATH)).status_code == status, client
    async with _client(make_context, ("::ffff:127.0.0.1", 1)) as http:
        assert (await http.get(STATUS_PAGE_PATH)).status_code == 200  # IPv4 on a dual-stack socket
    async with _client(make_context, ("::1", 1)) as http:
        assert (await http.get("/metrics")).status_code == 200


def test_one_parser_refuses_a_bad_network_naming_the_entry() -> None:
    with pytest.raises(ConfigError, match="'localhost' is not an IP network"):
        parse_networks("127.0.0.1/8,localhost")
    assert parse_networks(" ,::1 ,") == parse_networks("::1/128")


async def test_over_http_a_forwarded_request_is_refused_and_a_direct_one_allowed(
    make_context: MakeContext,
) -> None:
    async with serve_app(create_web_app(make_context())) as url, httpx.AsyncClient() as http:
        assert (await http.get(url + STATUS_PAGE_PATH)).status_code == 200
        forwarded = await http.get(url + "/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
        assert forwarded.status_code == 403
        assert forwarded.headers["x-content-type-options"] == "nosniff"
