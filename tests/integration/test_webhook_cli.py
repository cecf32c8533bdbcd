"""`maxremind webhook list|delete` against the emulator, as an operator would run it."""

from __future__ import annotations

import asyncio
import os
import sys

import httpx

from tests.harness import TOKEN, emulator_process


async def _cli(url: str, *args: str, public_url: str = "") -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAXREMIND_")}
    env.update(MAXREMIND_TOKEN=TOKEN, MAXREMIND_API_URL=url, MAXREMIND_PUBLIC_URL=public_url)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "maxremind",
        "webhook",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode()


async def test_list_and_delete_the_subscription() -> None:
    local = emulator_process("--local-http-webhooks")
    async with local as url, httpx.AsyncClient(base_url=url) as http:
        hook = "http://127.0.0.1:9/max/webhook"
        created = await http.post(
            "/subscriptions",
            json={"url": hook, "secret": "s3cret-value"},
            headers={"Authorization": TOKEN},
        )
        assert created.status_code == 200, created.text
        code, out = await _cli(url, "list")
        assert code == 0 and hook in out
        code, out = await _cli(url, "delete", public_url="http://127.0.0.1:9")
        assert code == 0 and f"deleted {hook}" in out
        listed = await http.get("/subscriptions", headers={"Authorization": TOKEN})
        assert listed.json()["subscriptions"] == []
        code, out = await _cli(url, "delete", public_url="http://127.0.0.1:9")
        assert code == 0 and "nothing to delete" in out


async def test_bad_token_is_one_clear_line_and_nonzero_exit(tmp_path: object) -> None:
    async with emulator_process() as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAXREMIND_")}
        env.update(
            MAXREMIND_TOKEN="wrong-token-123",
            MAXREMIND_API_URL=url,
            MAXREMIND_DATA_DIR=str(tmp_path),
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "maxremind",
            "run",
            "--web-port",
            "0",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 2
        lines = err.decode().strip().splitlines()
        assert (
            lines[-1]
            == "maxremind: MAX refused the bot token (401): check MAXREMIND_TOKEN / MAXREMIND_TOKEN_FILE"
        )
        assert "wrong-token-123" not in out.decode() + err.decode()
