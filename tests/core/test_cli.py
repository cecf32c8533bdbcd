"""The command line: useful help, clear one-line failures, nothing deleted."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from maxremind import __version__
from maxremind.cli import main


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("MAXREMIND_") and not key.startswith("MAXREMIND_TEST_"):
            monkeypatch.delenv(key)


def test_python_dash_m_and_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "maxremind", "version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"maxremind {__version__}"


@pytest.mark.parametrize(
    "command", ["run", "demo", "emulator", "migrate", "check-config", "webhook", "copy-data"]
)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert len(capsys.readouterr().out) > 200


def test_run_without_token_points_at_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "MAXREMIND_TOKEN is not set" in err and "maxremind demo" in err
    assert len(err.strip().splitlines()) == 1


def test_check_config_hides_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAXREMIND_TOKEN", "very-secret-token-value")
    assert main(["check-config", "--web-port", "9001"]) == 0
    out = capsys.readouterr().out
    assert "very-secret-token-value" not in out and '"(set)"' in out and "9001" in out


def test_check_config_reports_bad_value(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-config", "--mode", "push"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("maxremind: configuration error: MAXREMIND_MODE") and "\n" not in err


def test_migrate_creates_then_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate", "--data-dir", str(tmp_path)]) == 0
    assert "from schema version 0 to" in capsys.readouterr().out
    assert main(["migrate", "--data-dir", str(tmp_path)]) == 0
    assert "up to date" in capsys.readouterr().out
    with sqlite3.connect(tmp_path / "maxremind.db") as db:
        versions = [r[0] for r in db.execute("SELECT version FROM schema_migrations")]
    assert versions == list(range(1, len(versions) + 1))


def test_newer_schema_is_refused_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate", "--data-dir", str(tmp_path)]) == 0
    db_file = tmp_path / "maxremind.db"
    with sqlite3.connect(db_file) as db:
        db.execute("INSERT INTO schema_migrations VALUES (999, 'future', 0)")
        db.execute("INSERT INTO kv VALUES ('keep', 'me', 0)")
    capsys.readouterr()
    assert main(["migrate", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "schema version 999" in err and "newer maxremind" in err
    with sqlite3.connect(db_file) as db:
        assert db.execute("SELECT value FROM kv WHERE key = 'keep'").fetchone() == ("me",)


def test_corrupt_file_is_refused_and_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_file = tmp_path / "maxremind.db"
    db_file.write_bytes(b"this is not a database at all" * 100)
    assert main(["migrate", "--data-dir", str(tmp_path)]) == 1
    assert "not a SQLite database" in capsys.readouterr().err
    assert db_file.read_bytes() == b"this is not a database at all" * 100


def test_damaged_database_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--data-dir", str(tmp_path)]) == 0
    db_file = tmp_path / "maxremind.db"
    data = bytearray(db_file.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # smash the first page after the header
    db_file.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["migrate", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("maxremind: database error:") and len(err.strip().splitlines()) == 1
    assert db_file.exists()


def test_data_dir_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    assert main(["migrate", "--data-dir", str(not_a_dir)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert not_a_dir.read_text() == "x"


def test_status_settings_have_flags_but_the_token_has_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["check-config", "--status-allow", "10.0.0.0/8", "--web-max-connections", "32"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert '"10.0.0.0/8"' in out and "32" in out and "status_token" in out
    with pytest.raises(SystemExit) as exc:
        main(["check-config", "--status-token", "status-token-0123456789"])
    assert exc.value.code == 2  # argparse: no such flag, secrets stay out of `ps`
    assert "--status-token" in capsys.readouterr().err


def test_bad_status_allow_flag_is_one_line_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-config", "--status-allow", "10.0.0.0/8,lan"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("maxremind: configuration error: MAXREMIND_STATUS_ALLOW")
    assert "'lan' is not an IP network" in err and "\n" not in err


# --- copy-data: bad input is one line (the copy itself: tests/storage/test_copy_data.py) ---


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("maxremind: ") and "\n" not in err, err
    return err


@pytest.mark.parametrize(
    ("source", "target", "says"),
    [
        ("postgresql://u@h/db", "postgresql://u@h/db", "--from must be a SQLite URL"),
        ("sqlite:///{tmp}/maxremind.db", "sqlite:///{tmp}/b.db", "--to must be a PostgreSQL URL"),
        ("sqlite:///{tmp}/none.db", "postgresql://u@127.0.0.1:1/db", "no SQLite database at"),
        ("sqlite:///{tmp}/text.db", "postgresql://u@127.0.0.1:1/db", "is not a SQLite database"),
    ],
)
def test_copy_data_refuses_bad_urls_and_files_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, target: str, says: str
) -> None:
    assert main(["migrate", "--data-dir", str(tmp_path)]) == 0
    (tmp_path / "text.db").write_text("not a database")
    capsys.readouterr()
    args = ["copy-data", "--from", source.format(tmp=tmp_path), "--to", target.format(tmp=tmp_path)]
    assert main(args) == 1
    assert says in _one_line(capsys)


def test_copy_data_says_postgres_is_unreachable_without_its_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate", "--data-dir", str(tmp_path)]) == 0
    capsys.readouterr()
    source = f"sqlite:///{tmp_path / 'maxremind.db'}"
    target = "postgresql://maxremind:hunter2-secret@127.0.0.1:1/maxremind"
    assert main(["copy-data", "--from", source, "--to", target]) == 1
    err = _one_line(capsys)
    assert "cannot connect to Postgres at postgresql://maxremind:***@127.0.0.1:1/maxremind" in err
    assert "hunter2" not in err


def test_copy_data_refuses_while_maxremind_runs_on_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from maxremind.backup import acquire_instance_lock

    assert main(["migrate", "--data-dir", str(tmp_path)]) == 0
    capsys.readouterr()
    source = f"sqlite:///{tmp_path / 'maxremind.db'}"
    with acquire_instance_lock(tmp_path):
        assert main(["copy-data", "--from", source, "--to", "postgresql://u@127.0.0.1:1/d"]) == 1
    assert "maxremind is running with data folder" in _one_line(capsys)


def test_copy_data_options_that_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(
            ["copy-data", "--from", "sqlite:///a", "--to", "postgresql://b", "--resume", "--force"]
        )
    assert exc.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "tool"),
    [(["backup", "/tmp/x.db"], "pg_dump"), (["restore", "x.dump"], "pg_restore")],
)
def test_backup_and_restore_on_postgres_point_at_pg_dump(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], tool: str
) -> None:
    url = "postgresql://maxremind:hunter2-secret@127.0.0.1:5432/maxremind"
    args = [*command, "--data-dir", str(tmp_path), "--db-url", url]
    assert main(args) == 1
    err = _one_line(capsys)
    assert f"{tool} --" in err and "docs/copy-data.md" in err and "hunter2" not in err
