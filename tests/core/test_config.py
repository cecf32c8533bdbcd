"""Settings: precedence, strict validation, secrets kept out of messages, docs in step."""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from pathlib import Path

import pytest

from maxremind.config import SETTINGS, ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "secret-token-1234567890"


def test_defaults() -> None:
    s = load_settings(environ={})
    assert s.api_url == "https://platform-api2.max.ru"
    assert (s.web_host, s.web_port, s.mode, s.timezone) == (
        "127.0.0.1",
        8080,
        "polling",
        "Europe/Moscow",
    )
    assert s.database_url == "sqlite:///" + str(Path("data") / "maxremind.db")


def test_precedence_file_env_flags(tmp_path: Path) -> None:
    cfg = tmp_path / "m.toml"
    cfg.write_text('web_port = 9000\ntimezone = "Asia/Yekaterinburg"\nlog_level = "debug"\n')
    env = {"MAXREMIND_CONFIG": str(cfg), "MAXREMIND_WEB_PORT": "9100"}
    s = load_settings(environ=env, overrides={"log_level": "warning", "mode": None})
    assert s.web_port == 9100  # env beats file
    assert s.timezone == "Asia/Yekaterinburg"  # file beats default
    assert s.log_level == "warning"  # flag beats file
    assert s.mode == "polling"  # None flag leaves it alone


def test_config_file_with_section(tmp_path: Path) -> None:
    cfg = tmp_path / "m.toml"
    cfg.write_text('[maxremind]\ndata_dir = "/srv/x"\n')
    assert load_settings(config_file=str(cfg), environ={}).data_dir == "/srv/x"


def test_secret_file(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text(TOKEN + "\n")
    s = load_settings(environ={"MAXREMIND_TOKEN_FILE": str(secret)})
    assert s.token == TOKEN
    assert TOKEN not in repr(s) and TOKEN not in str(s.redacted())


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"MAXREMIND_MODE": "push"}, "MAXREMIND_MODE"),
        ({"MAXREMIND_WEB_PORT": "http"}, "whole number from 0 to 65535"),
        ({"MAXREMIND_WEB_PORT": "70000"}, "MAXREMIND_WEB_PORT"),
        ({"MAXREMIND_TIMEZONE": "Mars/Olympus"}, "IANA time zone"),
        ({"MAXREMIND_API_URL": "ftp://x"}, "http:// or https://"),
        ({"MAXREMIND_DB_URL": "mysql://x"}, "sqlite:///"),
        ({"MAXREMIND_REDIS_URL": "http://x"}, "redis://"),
        ({"MAXREMIND_LOG_LEVEL": "loud"}, "debug, info, warning, error"),
        ({"MAXREMIND_RATE_LIMIT_RPS": "0"}, "MAXREMIND_RATE_LIMIT_RPS"),
        ({"MAXREMIND_WEBHOOK_SECRET": "a b"}, "A-Z"),
        ({"MAXREMIND_MODE": "webhook"}, "MAXREMIND_PUBLIC_URL must be set"),
        ({"MAXREMIND_MODE": "webhook", "MAXREMIND_PUBLIC_URL": "http://x.org"}, "https://"),
        (
            {"MAXREMIND_MODE": "webhook", "MAXREMIND_PUBLIC_URL": "https://x.org"},
            "MAXREMIND_WEBHOOK_SECRET must be set",
        ),
        ({"MAXREMIND_WEB_PROT": "1"}, "unknown environment variable MAXREMIND_WEB_PROT"),
        ({"MAXREMIND_TOKEN_FILE": "/nonexistent/token"}, "cannot read"),
        ({"MAXREMIND_WEB_MAX_CONNECTIONS": "0"}, "MAXREMIND_WEB_MAX_CONNECTIONS"),
        ({"MAXREMIND_WEB_MAX_CONNECTIONS": "100001"}, "whole number from 1 to 100000"),
        ({"MAXREMIND_STATUS_ALLOW": "10.0.0.0/8,intranet"}, "'intranet' is not an IP network"),
        ({"MAXREMIND_STATUS_ALLOW": "10.0.0.0/33"}, "MAXREMIND_STATUS_ALLOW"),
        ({"MAXREMIND_STATUS_TOKEN": "short-token"}, "MAXREMIND_STATUS_TOKEN"),
        ({"MAXREMIND_STATUS_TOKEN": "x" * 20 + "!"}, "16-256 characters"),
        ({"MAXREMIND_CALENDAR_ALLOW_PRIVATE": "maybe"}, "must be true or false"),
        ({"MAXREMIND_CALENDAR_REFRESH_MINUTES": "1"}, "whole number from 5 to 10080"),
    ],
)
def test_invalid_values_name_the_setting(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(fragment)):
        load_settings(environ=env)


def test_token_never_in_error_messages() -> None:
    with pytest.raises(ConfigError) as exc:
        load_settings(environ={"MAXREMIND_TOKEN": "abc def-secret-value"})
    assert "secret-value" not in str(exc.value)
    assert "MAXREMIND_TOKEN" in str(exc.value)


