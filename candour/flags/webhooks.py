"""Posting to a local authority's webhook without letting the address reach inside our network.

A flag manager chooses the URL, so it is untrusted: an address such as
``http://169.254.169.254/`` or a name that resolves to 10.0.0.5 would make the worker call
our own infrastructure (server-side request forgery). The rule is checked twice: when the
address is saved (literal addresses and local names), and at every delivery, after DNS
resolution, against every address the name resolves to. The connection then goes to the
address that was checked (so a name that resolves differently a moment later, DNS
rebinding, cannot slip through), with the host name kept for the Host header and for TLS
certificate checking. Redirects are not followed.

Loopback receivers are allowed only where ``CANDOUR_FLAGS_WEBHOOK_ALLOW_LOOPBACK`` is on
(tests and the dev settings), over plain HTTP only then.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):  # noqa: N818  (a verdict on an address)
    """The webhook address may not be used; the message says why, for the flag manager."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


def _allow_loopback() -> bool:
    return bool(settings.CANDOUR_FLAGS_WEBHOOK_ALLOW_LOOPBACK)


def _refused_address(address: Address) -> str:
    """Why an address is not on the public internet, or "" if it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "" if _allow_loopback() else "it is this machine (loopback)"
    for reason, test in (
        ("a link-local address", address.is_link_local),
        ("a private network address", address.is_private),
        ("a multicast address", address.is_multicast),
        ("a reserved address", address.is_reserved or address.is_unspecified),
    ):
        if test:
            return reason
    if not address.is_global:
        return "not a public internet address"
    return ""


def parse(url: str) -> Target:
    """The URL's parts, refusing what can never be a webhook (checked when saved)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        raise AddressRefused("The webhook address must include a host name")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise AddressRefused("The webhook address has a port that is not a number") from None
    loopback_name = host == "localhost" or host.endswith(".localhost")
    if parts.scheme == "http":
        if not (_allow_loopback() and (loopback_name or _is_loopback_literal(host))):
            raise AddressRefused("The webhook address must start with https://")
    elif parts.scheme != "https":
        raise AddressRefused("The webhook address must start with https://")
    if loopback_name and not _allow_loopback():
        raise AddressRefused("The webhook address must not point at this machine")
    literal = _literal(host)
    if literal is not None and (reason := _refused_address(literal)):
        raise AddressRefused(f"The webhook address must be on the internet: {host} is {reason}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=parts.scheme, host=host, port=port, path=path)


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _is_loopback_literal(host: str) -> bool:
    literal = _literal(host)
    return literal is not None and literal.is_loopback


def check_url(url: str) -> None:
    """Raise AddressRefused for an address that can never be delivered to (used when saved)."""
    parse(url)


def resolve(target: Target) -> str:
    """The address to connect to: every address the name resolves to must be allowed."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise AddressRefused(f"The webhook host {target.host} could not be found") from exc
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        if reason := _refused_address(address):
            raise AddressRefused(f"The webhook host {target.host} resolves to {reason}")
    return str(addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST ``body`` to the checked address and return the status (no redirects followed)."""
    target = parse(url)
    address = resolve(target)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, address, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
