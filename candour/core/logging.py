"""JSON logs that carry references, never content.

Django attaches the request object to some records and exception messages can quote data
(an IntegrityError names the duplicate value), so both are dropped: a log line keeps the
exception's type and stack frames, not its message, and never the client address, user
agent or body.
"""

from __future__ import annotations

import logging
import re
import traceback
from types import TracebackType
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

# Attributes Django or libraries attach that may hold a request, headers or content.
_DROPPED = ("request", "scope", "client", "remote_addr", "headers", "body", "user_agent")

# IPv4 and IPv6 addresses (and the dev server's "('127.0.0.1', 40082)" tuples).
_ADDRESS = re.compile(
    r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}\b|::1\b"
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class ReferencesOnlyFilter(logging.Filter):
    """Strip request objects and similar extras before any handler sees the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name in _DROPPED:
            if name in record.__dict__:
                delattr(record, name)
        message = record.getMessage()
        redacted = _EMAIL.sub("[email withheld]", _ADDRESS.sub("[address withheld]", message))
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per line: time, level, logger, message and safe extras."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        super().__init__(*args, **kwargs)

    def formatException(self, ei: Any) -> str:  # noqa: N802  (logging's API name)
        exc_type, _exc, tb = ei
        frames = traceback.extract_tb(tb)
        lines = [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
        name = getattr(exc_type, "__qualname__", "Exception")
        return "\n".join(["Traceback (message withheld):", *lines, name])
