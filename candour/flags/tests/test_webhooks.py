"""Webhook addresses cannot reach inside the network (SSRF): refused when saved and again at
delivery after DNS resolution; the connection goes to the address that was checked."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from candour.flags import webhooks
from candour.flags.forms.local_authority import ContactForm


@pytest.fixture
def no_loopback(settings):
    settings.CANDOUR_FLAGS_WEBHOOK_ALLOW_LOOPBACK = False


@pytest.mark.parametrize(
    "url",
    [
        "http://case-system.example/hook",  # plain HTTP
        "ftp://case-system.example/hook",
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.0.0.5/hook",
        "https://192.168.1.20/hook",
        "https://172.16.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://[::ffff:10.0.0.5]/hook",
        "https://0.0.0.0/hook",
        "https:///hook",
    ],
)
def test_addresses_inside_the_network_are_refused_when_saved(no_loopback, url):
    with pytest.raises(webhooks.AddressRefused):
        webhooks.check_url(url)


def test_a_public_https_address_is_accepted(no_loopback):
    webhooks.check_url("https://case-system.northbrook.example/hooks/candour?x=1")
    webhooks.check_url("https://8.8.8.8:8443/hook")


def test_the_contact_form_says_why_an_address_is_refused(no_loopback):
    form = ContactForm(
        {
            "display_name": "Northbrook",
            "emergency_duty_phone": "01632 960999",
            "webhook_url": "https://169.254.169.254/latest/meta-data/",
            "escalate_after_minutes": "120",
        }
    )
    assert not form.is_valid()
    assert "169.254.169.254 is a link-local address" in form.errors["webhook_url"][0]


def test_a_name_that_resolves_inside_the_network_is_refused_at_delivery(no_loopback, monkeypatch):
    """A public-looking name passes when saved; at delivery it resolves to 10.0.0.5."""

    def resolves_inside(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]

    monkeypatch.setattr(webhooks.socket, "getaddrinfo", resolves_inside)
    webhooks.check_url("https://rebinding.example/hook")
    with pytest.raises(webhooks.AddressRefused, match="resolves to a private network address"):
        webhooks.post("https://rebinding.example/hook", body=b"{}", headers={}, timeout=1)


def test_every_address_a_name_resolves_to_must_be_allowed(no_loopback, monkeypatch):
    def mixed(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(webhooks.socket, "getaddrinfo", mixed)
    with pytest.raises(webhooks.AddressRefused, match="loopback"):
        webhooks.resolve(webhooks.parse("https://mixed.example/hook"))


class _Redirecting(BaseHTTPRequestHandler):
    calls: list[str] = []

    def do_POST(self) -> None:
        self.calls.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(307)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def redirecting() -> Iterator[str]:
    _Redirecting.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def test_redirects_are_not_followed(redirecting):
    status = webhooks.post(redirecting, body=b"{}", headers={}, timeout=5)
    assert status == 307
    assert _Redirecting.calls == ["/hook"]  # one call, to the checked address only
