"""Structured logging: one JSON object per line, through the standard ``logging`` module.

``emit_log_event(level, message, context)`` builds the object (timestamp, level, message, logger, correlation_id,
context) and hands it to the ``nodegen`` logger as the record's message, so any handler whose format is
``%(message)s`` writes exactly one JSON line per event; the dictionary itself rides on the record as
``record.onex_event`` for handlers that want it. The correlation id comes from the context when given, otherwise from
the one bound with :func:`correlation_scope` (nodes bind theirs while an operation runs).

Values whose key names a credential (``api_key``, ``access_token``, ``password``, ``secret``, ``authorization``) are
redacted: keys must never reach a log line.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TextIO
from uuid import UUID

LOGGER_NAME = "nodegen"
TRACE_LEVEL = 5
_REDACTED = "***"
# A key is a credential when its last word names one: ``api_key``, ``access_token``, ``password``; not ``total_tokens``.
_SECRET_KEY = re.compile(
    r"(?:^|[_\-.])(?:api[_\-]?key|secret[_\-]?key|private[_\-]?key|token|password|passwd|secret|"
    r"authorization|credentials?)$",
    re.IGNORECASE,
)

_correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("nodegen_correlation_id", default=None)

logging.addLevelName(TRACE_LEVEL, "TRACE")


class EnumLogLevel(StrEnum):
    """Log levels of ONEX structured logging, mapped onto the standard library's numeric levels."""

    TRACE = "trace"
    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"
    FATAL = "fatal"

    @property
    def numeric(self) -> int:
        """The ``logging`` level number for this level."""
        return _NUMERIC[self]


_NUMERIC: dict[EnumLogLevel, int] = {
    EnumLogLevel.TRACE: TRACE_LEVEL,
    EnumLogLevel.DEBUG: logging.DEBUG,
    EnumLogLevel.INFO: logging.INFO,
    EnumLogLevel.WARNING: logging.WARNING,
    EnumLogLevel.ERROR: logging.ERROR,
    EnumLogLevel.CRITICAL: logging.CRITICAL,
    EnumLogLevel.FATAL: logging.CRITICAL,
}


@contextmanager
def correlation_scope(correlation_id: UUID | str | None) -> Iterator[None]:
    """Bind ``correlation_id`` to every log event emitted inside the ``with`` block (task- and thread-local)."""
    token = _correlation_id.set(None if correlation_id is None else str(correlation_id))
    try:
        yield
    finally:
        _correlation_id.reset(token)


def current_correlation_id() -> str | None:
    """The correlation id bound by the innermost :func:`correlation_scope`, if any."""
    return _correlation_id.get()


def emit_log_event(
    level: EnumLogLevel | str,
    message: str,
    context: Mapping[str, Any] | None = None,
    *,
    logger: logging.Logger | None = None,
) -> dict[str, Any] | None:
    """Log one structured event; returns the event written, or ``None`` when the level is disabled."""
    log_level = level if isinstance(level, EnumLogLevel) else EnumLogLevel(str(level).lower())
    target = logger or logging.getLogger(LOGGER_NAME)
    if not target.isEnabledFor(log_level.numeric):
        return None
    fields = dict(context or {})
    correlation_id = fields.pop("correlation_id", None) or current_correlation_id()
    event: dict[str, Any] = {
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "level": log_level.value,
        "logger": target.name,
        "message": message,
    }
    if correlation_id is not None:
        event["correlation_id"] = str(correlation_id)
    if fields:
        event["context"] = _redact(fields)
    line = json.dumps(event, default=str, ensure_ascii=False, separators=(",", ":"))
    target.log(log_level.numeric, line, extra={"onex_event": event})
    return event


# The guide imports the synchronous variant under this name.
emit_log_event_sync = emit_log_event


def configure_logging(level: EnumLogLevel | str = EnumLogLevel.WARNING, stream: TextIO | None = None) -> None:
    """Send nodegen's JSON log lines to ``stream`` (stderr by default) at ``level`` and above; idempotent."""
    log_level = level if isinstance(level, EnumLogLevel) else EnumLogLevel(str(level).lower())
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        if getattr(handler, "_nodegen_handler", False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler._nodegen_handler = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(log_level.numeric)
    logger.propagate = False


def _redact(fields: Mapping[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if _SECRET_KEY.search(str(key)):
            clean[str(key)] = _REDACTED
        elif isinstance(value, Mapping):
            clean[str(key)] = _redact(value)
        else:
            clean[str(key)] = value
    return clean


__all__ = [
    "LOGGER_NAME",
    "EnumLogLevel",
    "configure_logging",
    "correlation_scope",
    "current_correlation_id",
    "emit_log_event",
    "emit_log_event_sync",
]
