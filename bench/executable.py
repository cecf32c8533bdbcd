"""Measure a built maxremind executable: size, start-up time to ready, idle memory.

    python bench/executable.py dist/maxremind [--runs 5] [--idle 10]

Builds nothing.  Start-up is timed for a real ``run`` against an emulator started
separately from the same binary (so the emulator's own start is not counted), each time
on a fresh data folder (migrations included), from ``exec`` until ``/readyz`` answers 200;
``demo`` (emulator in-process) is timed too.  Memory is read from /proc after ``--idle``
seconds of the ``run`` instance doing nothing but long polling: a onefile build is two
processes (the bootloader and Python), so the table gives the tree's total as well.
Prints a markdown table.  Linux only.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

READY_TIMEOUT = 60.0
TOKEN = "bench-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


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
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> float:
    """Seconds from now until ``url`` answers 200."""
    begin = time.perf_counter()
    while http_status(url) != 200:
        if proc.poll() is not None:
            sys.exit(f"{proc.args!r} exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
        if time.perf_counter() - begin > READY_TIMEOUT:
            sys.exit(f"{url} not ready after {READY_TIMEOUT:.0f} s")
        time.sleep(0.01)
    return time.perf_counter() - begin


def process_tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            pids += process_tree(int(child))
    return pids


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in KiB; PSS splits shared pages fairly between the tree's processes."""
    rss = pss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key == "Rss":
            rss = int(rest.split()[0])
        elif key == "Pss":
            pss = int(rest.split()[0])
    return rss, pss


def size_of(binary: Path) -> tuple[int, str]:
    bundle = binary.parent / "_internal"
    if bundle.is_dir():  # onedir: the executable is tiny, the folder is what ships
        total = sum(p.stat().st_size for p in binary.parent.rglob("*") if p.is_file())
        return total, "onedir"
    return binary.stat().st_size, "onefile"


@dataclass
class RunResult:
    ready_s: float
    stop_s: float
    exit_code: int


def time_run(
    binary: Path, emulator_url: str, work: Path, idle: float | None
) -> tuple[RunResult, dict[str, int]]:
    """One ``run`` start-up; with ``idle`` seconds given, also its memory after them."""
    data = Path(tempfile.mkdtemp(dir=work, prefix="data-"))
    port = free_port()
    env = clean_env(
        {
            "MAXREMIND_TOKEN": TOKEN,
            "MAXREMIND_API_URL": emulator_url,
            "MAXREMIND_DATA_DIR": str(data),
            "MAXREMIND_WEB_PORT": str(port),
            "TMPDIR": str(work),
        }
    )
    log = work / f"run-{port}.log"
    memory: dict[str, int] = {}
    with started([str(binary), "run"], env, log) as proc:
        ready = wait_ready(proc, f"http://127.0.0.1:{port}/readyz", log)
        if idle is not None:
            time.sleep(idle)
            tree = process_tree(proc.pid)
            per = [memory_kib(pid) for pid in tree]
            memory = {
                "processes": len(tree),
                "main_rss": max(r for r, _ in per),
                "tree_rss": sum(r for r, _ in per),
                "tree_pss": sum(p for _, p in per),
            }
        begin = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(15)
        stop = time.perf_counter() - begin
    return RunResult(ready, stop, code), memory


def time_demo(binary: Path, work: Path) -> float:
    web, emulator = free_port(), free_port()
    env = clean_env({"TMPDIR": str(work)})
    log = work / f"demo-{web}.log"
    argv = [str(binary), "demo", "--web-port", str(web), "--emulator-port", str(emulator)]
    with started(argv, env, log) as proc:
        return wait_ready(proc, f"http://127.0.0.1:{web}/readyz", log)


def fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", type=Path)
    parser.add_argument("--runs", type=int, default=5, help="start-ups to time (default 5)")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds before reading RSS")
    args = parser.parse_args()
    binary = args.binary.resolve()
    if not os.access(binary, os.X_OK):
        sys.exit(f"{binary} is not an executable file")

    size, kind = size_of(binary)
    with tempfile.TemporaryDirectory(prefix="maxremind-bench-") as tmp:
        work = Path(tmp)
        emu_port = free_port()
        emu_argv = [str(binary), "emulator", "--port", str(emu_port), "--token", TOKEN]
        emu_log = work / "emulator.log"
        with started(emu_argv, clean_env({"TMPDIR": str(work)}), emu_log) as emulator:
            emu_url = f"http://127.0.0.1:{emu_port}"
            wait_ready(emulator, emu_url + "/", emu_log)
            runs = [time_run(binary, emu_url, work, None)[0] for _ in range(args.runs)]
            idle_run, memory = time_run(binary, emu_url, work, args.idle)
        demos = [time_demo(binary, work) for _ in range(max(1, args.runs // 2))]

    version = subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    all_runs = [*runs, idle_run]
    exits = sorted({r.exit_code for r in all_runs})
    mib = 1024
    rows = [
        ("build", f"{version}, {kind}, {platform.machine()}, Python {platform.python_version()}"),
        ("file size", f"{size / 1024 / 1024:.1f} MiB"),
        (f"`run` start → /readyz 200 ({len(all_runs)} runs)", fmt([r.ready_s for r in all_runs])),
        (f"`demo` start → /readyz 200 ({len(demos)} runs)", fmt(demos)),
        (f"idle RSS after {args.idle:g} s, Python process", f"{memory['main_rss'] / mib:.1f} MiB"),
        (
            f"idle RSS / PSS, whole tree ({memory['processes']} processes)",
            f"{memory['tree_rss'] / mib:.1f} MiB / {memory['tree_pss'] / mib:.1f} MiB",
        ),
        ("SIGTERM → exit", f"{fmt([r.stop_s for r in all_runs])}, exit codes {exits}"),
    ]
    print("| measure | value |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
