"""The ``maxremind`` command: parse arguments, then hand over to app/ or storage/.

Every failure a user can cause (bad settings, unusable data folder, a database
from a newer version, a damaged file) ends in one line on stderr that says what
is wrong and what to do, and a non-zero exit code.  Nothing is deleted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from maxremind import __version__
from maxremind.config import SETTINGS, ConfigError, Settings, load_settings
from maxremind.datadir import DataDirError, prepare_data_dir
from maxremind.logs import setup_logging

EXIT_CONFIG = 2
EXIT_FAILURE = 1
PRIVATE_UMASK = 0o077


class CommandError(Exception):
    """A failure to report as one line; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code


def _settings_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("settings (override config file and environment)")
    group.add_argument("--config", metavar="FILE", help="TOML config file (also MAXREMIND_CONFIG)")
    for setting in SETTINGS:
        if setting.secret:
            continue  # secrets on the command line leak into `ps`; use env or *_FILE
        group.add_argument(
            setting.flag,
            dest=setting.name,
            metavar=setting.name.upper(),
            help=f"{setting.help} [{setting.env}]",
        )
    return parent


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="maxremind",
        description="MAX Уведомления — reminders and notifications for teams on MAX.",
        epilog="Try it without a MAX token: maxremind demo",
    )
    parser.add_argument("--version", action="version", version=f"maxremind {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    parent = _settings_parent()

    sub.add_parser(
        "run",
        parents=[parent],
        help="run the bot, scheduler and web UI (needs MAXREMIND_TOKEN)",
        description="Start maxremind for a real MAX bot. The token comes from "
        "MAXREMIND_TOKEN or MAXREMIND_TOKEN_FILE. Without a token, try `maxremind demo`.",
    )
    demo = sub.add_parser(
        "demo",
        parents=[parent],
        help="run maxremind with the built-in MAX emulator (no token needed)",
        description="Start the MAX emulator and maxremind together on SQLite. Prints the "
        "address of the emulator's phone page and of the web UI. Data lives in a temporary "
        "folder deleted on exit, unless --data-dir (or MAXREMIND_DATA_DIR) names one.",
    )
    demo.add_argument(
        "--emulator-port", type=int, default=8081, help="port of the emulator (default 8081)"
    )
    emulator = sub.add_parser(
        "emulator",
        help="run only the MAX Bot API emulator",
        description="Serve the MAX Bot API emulator and its phone page. Point "
        "MAXREMIND_API_URL of another maxremind at it.",
    )
    emulator.add_argument("--host", default="127.0.0.1", help="listen address")
    emulator.add_argument("--port", type=int, default=8081, help="listen port (default 8081)")
    emulator.add_argument(
        "--token", default="demo-token", help="the bot token the emulator accepts"
    )
    emulator.add_argument(
        "--no-rate-limits", action="store_true", help="do not answer 429 (for benchmarks)"
    )
    emulator.add_argument(
        "--local-http-webhooks",
        action="store_true",
        help="also take webhook subscriptions to this machine over http or https on any port "
        "(MAX wants https on port 443; for trying webhook mode locally)",
    )
    sub.add_parser(
        "migrate",
        parents=[parent],
        help="apply database migrations and exit",
        description="Create or upgrade the database schema. `run` does this at start-up too.",
    )
    sub.add_parser(
        "check-config",
        parents=[parent],
        help="validate settings and print the effective configuration",
        description="Load settings from all sources, validate them and print the result "
        "(secrets shown only as set / not set). Exit code 2 if anything is wrong.",
    )
    webhook = sub.add_parser(
        "webhook",
        parents=[parent],
        help="manage the MAX webhook subscription",
        description="`list` shows subscriptions; `delete` removes the one for "
        "MAXREMIND_PUBLIC_URL (or all with --all), e.g. to go back to long polling.",
    )
    webhook.add_argument("action", choices=["list", "delete"])
    webhook.add_argument("--all", action="store_true", help="with delete: remove every one")
    backup = sub.add_parser(
        "backup",
        parents=[parent],
        help="write a consistent, verified copy of the SQLite database (safe while running)",
        description="Copy the database with SQLite's online backup API and check the copy with "
        "PRAGMA integrity_check before naming it. FILE may be a folder: the copy is then "
        "maxremind-manual-<UTC time>.db. An existing file is kept unless --force.",
    )
    backup.add_argument("file", metavar="FILE", help="backup file or folder to write")
    backup.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    restore = sub.add_parser(
        "restore",
        parents=[parent],
        help="replace the database with a backup (maxremind must be stopped)",
        description="Verify FILE (integrity, a schema this version knows), then put it in place "
        "of the database; the replaced one is kept as <name>.before-restore-<time>. "
        "Refused while maxremind runs on the same data folder.",
    )
    restore.add_argument("file", metavar="FILE", help="the backup to restore")
    copy = sub.add_parser(
        "copy-data",
        help="copy a SQLite database into an empty PostgreSQL database and verify the copy",
        description="Copy every table of the SQLite database FROM into the PostgreSQL database "
        "TO (migrated first; it must be empty), keeping ids, in batches, then compare row "
        "counts and checksums of every table and print a report; exit code 1 if they differ. "
        "FROM is only read, and maxremind must not be running on it. An interrupted copy "
        "goes on with --resume. See docs/copy-data.md.",
    )
    copy.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="SQLITE_URL",
        help="the database to copy, e.g. sqlite:////var/lib/maxremind/maxremind.db",
    )
    copy.add_argument(
        "--to",
        dest="target",
        required=True,
        metavar="POSTGRES_URL",
        help="the database to fill, e.g. postgresql://maxremind@127.0.0.1:5432/maxremind "
        "(keep the password in ~/.pgpass or PGPASSWORD, not on the command line)",
    )
    how = copy.add_mutually_exclusive_group()
    how.add_argument(
        "--resume", action="store_true", help="continue an interrupted copy where it stopped"
    )
    how.add_argument(
        "--force",
        action="store_true",
        help="delete every row of maxremind's tables in TO first, then copy (its schema stays)",
    )
    how.add_argument(
        "--verify-only",
        action="store_true",
        help="change nothing: only compare row counts and checksums of FROM and TO",
    )
    copy.add_argument(
        "--batch-size",
        type=int,
        default=2000,
        metavar="ROWS",
        help="rows per transaction (default 2000)",
    )
    copy.add_argument(
        "--data-dir",
        metavar="DIR",
        help="data folder of the maxremind that uses FROM, whose lock is held during the "
        "copy (default: the folder of FROM)",
    )
    sub.add_parser("version", help="print the version and exit")
    return parser


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {s.name: getattr(args, s.name, None) for s in SETTINGS}


