"""Webhook mode checks its public URL at start-up: MAX posts only over HTTPS to port 443
of an address it can reach, and `maxremind run` says what is wrong in one line."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from maxremind.config import webhook_url_problem
from maxremind.intake.webhook_check import public_url_problem
from tests.harness import free_port, product_settings, running_emulator, running_product, wait_for

BAD = [
    ("http://remind.example.org", "must start with https://"),
    ("https://remind.example.org:8443", "names port 8443, but MAX posts webhooks only to port 443"),
    ("https://127.0.0.1", "127.0.0.1 is a private address MAX cannot reach"),
    ("https://192.168.1.20", "private address"),
    ("https://localhost", "localhost is not a public name"),
    ("https://remind.example.org/?x=1", "no user, query or fragment"),
]


@pytest.mark.parametrize(("url", "why"), BAD)
def test_what_is_wrong_with_a_webhook_url(url: str, why: str) -> None:
    problem = webhook_url_problem(url)
    assert problem is not None and why in problem
    if "https://" in why or "443" in why:
        assert "docs/self-hosting.md" in problem  # and it says how to fix it


@pytest.mark.parametrize(
    "url",
    ["https://remind.example.org", "https://remind.example.org:443/bot", "https://8.8.8.8"],
)
def test_good_webhook_urls_pass(url: str) -> None:
    assert webhook_url_problem(url) is None


@pytest.mark.parametrize(("url", "why"), BAD[:3])
async def test_run_refuses_a_bad_public_url_in_one_line(tmp_path: Path, url: str, why: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAXREMIND_")}
    env.update(
        MAXREMIND_TOKEN="test-token-0123456789abcdef",
        MAXREMIND_DATA_DIR=str(tmp_path),
        MAXREMIND_MODE="webhook",
        MAXREMIND_PUBLIC_URL=url,
        MAXREMIND_WEBHOOK_SECRET="hook-secret-123",
        MAXREMIND_API_URL="http://127.0.0.1:9",  # never reached: the check comes first
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "maxremind",
        "run",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    lines = [line for line in err.decode().splitlines() if line.strip()]
    assert proc.returncode == 2, (out, err)
    assert len(lines) == 1, lines
    assert "MAXREMIND_PUBLIC_URL" in lines[0] and why in lines[0]
    assert "Traceback" not in err.decode()


# --- the public URL asked from outside in, as MAX would ---


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (what people try before certbot)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@contextlib.asynccontextmanager
async def https_server(cert: Path, key: Path, status: str, body: bytes) -> AsyncIterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, ssl.SSLError):
            await reader.readuntil(b"\r\n\r\n")
            head = f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            writer.write(head.encode() + body)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"https://127.0.0.1:{port}"


async def test_a_self_signed_certificate_is_named(certificate: tuple[Path, Path]) -> None:
    async with https_server(*certificate, "200 OK", b"ok") as url:
        problem = await public_url_problem(url)
    assert problem is not None
    assert "certificate MAX will refuse" in problem and "self" in problem
    assert "public CA" in problem and "\n" not in problem


async def test_a_trusted_certificate_and_maxremind_behind_it_pass(
    certificate: tuple[Path, Path],
) -> None:
    trusted = ssl.create_default_context(cafile=str(certificate[0]))
    async with https_server(*certificate, "200 OK", b"ok") as url:
        assert await public_url_problem(url, verify=trusted) is None
    async with https_server(*certificate, "404 Not Found", b"nginx") as url:
        problem = await public_url_problem(url, verify=trusted)
    assert problem is not None and "answered 404" in problem


async def test_an_address_nobody_answers_is_said() -> None:
    problem = await public_url_problem(f"https://127.0.0.1:{free_port()}", timeout=3)
    assert problem is not None and "could not reach" in problem


async def test_webhook_mode_warns_at_start_up_when_max_could_not_reach_it(
    tmp_path: Path, certificate: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with (
        https_server(*certificate, "200 OK", b"ok") as public,
        running_emulator(allow_local_http_webhooks=True) as (_, url),
    ):
        port = free_port()
        settings = product_settings(
            url, tmp_path, mode="webhook", web_port=port,
            public_url=public, webhook_secret="hook-secret-123",
        )  # fmt: skip
        # MAX would refuse this address; the emulator's test switch takes loopback ones.
        async with running_product(settings):
            await wait_for(
                lambda: any("certificate MAX will refuse" in r.getMessage() for r in caplog.records),
                what="the warning",
            )  # fmt: skip
    lines = [r for r in caplog.records if "certificate MAX will refuse" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING
