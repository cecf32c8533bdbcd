"""``maxremind demo``: the MAX emulator and the product together, no token needed."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
import shutil
import signal
import tempfile
from contextlib import AsyncExitStack
from pathlib import Path
from urllib.parse import urlsplit

from maxremind.app import Running, StartupError, serve
from maxremind.config import Settings
from maxremind.datadir import prepare_data_dir
from maxremind.emulator.app import Emulator
from maxremind.emulator.server import serve as serve_emulator

log = logging.getLogger(__name__)


def demo_settings(settings: Settings, *, api_url: str, token: str, data_dir: Path) -> Settings:
    """The user's settings, pointed at the emulator and an embedded SQLite database."""
    return dataclasses.replace(
        settings,
        token=token,
        api_url=api_url,
        data_dir=str(data_dir),
        db_url="",
        redis_url="",
        mode="polling",
        webhook_secret="",
        backup_interval_hours=0.0,  # nothing worth keeping in a demo
        # The phone page shows the mini-app in a frame, like MAX's web client does.
        frame_ancestors=" ".join(filter(None, (settings.frame_ancestors, _origin(api_url)))),
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _banner(emulator_url: str, running: Running, data_dir: Path, temporary: bool) -> str:
    where = "temporary, deleted on exit" if temporary else "kept"
    return (
        "\nmaxremind demo is running / демо запущено\n"
        f"  Phone (MAX emulator) / Телефон:  {emulator_url}/\n"
        f"  Web UI / Веб-интерфейс:          {running.web_url}/\n"
        f"  Bot / Бот:                       @{running.bot.username}\n"
        f"  Mini-app / Мини-приложение:      {running.web_url}/app (/web in the bot)\n"
        f"  Data / Данные:                   {data_dir} ({where})\n"
        "Open the phone page, create a user and press «Start». Ctrl+C stops.\n"
    )


async def run_demo(
    settings: Settings,
    *,
    emulator_port: int,
    data_dir: str | None,
    stop: asyncio.Event | None = None,
) -> int:
    """Run until Ctrl+C/SIGTERM (or ``stop``); returns the exit code."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    temporary = data_dir is None
    folder = (
        Path(tempfile.mkdtemp(prefix="maxremind-demo-"))
        if data_dir is None
        else prepare_data_dir(Path(data_dir))
    )
    token = secrets.token_urlsafe(24)
    emulator = Emulator(token)
    try:
        async with AsyncExitStack() as stack:
            try:
                emulator_url = await stack.enter_async_context(
                    serve_emulator(emulator, settings.web_host, emulator_port)
                )
            except OSError as exc:
                raise StartupError(
                    f"cannot start the emulator on port {emulator_port} ({exc.strerror}); "
                    "choose another with --emulator-port"
                ) from None
            product = demo_settings(settings, api_url=emulator_url, token=token, data_dir=folder)

            def ready(running: Running) -> None:
                # What the bot's owner does in MAX's partner platform: open_app buttons
                # on the phone page then open the product's mini-app page.
                emulator.register_mini_app(f"{running.web_url}/app")
                print(_banner(emulator_url, running, folder, temporary), flush=True)

            await serve(product, stop=stop, on_ready=ready)
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
    return 0
