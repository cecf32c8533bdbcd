"""What copy-data shows: progress while it works, the verification report at the end."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TextIO


class Progress(Protocol):
    """Told how far the copy or the verification is (rows of all tables)."""

    def start(self, phase: str, total: int, done: int = 0) -> None: ...

    def advance(self, rows: int, table: str) -> None:
        """``rows`` more are done (a batch committed, or read and hashed)."""
        ...

    def finish(self) -> None: ...


class Silent:
    def start(self, phase: str, total: int, done: int = 0) -> None:
        pass

    def advance(self, rows: int, table: str) -> None:
        pass

    def finish(self) -> None:
        pass


class ProgressBar:
    """Progress on a stream: a bar redrawn in place on a terminal; elsewhere (a log, a
    pipe) a plain line every ``every`` seconds and one at the end of each phase."""

    WIDTH = 30

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        tty: bool | None = None,
        every: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.every = 0.1 if self.tty else every
        self.clock = clock
        self.phase = ""
        self.total = self.done = 0
        self.table = ""
        self._started = self._shown = 0.0
        self._drawn = 0  # length of the bar's last line, to blank what a shorter one leaves

    def start(self, phase: str, total: int, done: int = 0) -> None:
        self.phase, self.total, self.done, self.table = phase, total, done, ""
        self._started = self._shown = self.clock()
        self._drawn = 0
        if self.tty:
            self._draw()

    def advance(self, rows: int, table: str) -> None:
        self.done += rows
        self.table = table
        if self.clock() - self._shown >= self.every:
            self._draw()

    def finish(self) -> None:
        self.table = ""
        self._draw(final=True)

    def _draw(self, *, final: bool = False) -> None:
        self._shown = now = self.clock()
        share = self.done / self.total if self.total else 1.0
        if self.tty:
            filled = min(round(share * self.WIDTH), self.WIDTH)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            line = f"{self.phase:<9} [{bar}] {share:>4.0%}  {self.done:,}/{self.total:,}"
            line += f"  {self.table}" if self.table else ""
            if final:
                line += f"  {now - self._started:.1f} s"
            pad = " " * max(self._drawn - len(line), 0)
            self._drawn = len(line)
            self.stream.write("\r" + line + pad + ("\n" if final else ""))
        else:
            counts = f"{self.done:,} of {self.total:,} rows ({share:.0%})"
            tail = f" in {now - self._started:.1f} s" if final else f", now {self.table}"
            self.stream.write(f"{self.phase}: {counts}{tail}\n")
        self.stream.flush()


@dataclass(frozen=True)
class TableCheck:
    """One table verified: its rows and digest on each side."""

    table: str
    source_rows: int
    target_rows: int
    source_digest: str
    target_digest: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_digest == self.target_digest


@dataclass(frozen=True)
class CopyReport:
    tables: tuple[TableCheck, ...]
    copied: int = 0  # rows this run wrote (a resumed copy wrote the rest before)
    resumed: bool = False
    seconds: float = 0.0
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    def lines(self) -> list[str]:
        """The report: a line per table (rows, the first 16 hex digits of its checksum,
        ok or MISMATCH), then the verdict."""
        width = max([len("table"), *(len(t.table) for t in self.tables)])
        out = [f"{'table':<{width}}  {'rows':>10}  checksum"]
        for t in self.tables:
            rows = f"{t.source_rows:,}"
            if t.target_rows != t.source_rows:
                rows = f"{t.source_rows:,} -> {t.target_rows:,}"
            if t.ok:
                out.append(f"{t.table:<{width}}  {rows:>10}  {t.source_digest[:16]}  ok")
            else:
                digests = f"{t.source_digest[:16]} -> {t.target_digest[:16]}"
                out.append(f"{t.table:<{width}}  {rows:>10}  {digests}  MISMATCH")
        out.extend(self.notes)
        bad = [t.table for t in self.tables if not t.ok]
        if bad:
            out.append(
                f"verification FAILED: {len(bad)} of {len(self.tables)} tables differ "
                f"({', '.join(bad)})"
            )
        else:
            total = sum(t.source_rows for t in self.tables)
            out.append(
                f"verified: {len(self.tables)} tables, {total:,} rows, row counts and "
                f"checksums equal ({self.seconds:.1f} s)"
            )
        return out