def test_status_settings_defaults_allow_only_loopback() -> None:
    s = load_settings(environ={})
    assert (s.status_allow, s.status_token, s.web_max_connections) == (
        "127.0.0.1/8,::1/128",
        "",
        256,
    )
    assert s.status_networks == (
        ipaddress.ip_network("127.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
    )


def test_status_allow_from_every_source_becomes_networks(tmp_path: Path) -> None:
    cfg = tmp_path / "m.toml"
    cfg.write_text('status_allow = "192.168.1.0/24"\nweb_max_connections = 64\n')
    s = load_settings(config_file=str(cfg), environ={})
    assert s.status_networks == (ipaddress.ip_network("192.168.1.0/24"),)
    assert s.web_max_connections == 64
    s = load_settings(
        config_file=str(cfg),
        environ={"MAXREMIND_STATUS_ALLOW": " 10.1.2.3/8 , fd00::/8 ,"},
        overrides={"web_max_connections": "1000"},
    )
    assert s.status_allow == "10.1.2.3/8,fd00::/8"
    assert s.status_networks == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("fd00::/8"),
    )
    assert s.web_max_connections == 1000
    nobody = load_settings(environ={"MAXREMIND_STATUS_ALLOW": ""})
    assert nobody.status_networks == ()


def test_calendar_allow_private_is_off_unless_said_in_any_source(tmp_path: Path) -> None:
    assert load_settings(environ={}).calendar_allow_private is False
    for raw in ("true", "yes", "1", "On"):
        env = {"MAXREMIND_CALENDAR_ALLOW_PRIVATE": raw}
        assert load_settings(environ=env).calendar_allow_private is True
    assert (
        load_settings(environ={"MAXREMIND_CALENDAR_ALLOW_PRIVATE": "false"}).calendar_allow_private
        is False
    )
    toml = tmp_path / "m.toml"
    toml.write_text("calendar_allow_private = true\ncalendar_refresh_minutes = 15\n")
    loaded = load_settings(config_file=str(toml), environ={})
    assert (loaded.calendar_allow_private, loaded.calendar_refresh_minutes) == (True, 15)
    flagged = load_settings(environ={}, overrides={"calendar_allow_private": "true"})
    assert flagged.calendar_allow_private is True
    # A TOML boolean stays refused where a setting is not a switch.
    toml.write_text("web_port = true\n")
    with pytest.raises(ConfigError, match="booleans are not accepted"):
        load_settings(config_file=str(toml), environ={})


def test_status_token_is_a_secret_from_env_or_file(tmp_path: Path) -> None:
    value = "status-token-0123456789"
    token_file = tmp_path / "status"
    token_file.write_text(value + "\n")
    s = load_settings(environ={"MAXREMIND_STATUS_TOKEN_FILE": str(token_file)})
    assert s.status_token == value
    assert value not in repr(s) and s.redacted()["status_token"] == "(set)"
    with pytest.raises(ConfigError) as exc:
        load_settings(environ={"MAXREMIND_STATUS_TOKEN": "bad token with-secret-part"})
    assert "with-secret-part" not in str(exc.value)
    assert "MAXREMIND_STATUS_TOKEN" in str(exc.value)


def test_settings_class_defaults_match_the_documented_defaults() -> None:
    # Settings() is built directly by tests and the demo; its defaults must be the loader's.
    defaults = {f.name: f.default for f in dataclasses.fields(Settings)}
    assert defaults == {s.name: s.default for s in SETTINGS}
    assert dataclasses.asdict(load_settings(environ={})) == defaults


def test_bad_toml_and_unknown_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("web_port = = 1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(config_file=str(bad), environ={})
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("web_prot = 1")
    with pytest.raises(ConfigError, match="unknown setting 'web_prot'"):
        load_settings(config_file=str(unknown), environ={})
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(config_file=str(tmp_path / "missing.toml"), environ={})


def _documented_rows() -> dict[str, list[str]]:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = cells
    return rows


def test_every_setting_is_documented_and_agrees_with_code() -> None:
    rows = _documented_rows()
    assert sorted(rows) == sorted(s.name for s in SETTINGS)
    for s in SETTINGS:
        _, env, flag, default, meaning = rows[s.name]
        expected_env = f"`{s.env}`" + (f", `{s.env}_FILE`" if s.secret else "")
        assert env == expected_env, s.name
        assert flag == ("—" if s.secret else f"`{s.flag}`"), s.name
        assert default == (f"`{s.default}`" if s.default != "" else "(empty)"), s.name
        assert meaning, s.name


def test_example_config_file_names_every_setting_and_loads(tmp_path: Path) -> None:
    example = (ROOT / "packaging" / "maxremind.toml.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#\s*([a-z_]+) = ", example, flags=re.MULTILINE))
    assert named == {s.name for s in SETTINGS}
    uncommented = tmp_path / "m.toml"
    lines = [
        line[2:]
        if re.match(r"^# [a-z_]+ = ", line) and not line.startswith(("# token", "# webhook_secret"))
        else line
        for line in example.splitlines()
    ]
    uncommented.write_text("\n".join(lines), encoding="utf-8")
    assert load_settings(config_file=str(uncommented), environ={}).timezone == "Europe/Moscow"
