"""Idle memory of ``maxremind run``: after start-up, after a few bot updates, after the
first page view and after a few more pages.

    python bench/memory.py                       # this interpreter: python -m maxremind
    python bench/memory.py dist/maxremind        # a built executable
    python bench/memory.py /tmp/venv/bin/maxremind   # a product-only install
    python bench/memory.py --runs 1 --idle 3 --env MALLOC_ARENA_MAX=8   # experiments
    python bench/memory.py --stages 1 /tmp/venv/bin/maxremind   # start-up only

The MAX emulator runs as its own process, started from the same command
(``<command> emulator``, a fresh one for each run), so its memory is not counted.  Each
run starts ``<command> run`` on a fresh data folder (SQLite, migrations included) in
long-polling mode against it and reads /proc after ``--idle`` seconds of quiet at each
stage:

1. **start-up**: ``/readyz`` answers 200, nothing else has happened;
2. **bot**: a person starts the bot and sends /help, /team, /remind (an event a day
   ahead, planned by the engine), /events and /web, each answered before the next;
3. **first page**: the sign-in link from /web is redeemed (``POST /login``, the way the
   page does it) and the dashboard it redirects to is loaded;
4. **pages**: the dashboard again, an event for the whole team created through the JSON
   API (with the session and its CSRF token, as the pages' scripts do), then the events
   list, the new-event form, that event's page, people, team settings, the personal
   page, the instance page and two JSON API reads (``/api/v1/teams``,
   ``/api/openapi.json``).

``--idle`` defaults to 12 s because the product hands free C-heap pages back every 10 s
(``maxremind/heap.py``): what is read is the resident memory a quiet process keeps, not
the garbage of the moment before.  A development venv reads higher than a product-only
install: httpx imports its command-line module when click, rich and pygments are
installed, and test tools bring the last two.

Memory is VmRSS of the process that runs the product (a PyInstaller onefile build is a
bootloader and a Python child: the larger of the two), its anonymous and file-backed
parts and its thread count; the whole tree's RSS and PSS too.  The table gives the median
of ``--runs`` runs in MiB and in MB (10^6 bytes: the aim of issue 12 is "≤ 60 MB").

Needs only the standard library, so any Python 3.11 can measure a built executable.
Linux only (reads /proc).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

TOKEN = "bench-memory-token"
USER_ID = 4_200_001
READY_TIMEOUT = 60.0
STAGES = ("start-up", "bot", "first page", "pages")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAXREMIND_")}
    env.update(extra)
    return env


@contextmanager
def started(
    argv: list[str], env: Mapping[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def wait_until(
    check: Callable[[], bool], what: str, proc: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while not check():
        if proc.poll() is not None:
            sys.exit(f"{what}: the process exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            sys.exit(f"{what}: not after {READY_TIMEOUT:.0f} s\n{log.read_text()[-3000:]}")
        time.sleep(0.05)


# --- memory ----------------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            pids += process_tree(int(child))
    return pids


def proc_status(pid: int) -> dict[str, int]:
    wanted = {"VmRSS", "RssAnon", "RssFile", "Threads"}
    found: dict[str, int] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:  # it exited between the listing and now
        return found
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in wanted:
            found[key] = int(rest.split()[0])
    return found


def pss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


@dataclass
class Sample:
    rss: int  # KiB, the product's process
    anon: int
    file: int
    threads: int
    tree_rss: int
    tree_pss: int


def sample(pid: int) -> Sample:
    tree = process_tree(pid)
    # A child that is exiting (a zombie) has no VmRSS line: it holds no memory, leave it out.
    states = {p: state for p in tree if "VmRSS" in (state := proc_status(p))}
    main = max(states, key=lambda p: states[p]["VmRSS"])
    own = states[main]
    return Sample(
        rss=own["VmRSS"],
        anon=own["RssAnon"],
        file=own["RssFile"],
        threads=own["Threads"],
        tree_rss=sum(s["VmRSS"] for s in states.values()),
        tree_pss=sum(pss_kib(p) for p in states),
    )


# --- the emulator and the product --------------------------------------------------------


class Emulator:
    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, path: str, body: object | None = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + "/_emulator" + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def bot_messages(self, user_id: int) -> list[dict[str, object]]:
        dialog = self.call("GET", f"/users/{user_id}")
        assert isinstance(dialog, dict)
        return [m for m in dialog["messages"] if m["from_bot"]]


def say(emu: Emulator, text: str, proc: subprocess.Popen[bytes], log: Path) -> dict[str, object]:
    """Send ``text`` as the person; returns the bot's first answer to it."""
    before = len(emu.bot_messages(USER_ID))
    emu.call("POST", f"/users/{USER_ID}/messages", {"text": text})
    wait_until(lambda: len(emu.bot_messages(USER_ID)) > before, f"answer to {text}", proc, log)
    return emu.bot_messages(USER_ID)[before]


