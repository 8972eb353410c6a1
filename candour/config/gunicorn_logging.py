"""gunicorn's own logs without client addresses (ADR 0016).

gunicorn writes the peer's address in several places of its own: "Invalid request from
ip=…" for every malformed request (``workers/base.py``, ``handle_error``), the text of some
of its exceptions (``ForbiddenProxyRequest`` names the address; ``InvalidProxyLine`` quotes
a PROXY line, which holds the client's), and the access log's ``%(h)s``, ``%(a)s`` and
forwarded-for header atoms whenever someone sets a format that uses them. Rather than chase
each message, this logger withholds every IP address from every line of the error log and
the access log (messages, tracebacks, stack information), whichever gunicorn code wrote it,
and blanks the address and user-agent atoms before a format can use them. The server's own
bind address ("Listening at: …") is withheld too: it is in the configuration anyway.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any

from gunicorn.glogging import Logger

WITHHELD = "[address withheld]"

# Anything that might be an IP address: hex digits, dots and colons with at least one dot or
# colon, maybe an IPv6 zone. Each is checked with ``ipaddress``, so times ("12:30:45") and
# versions ("27.0.1") stay as they are.
_CANDIDATE = re.compile(r"(?<![\w.:%])[0-9A-Fa-f.:]*[.:][0-9A-Fa-f.:]*(?:%[\w.-]+)?")

# Access-log atoms that carry a client's address or its user agent.
_BLANKED_ATOMS = (
    "h",
    "a",
    "{x-forwarded-for}i",
    "{forwarded}i",
    "{x-real-ip}i",
    "{true-client-ip}i",
    "{cf-connecting-ip}i",
    "{user-agent}i",
    "{remote_addr}e",
    "{http_x_forwarded_for}e",
    "{http_x_real_ip}e",
    "{http_user_agent}e",
)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _withhold_one(match: re.Match[str]) -> str:
    found = match.group(0)
    trimmed = found.rstrip(".:")  # "ip=::1: Invalid request", "from 203.0.113.9."
    if _is_address(trimmed):
        return found.replace(trimmed, WITHHELD, 1)
    # "203.0.113.9:54321": an IPv4 address with its port.
    host, _, port = trimmed.rpartition(":")
    if host and port.isdigit() and "." in host and _is_address(host):
        return found.replace(host, WITHHELD, 1)
    return found


def withhold_addresses(text: str) -> str:
    """The text with every IPv4 and IPv6 address in it replaced by ``WITHHELD``."""
    return _CANDIDATE.sub(_withhold_one, text)


class WithholdAddresses(logging.Filter):
    """Rewrite a record before any formatter sees it: its message (with the arguments put
    in), its traceback and its stack information, all without addresses."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = withhold_addresses(message)
        if clean != message or record.args:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = withhold_addresses(record.exc_text)
        if record.stack_info:
            record.stack_info = withhold_addresses(record.stack_info)
        return True


class PrivateLogger(Logger):
    """gunicorn's logger, withholding client addresses from everything it writes."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, WithholdAddresses) for f in handler.filters):
                    handler.addFilter(WithholdAddresses())

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for name in _BLANKED_ATOMS:
            if name in atoms:
                atoms[name] = "-"
        return atoms