def _settings(args: argparse.Namespace, **extra: Any) -> Settings:
    overrides = _overrides(args)
    overrides.update(extra)
    try:
        return load_settings(config_file=getattr(args, "config", None), overrides=overrides)
    except ConfigError as exc:
        raise CommandError(f"configuration error: {exc}", EXIT_CONFIG) from None


def _secrets(settings: Settings) -> list[str]:
    """Every secret setting's value, for the log filter to scrub."""
    return [getattr(settings, s.name) for s in SETTINGS if s.secret]


def _data_dir(settings: Settings) -> None:
    try:
        prepare_data_dir(settings.data_path)
    except DataDirError as exc:
        raise CommandError(str(exc), EXIT_CONFIG) from None


def cmd_version(args: argparse.Namespace) -> int:
    print(f"maxremind {__version__}")
    return 0


def cmd_check_config(args: argparse.Namespace) -> int:
    settings = _settings(args)
    values = settings.redacted()
    values["database_url (effective)"] = settings.database_url
    width = max(len(k) for k in values)
    for key, value in values.items():
        print(f"{key:<{width}}  {json.dumps(value, ensure_ascii=False)}")
    print("configuration is valid")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from maxremind.app import migrate_database

    settings = _settings(args)
    _data_dir(settings)
    before, after = asyncio.run(migrate_database(settings))
    if before == after:
        print(f"database is up to date (schema version {after})")
    else:
        print(f"database migrated from schema version {before} to {after}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from maxremind import heap
    from maxremind.app import run_app

    settings = _settings(args)
    if not settings.token:
        raise CommandError(
            "MAXREMIND_TOKEN is not set: set it (or MAXREMIND_TOKEN_FILE) to your bot's token "
            "from @MasterBot, or try maxremind without a token: `maxremind demo`",
            EXIT_CONFIG,
        )
    setup_logging(settings.log_level, _secrets(settings))
    _data_dir(settings)  # after logging: its warnings belong in the formatted log
    # The serving process's C heap: two malloc arenas (before any thread starts), free
    # memory handed back every few seconds; see maxremind/heap.py.
    heap.limit_arenas()
    return asyncio.run(heap.trimming(run_app(settings)))


def cmd_demo(args: argparse.Namespace) -> int:
    from maxremind.demo import run_demo

    settings = _settings(args, token="")
    # Data goes to a temporary folder unless one is given explicitly.
    data_dir = args.data_dir or os.environ.get("MAXREMIND_DATA_DIR")
    setup_logging(settings.log_level)
    return asyncio.run(run_demo(settings, emulator_port=args.emulator_port, data_dir=data_dir))


def cmd_emulator(args: argparse.Namespace) -> int:
    from maxremind.emulator.limits import Limits
    from maxremind.emulator.server import run_emulator

    setup_logging("info")
    limits = Limits(enabled=not args.no_rate_limits)
    try:
        asyncio.run(
            run_emulator(
                host=args.host,
                port=args.port,
                token=args.token,
                limits=limits,
                allow_local_http_webhooks=args.local_http_webhooks,
            )
        )
    except OSError as exc:
        raise CommandError(f"cannot listen on {args.host}:{args.port} ({exc.strerror})") from None
    return 0


def cmd_webhook(args: argparse.Namespace) -> int:
    from maxremind.app import manage_webhook

    settings = _settings(args)
    if not settings.token:
        raise CommandError("MAXREMIND_TOKEN is not set", EXIT_CONFIG)
    setup_logging(settings.log_level, _secrets(settings))
    for line in asyncio.run(manage_webhook(settings, args.action, remove_all=args.all)):
        print(line)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from maxremind.backup import cli_backup

    settings = _settings(args)
    print(cli_backup(settings.database_url, args.file, force=args.force))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from maxremind.backup import cli_restore

    settings = _settings(args)
    _data_dir(settings)
    for line in cli_restore(settings.database_url, settings.data_path, args.file):
        print(line)
    return 0


def cmd_copy_data(args: argparse.Namespace) -> int:
    from maxremind.backup import acquire_instance_lock

    try:
        from maxremind.storage import copy
    except ImportError:
        raise CommandError(
            "copy-data needs asyncpg, which is not installed: pip install 'maxremind[postgres]'"
        ) from None
    try:
        path = copy.check_urls(args.source, args.target)
        folder = Path(args.data_dir).expanduser() if args.data_dir else path.parent
        with contextlib.ExitStack() as held:
            try:
                # Held throughout, so maxremind cannot start on the file mid-copy.
                held.enter_context(acquire_instance_lock(folder))
            except OSError as exc:  # a folder this user may not write, or none
                raise CommandError(
                    f"cannot take maxremind's lock in {folder}: {exc.strerror or exc}; run "
                    "copy-data as the user maxremind runs as"
                ) from None
            progress = copy.ProgressBar(sys.stderr)
            if args.verify_only:
                work = copy.verify_copy(
                    args.source, args.target, batch_size=args.batch_size, progress=progress
                )
            else:
                work = copy.copy_data(
                    args.source,
                    args.target,
                    resume=args.resume,
                    force=args.force,
                    batch_size=args.batch_size,
                    progress=progress,
                    notice=lambda line: print(f"maxremind: {line}", file=sys.stderr),
                )
            report = asyncio.run(work)
    except copy.CopyRefused as exc:
        raise CommandError(str(exc)) from None
    except KeyboardInterrupt:
        print(
            "maxremind: copy-data interrupted; the same command with --resume goes on "
            "where it stopped",
            file=sys.stderr,
        )
        return 130
    for line in report.lines():
        print(line)
    return 0 if report.ok else EXIT_FAILURE


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "backup": cmd_backup,
    "copy-data": cmd_copy_data,
    "restore": cmd_restore,
    "run": cmd_run,
    "demo": cmd_demo,
    "emulator": cmd_emulator,
    "migrate": cmd_migrate,
    "check-config": cmd_check_config,
    "webhook": cmd_webhook,
    "version": cmd_version,
}


def main(argv: Sequence[str] | None = None) -> int:
    from maxremind.app import StartupError
    from maxremind.backup import BackupError
    from maxremind.storage import StorageError

    args = build_parser().parse_args(argv)
    # Before anything is written: the database, its -wal/-shm (which SQLite creates on its
    # own), the lock and backups hold the signing secret and invite codes, so nothing this
    # process creates may be readable by group or others, whatever umask it was started with.
    umask = os.umask(PRIVATE_UMASK)
    try:
        return COMMANDS[args.command](args)
    except StartupError as exc:
        print(f"maxremind: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except CommandError as exc:
        print(f"maxremind: {exc}", file=sys.stderr)
        return exc.code
    except BackupError as exc:
        print(f"maxremind: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except StorageError as exc:
        print(f"maxremind: database error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    finally:
        os.umask(umask)  # main() also runs inside other programs (tests); leave theirs alone


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