def bot_updates(emu: Emulator, proc: subprocess.Popen[bytes], log: Path) -> str:
    """The bot stage; returns the sign-in link /web answered with."""
    before = len(emu.bot_messages(USER_ID))
    emu.call("POST", f"/users/{USER_ID}/start", {})
    wait_until(lambda: len(emu.bot_messages(USER_ID)) > before, "answer to start", proc, log)
    for text in ("/help", "/team Память", "/remind завтра в 10 проверить память", "/events"):
        say(emu, text, proc, log)
    answer = say(emu, "/web", proc, log)
    rows = answer.get("buttons") or []
    assert isinstance(rows, list)
    for row in rows:
        for button in row:
            if "/login#" in str(button.get("url", "")):
                return str(button["url"])
    sys.exit(f"/web answered without a sign-in link: {answer}")


class Browser:
    """A cookie-keeping client that follows redirects, like a browser without scripts."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        """The page's text."""
        return self.fetch(urllib.request.Request(self.base + path))

    def fetch(self, request: urllib.request.Request) -> str:
        try:
            with self.opener.open(request, timeout=30) as response:
                return str(response.read().decode())
        except urllib.error.HTTPError as exc:
            sys.exit(f"{request.get_method()} {request.full_url}: {exc.code} {exc.read()[:500]!r}")

    def create_event(self, team_id: int, page: str) -> int:
        """An event for the whole team a week ahead, through the JSON API with the
        session and its CSRF token (as the pages' scripts do); returns its id."""
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page)
        if csrf is None:
            sys.exit("no CSRF token on the dashboard")
        start = (datetime.now() + timedelta(days=7)).replace(hour=10, minute=0, second=0)
        body = {
            "title": "Проверка памяти",
            "start_local": start.isoformat(timespec="minutes"),
            "audience": [{"kind": "team"}],
            "reminders": [{"offset_seconds": 3600}],
            "confirm_required": True,
        }
        request = urllib.request.Request(
            f"{self.base}/api/v1/teams/{team_id}/events",
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "X-CSRF-Token": csrf.group(1),
                "Origin": self.base,
            },
        )
        return int(json.loads(self.fetch(request))["id"])

    def sign_in(self, link: str) -> str:
        """Redeems the link as the login page's script does; returns the landing URL."""
        token = link.split("#", 1)[1]
        body = urllib.parse.urlencode({"token": token, "next": "/"}).encode()
        request = urllib.request.Request(
            self.base + "/login",
            data=body,
            headers={"Origin": self.base, "Content-Type": "application/x-www-form-urlencoded"},
        )
        with self.opener.open(request, timeout=30) as response:
            response.read()
            return str(response.url)


def pages(team_id: int, event_id: int) -> list[str]:
    team = f"/t/{team_id}"
    return [
        f"{team}/events",
        f"{team}/events/new",
        f"{team}/events/{event_id}",
        f"{team}/people",
        f"{team}/settings",
        "/me",
        "/instance",
        "/api/v1/teams",
        "/api/openapi.json",
    ]


