"""Logging set-up, with secrets scrubbed from every record as a last line of defence."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

# Libraries whose chatty levels print what must not reach a log, whatever log_level says:
# the redaction filter knows only the token and webhook secret, not what is in the database.
QUIET_LOGGERS: dict[str, int] = {
    # DEBUG logs every statement with its parameters: the callback signing secret, invite
    # codes, calendar tokens and people's message texts.
    "aiosqlite": logging.INFO,
    # DEBUG traces every connection step and logs response headers (cookies included).
    "httpcore": logging.INFO,
    # DEBUG prints pub/sub and push replies verbatim: cached state in scale mode.
    "redis": logging.INFO,
    # INFO logs every request line with its URL, once per message sent; noise, not news.
    "httpx": logging.WARNING,
    "apscheduler": logging.WARNING,
    "uvicorn.access": logging.WARNING,
}


class RedactSecrets(logging.Filter):
    """Replace any known secret that slipped into a log message with ``***``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Short values would redact ordinary words; real tokens are long.
        self._secrets = [s for s in secrets if len(s) >= 8]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self._secrets:
            redacted = redacted.replace(secret, "***")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def setup_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Log to stderr at ``level``; scrub ``secrets`` from every message."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name, floor in QUIET_LOGGERS.items():
        # Never below the floor, never below what was asked for either: a library logger
        # at INFO would otherwise still emit INFO when the operator chose "warning".
        logging.getLogger(name).setLevel(max(floor, root.level))
