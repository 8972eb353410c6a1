"""gunicorn's sync worker, answering its own errors in the format of the interface asked.

gunicorn refuses some requests before Django sees them: a request line over
`limit_request_line` (414), too many or too large headers (431), a request it cannot parse
(400). It answers those with a small HTML page, which under /fhir/ should be a FHIR
OperationOutcome and under /api/ problem+json, as every other error there is.

When gunicorn gives up, the request is usually not parsed far enough to have a path, so the
worker keeps the first bytes each connection sends (the start of the request line) and reads
the path from them. gunicorn still decides the status, logs and counts the request as it
always does; only the body it writes is replaced, for those two interfaces. Anything else
keeps gunicorn's page.
"""

from __future__ import annotations

import re
import socket
from http import HTTPStatus
from typing import Any, Final
from urllib.parse import urlsplit

from gunicorn.workers.sync import SyncWorker

# Enough of the request line to read the start of any path this service has.
_KEPT_BYTES: Final = 512
_STATUS_LINE: Final = re.compile(rb"HTTP/1\.[01] (\d{3}) ")
_TARGET: Final = re.compile(rb"[!-~]+ +([!-~]+)")


def interface_of(path: str) -> str | None:
    """ "fhir" or "api" for the interfaces with their own error format, else None."""
    if path == "/fhir" or path.startswith("/fhir/"):
        return "fhir"
    if path.startswith("/api/"):
        return "api"
    return None


def path_in(head: bytes) -> str:
    """The path of a request line's target, from however much of it arrived ('' if none)."""
    found = _TARGET.match(head.lstrip(b"\r\n"))
    if found is None:
        return ""
    target = found.group(1).decode("latin-1")
    if target.startswith("/"):
        return target.split("?", 1)[0]
    try:
        return urlsplit(target).path  # absolute form: http://host/fhir/Flag
    except ValueError:
        return ""


class _Recording:
    """The client socket, keeping the first bytes it receives."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.head = b""

    def recv(self, size: int, *flags: int) -> bytes:
        data = self._sock.recv(size, *flags)
        if len(self.head) < _KEPT_BYTES:
            self.head += data[: _KEPT_BYTES - len(self.head)]
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _Answering:
    """The client socket as gunicorn writes its error page to it: the page is replaced by
    the same status in the interface's own format."""

    def __init__(self, sock: Any, interface: str, details: dict[int, str]) -> None:
        self._sock = sock
        self._interface = interface
        self._details = details

    def sendall(self, data: bytes, *flags: int) -> None:
        found = _STATUS_LINE.match(data)
        if found is not None:
            data = error_response(int(found.group(1)), self._interface, self._details)
        self._sock.sendall(data, *flags)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def error_response(status: int, interface: str, details: dict[int, str]) -> bytes:
    """A complete HTTP/1.1 response: an OperationOutcome or a problem+json document."""
    detail = details.get(status)
    if interface == "fhir":
        from candour.flags.fhir_http import outcome_for_status

        response = outcome_for_status(status, detail)
    else:
        from candour.core.problems import problem

        try:
            title = HTTPStatus(status).phrase
        except ValueError:
            title = "The request could not be answered"
        response = problem(status=status, title=title, detail=detail)
    body = response.content
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        f"Content-Type: {response['Content-Type']}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "\r\n"
    )
    return head.encode("latin-1") + body


class Worker(SyncWorker):
    """The sync worker (gunicorn's default), with its own errors in the interface's format."""

    def handle(self, listener: Any, client: Any, addr: Any) -> None:
        # TLS is terminated in front of gunicorn; a TLS socket is handed on untouched.
        if not self.cfg.is_ssl:
            client = _Recording(client)
        super().handle(listener, client, addr)

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        path = getattr(req, "path", None)
        if path is None:
            path = path_in(client.head) if isinstance(client, _Recording) else ""
        interface = interface_of(path or "")
        if interface is not None:
            client = _Answering(client, interface, self._details())
        super().handle_error(req, client, addr, exc)

    def _details(self) -> dict[int, str]:
        cfg = self.cfg
        return {
            400: "The request could not be read as HTTP/1.1 (a malformed request line or header).",
            414: f"The request line is longer than {cfg.limit_request_line} bytes: send a "
            "shorter URL.",
            431: f"The request has more than {cfg.limit_request_fields} headers, or one "
            f"longer than {cfg.limit_request_field_size} bytes.",
            501: "The request's transfer coding is not supported.",
        }