def one_run(
    command: list[str],
    emu_url: str,
    work: Path,
    idle: float,
    extra: Mapping[str, str],
    stages: int = len(STAGES),
) -> list[Sample]:
    data = Path(tempfile.mkdtemp(dir=work, prefix="data-"))
    port = free_port()
    env = clean_env(
        {
            "MAXREMIND_TOKEN": TOKEN,
            "MAXREMIND_API_URL": emu_url,
            "MAXREMIND_DATA_DIR": str(data),
            "MAXREMIND_WEB_PORT": str(port),
            "MAXREMIND_ADMIN_IDS": str(USER_ID),  # the instance page is for instance admins
            "TMPDIR": str(work),
            **extra,
        }
    )
    log = work / f"run-{port}.log"
    base = f"http://127.0.0.1:{port}"
    emu = Emulator(emu_url)
    samples = []
    with started([*command, "run"], env, log) as proc:
        wait_until(lambda: status(base + "/readyz") == 200, "/readyz", proc, log)
        time.sleep(idle)
        samples.append(sample(proc.pid))
        if stages == 1:
            return samples

        link = bot_updates(emu, proc, log)
        time.sleep(idle)
        samples.append(sample(proc.pid))
        if stages == 2:
            return samples

        browser = Browser(base)
        landed = browser.sign_in(link)
        if "/t/" not in landed:
            sys.exit(f"sign-in landed on {landed}, not a team's dashboard")
        time.sleep(idle)
        samples.append(sample(proc.pid))
        if stages == 3:
            return samples

        team_id = int(landed.split("/t/", 1)[1].split("/", 1)[0])
        event_id = browser.create_event(team_id, browser.get(f"/t/{team_id}/"))
        for path in pages(team_id, event_id):
            browser.get(path)
        time.sleep(idle)
        samples.append(sample(proc.pid))
    return samples


def measured(
    command: list[str], work: Path, idle: float, extra: Mapping[str, str], stages: int
) -> list[Sample]:
    """One run against an emulator of its own (a fresh one: a new product on a fresh
    data folder must not be handed the previous run's updates)."""
    port = free_port()
    log = work / f"emulator-{port}.log"
    argv = [*command, "emulator", "--port", str(port), "--token", TOKEN]
    with started(argv, clean_env({"TMPDIR": str(work)}), log) as emulator:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: status(url + "/") == 200, "emulator", emulator, log)
        Emulator(url).call("POST", "/users", {"name": "Ольга", "user_id": USER_ID})
        return one_run(command, url, work, idle, extra, stages)


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f}"


def mb(kib: float) -> str:
    return f"{kib * 1024 / 1e6:.1f}"


def report(runs: list[list[Sample]], idle: float) -> str:
    lines = [
        f"Idle RSS of `run`, {len(runs)} run(s), median; read {idle:g} s after each stage:",
        "",
        "| stage | RSS MiB | RSS MB | anon / file MiB | threads | tree RSS / PSS MiB"
        " | spread MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for i, stage in enumerate(STAGES[: len(runs[0])]):
        at = [run[i] for run in runs]

        def med(field: str, at: list[Sample] = at) -> float:
            return statistics.median(getattr(s, field) for s in at)

        rss = [s.rss for s in at]
        lines.append(
            f"| {stage} | {mib(med('rss'))} | {mb(med('rss'))} | "
            f"{mib(med('anon'))} / {mib(med('file'))} | {med('threads'):.0f} | "
            f"{mib(med('tree_rss'))} / {mib(med('tree_pss'))} | {mib(max(rss) - min(rss))} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "command",
        nargs="?",
        help="the maxremind executable or wrapper to measure"
        " (default: this interpreter, -m maxremind)",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--idle", type=float, default=12.0, help="seconds of quiet before each reading"
    )
    parser.add_argument(
        "--stages",
        type=int,
        choices=range(1, len(STAGES) + 1),
        default=len(STAGES),
        help="how many of the stages to go through (1: start-up only)",
    )
    parser.add_argument(
        "--env", action="append", default=[], metavar="KEY=VALUE", help="extra environment for run"
    )
    args = parser.parse_args()
    if args.command:
        command = shlex.split(args.command)
        command[0] = str(Path(command[0]).resolve())
    else:
        command = [sys.executable, "-m", "maxremind"]
    extra = dict(item.split("=", 1) for item in args.env)

    with tempfile.TemporaryDirectory(prefix="maxremind-bench-memory-") as tmp:
        runs = [
            measured(command, Path(tmp), args.idle, extra, args.stages) for _ in range(args.runs)
        ]
    print(f"command: {shlex.join(command)} run" + (f" ({' '.join(args.env)})" if args.env else ""))
    print(report(runs, args.idle))
    return 0


if __name__ == "__main__":
    sys.exit(main())
