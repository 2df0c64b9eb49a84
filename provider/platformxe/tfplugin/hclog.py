"""Plugin logging in the JSON line form go-plugin parses from a plugin's stderr.

go-plugin reads each stderr line as JSON with ``@level``, ``@message`` and ``@timestamp``
(``2006-01-02T15:04:05.000000Z07:00``, microseconds) plus any other keys as key/value pairs,
and Terraform re-prints it in its own log as ``<time> [DEBUG] provider.<plugin>: message:
key=value``. Lines that are not such JSON would be logged as plain DEBUG text.

The level comes from ``TF_LOG_PROVIDER``, else ``TF_LOG`` (TRACE, DEBUG, INFO, WARN, ERROR;
JSON means TRACE; OFF or unset disables logging; any other value means TRACE, as in Terraform).
Log calls pass structured fields as ``extra={"tf": {...}}``; never pass attribute values, which
may be sensitive — log names, counts and durations.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Mapping
from typing import IO, Any

TRACE = 5
logging.addLevelName(TRACE, "TRACE")

_LEVELS = {
    "TRACE": TRACE,
    "JSON": TRACE,
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARN": logging.WARNING,
    "ERROR": logging.ERROR,
}
_NAMES = {
    TRACE: "trace",
    logging.DEBUG: "debug",
    logging.INFO: "info",
    logging.WARNING: "warn",
    logging.ERROR: "error",
    logging.CRITICAL: "error",
}


def level_from_env(env: Mapping[str, str]) -> int | None:
    """The logging level Terraform asked for, or None when provider logging is off."""
    raw = env.get("TF_LOG_PROVIDER") or env.get("TF_LOG") or ""
    raw = raw.strip().upper()
    if not raw or raw == "OFF":
        return None
    return _LEVELS.get(raw, TRACE)


class JsonLineFormatter(logging.Formatter):
    """Formats a record as one hclog-style JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the JSON text of ``record`` (no trailing newline)."""
        seconds = int(record.created)
        micros = int((record.created - seconds) * 1_000_000)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{micros:06d}Z"
        line: dict[str, Any] = {
            "@level": _NAMES.get(record.levelno, "info"),
            "@message": record.getMessage(),
            "@module": "provider",
            "@timestamp": stamp,
        }
        fields = getattr(record, "tf", None)
        if isinstance(fields, Mapping):
            for key, value in fields.items():
                line.setdefault(str(key), value if isinstance(value, (str, int, float, bool)) else str(value))
        return json.dumps(line, separators=(",", ":"))


def configure_logging(env: Mapping[str, str] | None = None, stream: IO[str] | None = None) -> int | None:
    """Send ``platformxe`` logs to stderr as JSON lines at the level from the environment."""
    level = level_from_env(os.environ if env is None else env)
    logger = logging.getLogger("platformxe")
    for handler in list(logger.handlers):
        if getattr(handler, "_tfplugin", False):
            logger.removeHandler(handler)
    logger.propagate = False
    if level is None:
        logger.setLevel(logging.CRITICAL + 1)
        return None
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    handler._tfplugin = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
    return level
