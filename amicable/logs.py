"""Logging for every command: text or JSON lines, one level, secrets scrubbed.

`AMICABLE_LOG_FORMAT=json` writes one JSON object a line (time, level, logger, message, and
the traceback when there is one); `text` a classic line. uvicorn's loggers, its access log
included, go through the same handler. Every record passes `Scrubber`, which removes what
must never reach a log even when a message carries it by mistake: bearer credentials,
reply tokens in addresses, and the query string of an access-log line (it may hold a
token).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# reply+<token>@domain -> reply+…@domain (any local part before the "+").
_REPLY_TOKEN = re.compile(r"(?i)\b([a-z0-9._-]+)\+[0-9a-z_-]{16,}@")
_BEARER = re.compile(r"(?i)\b(bearer)\s+[^\s\"',;]+")
_SECRET_FIELDS = re.compile(r"(?i)([\"']?(?:password|token|secret)[\"']?\s*[:=]\s*)[^\s,;}]+")


# Control characters (CR, LF, ESC, U+2028 ...) in a record's text: an outsider's words (a
# mail's subject, a sender) must not start a line of their own or move the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _escaped(match: re.Match[str]) -> str:
    return match.group(0).encode("unicode_escape").decode("ascii")


def scrub(text: str) -> str:
    text = _REPLY_TOKEN.sub(r"\1+…@", text)
    text = _BEARER.sub(r"\1 …", text)
    return _SECRET_FIELDS.sub(r"\1…", text)


class Scrubber(logging.Filter):
    """Rewrites each record's message with secrets removed (the arguments are merged in
    first, so a secret passed as an argument is caught too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access" and isinstance(record.args, tuple):
            record.args = _without_query(record.args)
        try:
            message = record.getMessage()
        except Exception:
            return True
        # Exception texts are rendered later by the formatters, which scrub them too; a
        # message is one line, whatever its arguments held.
        record.msg, record.args = _CONTROL.sub(_escaped, scrub(message)), None
        return True


def _without_query(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """uvicorn's access arguments: (client, method, full path, http version, status)."""
    if len(args) == 5 and isinstance(args[2], str):
        return (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
    return args


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatException(self, ei: Any) -> str:
        return scrub(super().formatException(ei))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


# Libraries whose debug output carries what a log must not: SQL with its parameters
# (search text, token digests), websocket frames (credentials in `connection_init`), mail
# bodies and SMTP conversations (reply addresses). They log at WARNING at the most, even
# with AMICABLE_LOG_LEVEL=DEBUG; Tortoise's INFO is start-up noise besides.
_QUIET_LIBRARIES = (
    "tortoise",
    "aiosqlite",
    "asyncpg",
    "websockets",
    "mailparser_reply",
    "mail.log",
    "aiosmtplib",
)

# The loggers uvicorn configures itself; ours must replace its handlers, not add to them.
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def configure(log_format: str = "text", level: str = "INFO") -> None:
    """Send every log record to standard error in one format, at one level."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format.lower() == "json" else TextFormatter())
    handler.addFilter(Scrubber())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in _UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    for name in _QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    # uvicorn's DEBUG prints request headers and websocket frames (credentials).
    logging.getLogger("uvicorn.error").setLevel(max(logging.INFO, root.level))


def uvicorn_log_level(level: str) -> str:
    """uvicorn sets its loggers' level itself: never below INFO (its DEBUG prints request
    headers and websocket frames, credentials included)."""
    return "info" if level.upper() == "DEBUG" else level.lower()


def uvicorn_log_config() -> dict[str, object]:
    """For `uvicorn.run(log_config=...)`: keep uvicorn from installing its own handlers, so
    its records (access log included) reach ours."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {name: {"handlers": [], "propagate": True} for name in _UVICORN_LOGGERS},
    }
