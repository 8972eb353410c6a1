"""The invitation e-mail through the outbox and a real SMTP server (aiosmtpd), sent once."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from pytest_django.fixtures import Settings

from candour.accounts.models import Role, User
from candour.accounts.services import invite_user
from candour.accounts.tests.factories import PASSWORD
from candour.notifications.models import EmailDelivery, Job, JobStatus
from candour.notifications.services import run_due_jobs

INVITED = "dana.newperson@testshire.example"
SMTP_PASSWORD = "smtp-password-that-must-never-appear"
ACTIVATION = re.compile(
    r"http://testserver\.example/account/activate/(?P<ref>[0-9a-f-]{36})/(?P<token>\S+)"
)


class Mailbox:
    """An aiosmtpd handler that keeps every message; it can refuse recipients on request."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.refuse_recipients = False

    async def handle_RCPT(  # noqa: N802  (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.refuse_recipients:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        parsed = []
        for envelope in self.envelopes:
            message = message_from_bytes(envelope.original_content, policy=policy.default)
            assert isinstance(message, EmailMessage)
            parsed.append(message)
        return parsed


class SmtpServer:
    """An SMTP server on a fixed free port that can be stopped and started again."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        assert self.controller is None
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings: Settings) -> Iterator[SmtpServer]:
    server = SmtpServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    # A password with no user name: Django does not log in, but it must never be quoted.
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = SMTP_PASSWORD
    settings.CANDOUR_BASE_URL = "http://testserver.example/"
    settings.CANDOUR_JOB_BACKOFF_BASE_SECONDS = 10
    server.start()
    try:
        yield server
    finally:
        server.stop()


def invite(alice: User) -> tuple[User, Job]:
    user = invite_user(
        admin=alice, email=INVITED, full_name="Dana Newperson", role=Role.PRACTITIONER
    )
    job = Job.objects.get(kind="accounts.send_invitation", payload__user=str(user.reference))
    return user, job


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content


def assert_not_logged(caplog: pytest.LogCaptureFixture, text: str) -> None:
    """Our own log records (not the test SMTP server's "mail.log") must not hold ``text``."""
    ours = [record for record in caplog.records if record.name.startswith("candour")]
    assert ours
    for record in ours:
        assert text not in str(record.__dict__)


def make_due(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db
def test_invitation_is_delivered_once_over_smtp(
    smtp: SmtpServer, alice: User, settings: Settings
) -> None:
    user, job = invite(alice)
    assert smtp.mailbox.envelopes == []  # nothing is sent until the worker runs the job

    assert run_due_jobs() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert [envelope.rcpt_tos for envelope in smtp.mailbox.envelopes] == [[INVITED]]
    (message,) = smtp.mailbox.messages
    assert message["To"] == INVITED
    assert message["Subject"] == "Your candour account"
    assert message["Message-ID"] == f"<{job.reference}.invitation@candour>"
    assert message["Auto-Submitted"] == "auto-generated"
    body = body_of(message)
    link = ACTIVATION.search(body)
    assert link is not None, body
    assert link["ref"] == str(user.reference)
    user.refresh_from_db()
    assert default_token_generator.check_token(user, link["token"])
    assert alice.organisation.name in body
    # No password or secret of any kind in the message.
    raw = smtp.mailbox.envelopes[0].original_content.decode()
    for secret in (SMTP_PASSWORD, settings.SECRET_KEY, PASSWORD, alice.password, user.password):
        assert secret not in raw
    assert not user.has_usable_password()
    assert EmailDelivery.objects.filter(job_reference=job.reference).count() == 1

    # The worker runs again: the job is done, nothing more is sent.
    assert run_due_jobs() == 0
    assert len(smtp.mailbox.envelopes) == 1

    # The same job is run again (a worker died before marking it done): the delivery row
    # stops a second message, though the handler runs in full.
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.PENDING, run_after=timezone.now(), finished_at=None
    )
    assert run_due_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.attempts == 2
    assert len(smtp.mailbox.envelopes) == 1
    assert EmailDelivery.objects.filter(job_reference=job.reference).count() == 1


@pytest.mark.django_db
def test_smtp_server_down_means_retry_then_delivery(
    smtp: SmtpServer, alice: User, caplog: pytest.LogCaptureFixture
) -> None:
    smtp.stop()
    _user, job = invite(alice)
    started = timezone.now()

    assert run_due_jobs() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.PENDING
    assert job.attempts == 1
    assert re.fullmatch(r"[A-Za-z]+Error", job.last_error), job.last_error
    assert job.run_after > started
    assert not EmailDelivery.objects.exists()
    assert run_due_jobs() == 0  # waiting for its backoff

    smtp.start()
    make_due(job)
    assert run_due_jobs() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.attempts == 2
    assert job.last_error == ""
    assert [envelope.rcpt_tos for envelope in smtp.mailbox.envelopes] == [[INVITED]]
    assert EmailDelivery.objects.filter(job_reference=job.reference).count() == 1
    assert_not_logged(caplog, INVITED)


@pytest.mark.django_db
def test_refused_recipient_is_retried_without_recording_the_address(
    smtp: SmtpServer, alice: User, caplog: pytest.LogCaptureFixture
) -> None:
    """SMTPRecipientsRefused quotes the address in its message: only its name is kept."""
    smtp.mailbox.refuse_recipients = True
    _user, job = invite(alice)

    assert run_due_jobs() == 1

    job.refresh_from_db()
    assert job.status == JobStatus.PENDING
    assert job.last_error == "SMTPRecipientsRefused"
    assert_not_logged(caplog, INVITED)
    assert smtp.mailbox.envelopes == []

    smtp.mailbox.refuse_recipients = False
    make_due(job)
    assert run_due_jobs() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert len(smtp.mailbox.envelopes) == 1


@pytest.mark.django_db
def test_each_invitation_job_sends_its_own_message(smtp: SmtpServer, alice: User) -> None:
    """Dedup is per job: a re-sent invitation is a new job and a new message."""
    from candour.accounts.services import resend_invitation

    user, first = invite(alice)
    assert run_due_jobs() == 1
    resend_invitation(admin=alice, user=user)
    assert run_due_jobs() == 1

    ids = [message["Message-ID"] for message in smtp.mailbox.messages]
    assert len(ids) == 2
    assert ids[0] == f"<{first.reference}.invitation@candour>"
    assert ids[1] != ids[0]
