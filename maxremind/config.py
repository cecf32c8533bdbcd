"""Settings: defaults < TOML file < ``MAXREMIND_*`` environment (< ``*_FILE``) < CLI flags.

Every setting has one name in three spellings: ``db_url`` in the TOML file,
``MAXREMIND_DB_URL`` in the environment and ``--db-url`` on the command line.
``docs/configuration.md`` documents each of them; a test keeps the two in step.

Parsing is strict: a wrong value stops start-up with a message that names the
setting and what it accepts.  Secret values never appear in messages or reprs.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENV_PREFIX = "MAXREMIND_"
CONFIG_ENV = "MAXREMIND_CONFIG"


class ConfigError(ValueError):
    """A setting has a value we cannot use; the message says which and what to set."""


def _parse_str(raw: str) -> str:
    return raw.strip()


def _parse_int(lo: int, hi: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ConfigError(f"must be a whole number from {lo} to {hi}") from None
        if not lo <= value <= hi:
            raise ConfigError(f"must be a whole number from {lo} to {hi}")
        return value

    return parse


def _parse_float(lo: float, hi: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            raise ConfigError(f"must be a number from {lo:g} to {hi:g}") from None
        if not lo <= value <= hi:
            raise ConfigError(f"must be a number from {lo:g} to {hi:g}")
        return value

    return parse


_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in _TRUE | _FALSE:
        raise ConfigError("must be true or false")
    return value in _TRUE


def _parse_choice(*choices: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in choices:
            raise ConfigError(f"must be one of: {', '.join(choices)}")
        return value

    return parse


def _parse_http_url(raw: str) -> str:
    value = raw.strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError("must be an http:// or https:// URL, e.g. https://example.org")
    return value


def _parse_db_url(raw: str) -> str:
    value = raw.strip()
    if not value:
        return ""
    if value.startswith("sqlite:///") and len(value) > len("sqlite:///"):
        return value
    if value.startswith(("postgresql://", "postgres://")):
        return value
    raise ConfigError(
        "must be sqlite:///<path to file> (sqlite:////abs/path.db for an absolute path) "
        "or postgresql://user@host:port/dbname"
    )


ROLES = ("web", "bot", "engine")


def _parse_roles(raw: str) -> str:
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    unknown = [part for part in parts if part not in ROLES]
    if unknown or not parts:
        raise ConfigError("must name one or more of web, bot, engine, comma-separated")
    return ",".join(role for role in ROLES if role in parts)  # one spelling per set


def _parse_redis_url(raw: str) -> str:
    value = raw.strip()
    if value and not value.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("must be empty or a redis://host:port/db URL")
    return value


def _parse_timezone(raw: str) -> str:
    value = raw.strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("must be an IANA time zone name such as Europe/Moscow") from None
    return value


_SECRET_RE = re.compile(r"^[a-zA-Z0-9_-]{5,256}$")


def _parse_webhook_secret(raw: str) -> str:
    value = raw.strip()
    if value and not _SECRET_RE.match(value):
        raise ConfigError("must be 5-256 characters of A-Z, a-z, 0-9, '_' and '-'")
    return value


_STATUS_TOKEN_RE = re.compile(r"^[a-zA-Z0-9_-]{16,256}$")


def _parse_status_token(raw: str) -> str:
    value = raw.strip()
    if value and not _STATUS_TOKEN_RE.match(value):
        raise ConfigError("must be 16-256 characters of A-Z, a-z, 0-9, '_' and '-'")
    return value


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


DEFAULT_STATUS_ALLOW = "127.0.0.1/8,::1/128"


def parse_networks(raw: str) -> tuple[IPNetwork, ...]:
    """Comma-separated IP networks (``10.0.0.0/8, ::1``); a bare address is a /32 or /128.

    The one parser of ``status_allow``: the loader validates with it and the web server
    gets its result through :attr:`Settings.status_networks`.

    :raises ConfigError: an entry is not an address or network; the message names it.
    """
    networks: list[IPNetwork] = []
    for entry in (part.strip() for part in raw.split(",")):
        if not entry:
            continue
        try:
            # strict=False: "127.0.0.1/8" names the network the operator means; refusing it
            # over host bits would be pedantry.
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ConfigError(
                f"{entry!r} is not an IP network; give comma-separated networks such as "
                "127.0.0.1/8,::1/128,192.168.1.0/24 (empty: none)"
            ) from None
    return tuple(networks)


def _parse_networks(raw: str) -> str:
    parse_networks(raw)  # validates; the setting keeps the operator's own spelling
    return ",".join(part.strip() for part in raw.split(",") if part.strip())


def _parse_user_ids(raw: str) -> str:
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    for entry in ids:
        if not (entry.isascii() and entry.isdigit()) or not 0 < int(entry) < 2**63:
            raise ConfigError(f"{entry!r} is not a MAX user id; give comma-separated numbers")
    return ",".join(ids)


_ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")


def _parse_origins(raw: str) -> str:
    origins = raw.split()
    for origin in origins:
        if origin != "'self'" and not _ORIGIN_RE.match(origin):
            raise ConfigError(
                f"{origin!r} is not an origin; give space-separated origins such as "
                "https://web.max.ru (empty: the pages cannot be framed)"
            )
    return " ".join(origins)


def _parse_token(raw: str) -> str:
    value = raw.strip()
    if any(ch.isspace() for ch in value):
        # Never echo the token back; say only what is wrong with it.
        raise ConfigError("must not contain spaces or line breaks")
    return value


@dataclass(frozen=True)
class Setting:
    """One documented setting: its name, default, parser and help text."""

    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str
    secret: bool = False

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


SETTINGS: tuple[Setting, ...] = (
    Setting("token", "", _parse_token, "MAX bot token from @MasterBot.", secret=True),
    Setting(
        "api_url",
        "https://platform-api2.max.ru",
        _parse_http_url,
        "Base URL of the MAX Bot API (the emulator's URL in demo mode).",
    ),
    Setting("data_dir", "./data", _parse_str, "Folder for the database, backups and state."),
    Setting(
        "backup_dir",
        "",
        _parse_str,
        "Folder for scheduled and pre-upgrade SQLite backups; empty = <data_dir>/backups.",
    ),
    Setting(
        "backup_interval_hours",
        24.0,
        _parse_float(0.0, 8760.0),
        "Hours between scheduled online backups of the SQLite database; 0 turns them off.",
    ),
    Setting(
        "backup_keep",
        7,
        _parse_int(1, 1000),
        "How many scheduled backups to keep (manual and pre-upgrade ones are never deleted).",
    ),
    Setting(
        "db_url",
        "",
        _parse_db_url,
        "Database URL; empty means the SQLite file maxremind.db in the data dir. "
        "postgresql://… selects Postgres.",
    ),
    Setting(
        "db_pool_size",
        10,
        _parse_int(2, 200),
        "Postgres only: connections each process keeps open (one writes, the rest read).",
    ),
    Setting(
        "db_statement_timeout_seconds",
        30.0,
        _parse_float(1.0, 3600.0),
        "Postgres only: a statement running longer is cancelled and counted as an error.",
    ),
    Setting(
        "redis_url",
        "",
        _parse_redis_url,
        "Redis URL for shared state, cache and rate limits (scale mode); empty = none.",
    ),
    Setting("web_host", "127.0.0.1", _parse_str, "Address the web UI and webhook listen on."),
    Setting("web_port", 8080, _parse_int(0, 65535), "Port of the web UI and webhook."),
    Setting(
        "public_url",
        "",
        _parse_http_url,
        "Public base URL of this instance, used in links the bot sends and for the webhook.",
    ),
    Setting(
        "mode",
        "polling",
        _parse_choice("polling", "webhook"),
        "How updates arrive from MAX: polling (default) or webhook.",
    ),
    Setting(
        "roles",
        "web,bot,engine",
        _parse_roles,
        "What this process does: web (pages, API, feeds), bot (takes and answers updates), "
        "engine (plans and sends reminders); several processes on Postgres may split them.",
    ),
    Setting(
        "webhook_secret",
        "",
        _parse_webhook_secret,
        "Secret MAX sends in X-Max-Bot-Api-Secret (webhook mode).",
        secret=True,
    ),
    Setting(
        "web_max_connections",
        256,
        _parse_int(1, 100000),
        "Open connections the web server accepts at once; more wait or are refused.",
    ),
    Setting(
        "status_allow",
        DEFAULT_STATUS_ALLOW,
        _parse_networks,
        "Comma-separated IP networks whose direct requests may see the status page and /metrics.",
    ),
    Setting(
        "status_token",
        "",
        _parse_status_token,
        "Bearer token that opens the status page and /metrics from anywhere; empty = none.",
        secret=True,
    ),
    Setting(
        "admin_ids",
        "",
        _parse_user_ids,
        "Comma-separated MAX user ids of instance admins (they see the Instance page).",
    ),
    Setting(
        "frame_ancestors",
        "https://web.max.ru",
        _parse_origins,
        "Space-separated origins allowed to show the web UI in a frame (MAX's web client).",
    ),
    Setting(
        "miniapp_max_age_hours",
        24,
        _parse_int(1, 720),
        "How old a MAX mini-app launch (auth_date) may be and still sign someone in.",
    ),
    Setting(
        "calendar_refresh_minutes",
        60,
        _parse_int(5, 10080),
        "Minutes between fetches of a subscribed ICS feed (new subscriptions start with it).",
    ),
    Setting(
        "calendar_allow_private",
        False,
        _parse_bool,
        "Let ICS feeds on private, loopback or link-local addresses be subscribed to.",
    ),
    Setting(
        "timezone",
        "Europe/Moscow",
        _parse_timezone,
        "Default time zone for new teams and members.",
    ),
    Setting(
        "log_level",
        "info",
        _parse_choice("debug", "info", "warning", "error"),
        "Log verbosity.",
    ),
    Setting(
        "rate_limit_rps",
        30.0,
        _parse_float(0.1, 1000.0),
        "Requests per second to MAX for the whole bot (MAX allows 30).",
    ),
    Setting(
        "dialog_timeout_minutes",
        30,
        _parse_int(1, 10080),
        "Minutes of silence after which a half-finished bot dialog is closed.",
    ),
    Setting(
        "menu_language",
        "both",
        _parse_choice("ru", "en", "both"),
        "Language of the command menu MAX shows (one list per bot): ru, en or both.",
    ),
    Setting(
        "catchup_grace_minutes",
        0,
        _parse_int(0, 10080),
        "After downtime, reminders of an event that started this long ago are still sent.",
    ),
    Setting(
        "chat_rate_limit_rps",
        2.0,
        _parse_float(0.1, 100.0),
        "Messages per second into one chat or dialog (MAX allows 2).",
    ),
)

SETTINGS_BY_NAME: Mapping[str, Setting] = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """The effective configuration of one process."""

    token: str = field(default="", repr=False)
    api_url: str = "https://platform-api2.max.ru"
    data_dir: str = "./data"
    backup_dir: str = ""
    backup_interval_hours: float = 24.0
    backup_keep: int = 7
    db_url: str = ""
    db_pool_size: int = 10
    db_statement_timeout_seconds: float = 30.0
    redis_url: str = ""
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    public_url: str = ""
    mode: str = "polling"
    roles: str = "web,bot,engine"
    webhook_secret: str = field(default="", repr=False)
    web_max_connections: int = 256
    status_allow: str = DEFAULT_STATUS_ALLOW
    status_token: str = field(default="", repr=False)
    admin_ids: str = ""
    frame_ancestors: str = "https://web.max.ru"
    miniapp_max_age_hours: int = 24
    calendar_refresh_minutes: int = 60
    calendar_allow_private: bool = False
    timezone: str = "Europe/Moscow"
    log_level: str = "info"
    rate_limit_rps: float = 30.0
    dialog_timeout_minutes: int = 30
    menu_language: str = "both"
    catchup_grace_minutes: int = 0
    chat_rate_limit_rps: float = 2.0

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()

    @property
    def backups_path(self) -> Path:
        return Path(self.backup_dir).expanduser() if self.backup_dir else self.data_path / "backups"

    @property
    def status_networks(self) -> tuple[IPNetwork, ...]:
        """``status_allow`` as networks (already validated by the loader)."""
        return parse_networks(self.status_allow)

    @property
    def admins(self) -> frozenset[int]:
        """``admin_ids`` as numbers (already validated by the loader)."""
        return frozenset(int(part) for part in self.admin_ids.split(",") if part)

    @property
    def web_url(self) -> str:
        """Where people open the web UI: the public URL, else the local listening address."""
        if self.public_url:
            return self.public_url.rstrip("/")
        # Listening on every interface: people on this machine reach it on loopback.
        wildcard = {"0.0.0.0", "::", ""}  # noqa: S104 - compared with, not bound to
        host = "127.0.0.1" if self.web_host in wildcard else self.web_host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.web_port}"

    def has_role(self, role: str) -> bool:
        return role in self.roles.split(",")

    @property
    def database_url(self) -> str:
        """The database URL with the SQLite default filled in."""
        if self.db_url:
            return self.db_url
        return "sqlite:///" + str(self.data_path / "maxremind.db")

    def redacted(self) -> dict[str, Any]:
        """Values for display: secrets are shown only as set / not set."""
        out: dict[str, Any] = {}
        for s in SETTINGS:
            value = getattr(self, s.name)
            if s.secret:
                value = "(set)" if value else "(not set)"
            out[s.name] = value
        return out


def webhook_url_problem(public_url: str) -> str | None:
    """What stops MAX from posting webhooks to ``public_url``, in one sentence, or None.

    MAX delivers only over HTTPS on port 443, to an address it can reach, with a
    certificate from a public CA (docs/self-hosting.md: nginx + certbot)."""
    how = "put nginx with a certificate (e.g. from certbot) in front, see docs/self-hosting.md"
    try:
        parts = urlsplit(public_url)
        port = parts.port
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return f"must start with https:// in webhook mode: MAX posts only over HTTPS; {how}"
    if not host:
        return "has no host name"
    if port is not None and port != 443:
        return (
            f"names port {port}, but MAX posts webhooks only to port 443: "
            f"{how}, and leave the port out"
        )
    if parts.username is not None or parts.query or parts.fragment:
        return "must be a plain https://host[/path] address (no user, query or fragment)"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith((".localhost", ".local")) or "." not in host:
            return f"{host} is not a public name MAX can reach; use the server's domain name"
        return None
    if not address.is_global:
        return f"{host} is a private address MAX cannot reach; use the server's public name"
    return None


def _check_cross_fields(values: Mapping[str, Any]) -> None:
    if values["roles"] != ",".join(ROLES) and not str(values["db_url"]).startswith(
        ("postgresql://", "postgres://")
    ):
        raise ConfigError(
            "MAXREMIND_ROLES: only one process may use a SQLite database, so it does "
            "everything (web,bot,engine); split the roles over processes on Postgres "
            "(MAXREMIND_DB_URL=postgresql://...)"
        )
    if values["mode"] == "webhook":
        public_url = values["public_url"]
        if not public_url:
            raise ConfigError(
                "MAXREMIND_PUBLIC_URL must be set in webhook mode "
                "(the https:// address MAX will post updates to)"
            )
        problem = webhook_url_problem(str(public_url))
        if problem is not None:
            raise ConfigError(f"MAXREMIND_PUBLIC_URL ({public_url}): {problem}")
        if not values["webhook_secret"]:
            raise ConfigError(
                "MAXREMIND_WEBHOOK_SECRET must be set in webhook mode "
                "(5-256 characters of A-Z, a-z, 0-9, '_' and '-')"
            )


def _apply(values: dict[str, Any], name: str, raw: Any, source: str) -> None:
    setting = SETTINGS_BY_NAME[name]
    text = raw if isinstance(raw, str) else str(raw)
    if isinstance(raw, bool):
        if not isinstance(setting.default, bool):
            raise ConfigError(f"{setting.env} ({source}): booleans are not accepted here")
        text = "true" if raw else "false"
    try:
        values[name] = setting.parse(text)
    except ConfigError as exc:
        shown = "" if setting.secret else f" (got {text!r})"
        raise ConfigError(f"{setting.env} from {source}{shown}: {exc}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a config file: most installs configure by environment

    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    # Allow both a flat file and one with a [maxremind] table.
    section = data.get("maxremind", data)
    if not isinstance(section, dict):
        raise ConfigError(f"config file {path}: [maxremind] must be a table")
    return section


def _read_secret_file(env_name: str, path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{env_name}_FILE: cannot read {path}: {exc}") from None


def load_settings(
    *,
    config_file: str | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the effective settings from all sources, strictly validated.

    :param config_file: TOML file given with ``--config``; falls back to ``MAXREMIND_CONFIG``.
    :param environ: environment to read (default ``os.environ``).
    :param overrides: values from CLI flags (``None`` values are ignored).
    :raises ConfigError: a value is invalid, a file is unreadable, or settings contradict.
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}

    path = config_file or env.get(CONFIG_ENV)
    if path:
        for key, raw in _read_toml(Path(path)).items():
            if key not in SETTINGS_BY_NAME:
                known = ", ".join(sorted(SETTINGS_BY_NAME))
                raise ConfigError(f"config file {path}: unknown setting {key!r} (known: {known})")
            _apply(values, key, raw, f"config file {path}")

    for setting in SETTINGS:
        file_var = setting.env + "_FILE"
        if setting.env in env:
            _apply(values, setting.name, env[setting.env], "the environment")
        elif setting.secret and env.get(file_var):
            _apply(values, setting.name, _read_secret_file(setting.env, env[file_var]), file_var)

    unknown = sorted(
        k
        for k in env
        if k.startswith(ENV_PREFIX)
        and k != CONFIG_ENV
        and not k.startswith("MAXREMIND_TEST_")
        and k.removeprefix(ENV_PREFIX).removesuffix("_FILE").lower() not in SETTINGS_BY_NAME
    )
    if unknown:
        raise ConfigError(f"unknown environment variable {unknown[0]} (see docs/configuration.md)")

    for name, raw in (overrides or {}).items():
        if raw is not None:
            _apply(values, name, raw, "the command line")

    _check_cross_fields(values)
    known_fields = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in values.items() if k in known_fields})
