"""The demo mail sink stores what it receives; /demo/mail lists it, newest first, with the
service's own links clickable and nobody else's."""

from __future__ import annotations

import mailbox
import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail.backends.smtp import EmailBackend

from candour.demo.mailbox_reader import read_mail
from candour.demo.presenters import Part, line_parts
from candour.demo.sink import mail_sink

BASE = "http://127.0.0.1:8000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def maildir(tmp_path: Path, settings) -> Path:
    directory = tmp_path / "demo-mail"
    settings.CANDOUR_DEMO_MAIL_DIR = directory
    settings.CANDOUR_BASE_URL = BASE
    return directory


@pytest.fixture
def sink(maildir: Path) -> Iterator[int]:
    port = free_port()
    server = mail_sink(directory=maildir, port=port)
    server.start()
    yield port
    server.stop()


def send(port: int, *, to: str, subject: str, body: str) -> None:
    """Send as the outbox worker does: Django's SMTP backend."""
    connection = EmailBackend(host="127.0.0.1", port=port, use_tls=False, fail_silently=False)
    mail.EmailMessage(subject=subject, body=body, to=[to], connection=connection).send()


def deliver(
    directory: Path, *, to: str, subject: str, body: str, at: datetime | None = None
) -> None:
    """Put a message straight into the Maildir, as the sink would, delivered ``at``."""
    for part in ("tmp", "new", "cur"):
        (directory / part).mkdir(parents=True, exist_ok=True)
    message = EmailMessage()
    message["From"] = "candour <no-reply@candour.invalid>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    key = mailbox.Maildir(directory, create=False).add(message)
    if at is not None:  # the delivery time is the file's modification time
        os.utime(directory / "new" / key, (at.timestamp(), at.timestamp()))


# --- The sink -------------------------------------------------------------------------------


def test_the_sink_stores_every_message_it_accepts(sink: int, maildir: Path) -> None:
    send(sink, to="someone@northbrook.example", subject="Your candour account", body="Hello")
    send(sink, to="other@eastmere.example", subject="Second", body="Line one\nLine two")

    # By subject: two deliveries may share a file timestamp (the kernel's clock is coarse).
    stored = {m.subject: m for m in read_mail(maildir)}
    assert set(stored) == {"Second", "Your candour account"}
    assert stored["Second"].to == "other@eastmere.example"
    assert stored["Second"].body.replace("\r\n", "\n").strip() == "Line one\nLine two"
    assert stored["Your candour account"].sender == "candour <no-reply@candour.invalid>"


def test_the_sink_keeps_no_peer_address(sink: int, maildir: Path) -> None:
    send(sink, to="someone@northbrook.example", subject="Hello", body="Hello")
    (key,) = list(mailbox.Maildir(maildir, create=False).iterkeys())
    raw = mailbox.Maildir(maildir, create=False).get_bytes(key)
    assert b"X-Peer" not in raw
    assert b"127.0.0.1" not in raw


def test_the_sink_works_in_a_directory_that_already_exists(tmp_path: Path) -> None:
    directory = tmp_path / "made-earlier"
    directory.mkdir()
    port = free_port()
    server = mail_sink(directory=directory, port=port)
    server.start()
    try:
        send(port, to="a@northbrook.example", subject="Hi", body="Hi")
    finally:
        server.stop()
    assert [m.subject for m in read_mail(directory)] == ["Hi"]


def test_an_absent_maildir_is_an_empty_mailbox(tmp_path: Path) -> None:
    assert read_mail(tmp_path / "nothing-here") == []


# --- The links ------------------------------------------------------------------------------


def test_only_the_services_own_links_are_clickable() -> None:
    line = f"Open {BASE}/inbox. Or see https://elsewhere.example/x and {BASE}@evil.example/y"
    assert line_parts(line, base_url=BASE) == [
        Part("Open "),
        Part(f"{BASE}/inbox", href=f"{BASE}/inbox"),
        Part(". Or see https://elsewhere.example/x and " + f"{BASE}@evil.example/y"),
    ]


def test_a_line_without_links_is_one_part() -> None:
    assert line_parts("Nothing to click", base_url=BASE) == [Part("Nothing to click")]


# --- The page -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_empty_mailbox_says_so(client, maildir: Path) -> None:
    response = client.get("/demo/mail")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<h1 class="govuk-heading-l">Demo mailbox</h1>' in body
    assert "No e-mails yet." in body
    assert "govuk-summary-card" not in body


@pytest.mark.django_db
def test_the_mailbox_lists_messages_newest_first_with_live_links(client, maildir: Path) -> None:
    deliver(
        maildir,
        to="first@northbrook.example",
        subject="Earlier",
        body="One",
        at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    )
    deliver(
        maildir,
        to="newcomer@northbrook.example",
        subject="Your candour account",
        body=f"Set your password here:\n{BASE}/account/activate/abc/def\n\nNot this: "
        "https://elsewhere.example/phish",
        at=datetime(2026, 12, 1, 9, 5, tzinfo=UTC),
    )

    body = client.get("/demo/mail").content.decode()
    assert body.index("Your candour account") < body.index("Earlier")
    assert "newcomer@northbrook.example" in body
    assert "1 December 2026, 09:05:00" in body  # Europe/London is UTC in December
    assert f'<a class="govuk-link" href="{BASE}/account/activate/abc/def">' in body
    assert 'href="https://elsewhere.example/phish"' not in body
    assert "https://elsewhere.example/phish" in body


@pytest.mark.django_db
def test_each_message_opens_on_its_own_page(client, maildir: Path) -> None:
    deliver(maildir, to="ops@northbrook.example", subject="Hello <b>there</b>", body="Hi")
    (stored,) = read_mail(maildir)

    listing = client.get("/demo/mail").content.decode()
    assert f'href="/demo/mail/{stored.ident}"' in listing
    response = client.get(f"/demo/mail/{stored.ident}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hello &lt;b&gt;there&lt;/b&gt;" in page  # escaped, never markup
    assert "ops@northbrook.example" in page
    assert 'class="govuk-back-link"' in page


@pytest.mark.django_db
def test_an_unknown_message_is_not_found(client, maildir: Path) -> None:
    response = client.get("/demo/mail/" + "0" * 20)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_the_mailbox_takes_no_posts(client, maildir: Path) -> None:
    response = client.post("/demo/mail")
    assert response.status_code == 405
    assert "You cannot open this page directly" in response.content.decode()
