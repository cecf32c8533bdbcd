"""Webhook mode checks its public URL at start-up: MAX posts only over HTTPS to port 443
of an address it can reach, and `maxremind run` says what is wrong in one line."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from maxremind.config import webhook_url_problem

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
