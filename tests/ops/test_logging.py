"""Debug logs are for operators: no secret from the database or a request header is in them."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from maxremind.logs import QUIET_LOGGERS, setup_logging

SIGNING_SECRET = "signing-secret-6f1d2c9a8b7e"
HEADER_SECRET = "header-token-3a9c7e1f5b2d"

# Runs in its own process: setup_logging rewires the root logger, which must not leak into
# the other tests of this worker, and stderr is then exactly what an operator would see.
_SCRIPT = textwrap.dedent(
    """
    import asyncio, logging, sys, threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    import httpx

    from maxremind.logs import setup_logging
    from maxremind.storage import open_storage

    db_path, signing_secret, header_secret = sys.argv[1:4]
    setup_logging("debug")


    class Ok(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            # Echoed back in a response header: httpcore's debug trace prints those.
            self.send_header("Set-Cookie", "session=" + self.headers["Authorization"])
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass


    async def main():
        async with open_storage(f"sqlite:///{db_path}") as storage:
            await storage.set_value("callback_signing_secret", signing_secret)
            assert await storage.get_value("callback_signing_secret") == signing_secret
        server = HTTPServer(("127.0.0.1", 0), Ok)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/"
        async with httpx.AsyncClient() as client:
            response = await client.get(url, headers={"Authorization": header_secret})
            assert response.status_code == 200
        server.shutdown()
        logging.getLogger("maxremind.test").debug("debug logging is on")


    asyncio.run(main())
    """
)


def test_debug_log_has_no_database_values_or_authorization(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAXREMIND_")}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "m.db"), SIGNING_SECRET, HEADER_SECRET],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    assert "DEBUG   maxremind.test: debug logging is on" in output  # the level really is debug
    assert SIGNING_SECRET not in output
    assert HEADER_SECRET not in output


@pytest.fixture
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("_restore_logging")
@pytest.mark.parametrize("level", ["debug", "info", "warning", "error"])
def test_chatty_libraries_never_go_below_their_floor_nor_the_chosen_level(level: str) -> None:
    setup_logging(level)
    chosen = logging.getLevelName(level.upper())
    assert not logging.getLogger("aiosqlite").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("httpcore.http11").isEnabledFor(logging.DEBUG)
    for name, floor in QUIET_LOGGERS.items():
        effective = logging.getLogger(name).getEffectiveLevel()
        assert effective == max(floor, chosen), name
