"""A unique marker planted in the narrative and the contact details appears in plaintext
nowhere (database, logs, audit entries, e-mails, job payloads) and, after crypto-shredding,
cannot be recovered at all."""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from candour.core import client_limits
from candour.deidentify.types import KnownEntity
from candour.notifications.services import run_due_jobs
from candour.reporting.models import Report
from candour.reporting.services import analysis as analysis_service
from candour.reporting.services import inbox as inbox_service
from candour.reporting.services import intake as intake_service
from candour.reporting.services import retention as retention_service
from candour.reporting.services import submission as submission_service
from candour.reporting.services.submission import Contact, Submission
from conftest import UK_JUST_PAST_MIDNIGHT

NAME_MARKER = "Zyxandra Quellingford"
CONTACT_MARKER = "Marlowe Vantablack"
PHONE_MARKER = "07700 900731"

pytestmark = pytest.mark.django_db(transaction=True)


def _all_database_text() -> str:
    """Every value of every table, as text (a logical dump that works on both databases)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  (table names from introspection)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        chunks.append(bytes(value).decode("latin-1"))
                    else:
                        chunks.append(str(value))
    return "\n".join(chunks)


def _sqlite_files_bytes() -> bytes:
    if connection.vendor != "sqlite":
        return b""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    name = Path(connection.settings_dict["NAME"])
    data = b""
    for path in (name, Path(f"{name}-wal"), Path(f"{name}-shm")):
        if path.exists():
            data += path.read_bytes()
    return data


@pytest.fixture
def captured_logs():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


@pytest.mark.clock
@pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT)  # closed today, shredded after retention
def test_markers_never_appear_in_plaintext_and_are_gone_after_shredding(
    programme, intake, analyst, captured_logs, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    submission = Submission(
        kind="near_miss",
        service_area="child_protection",
        occurred_month=1,
        occurred_year=2026,
        narrative={
            "what_happened": f"{NAME_MARKER} was nearly returned home without a check.",
            "why": f"Nobody told {NAME_MARKER.split()[0]}'s social worker about the move.",
        },
        harm="none",
        reporter_role="social_worker",
        confidentiality="confidential",
        contact=Contact(name=CONTACT_MARKER, email="reporter@example.org", phone=PHONE_MARKER),
        known=[KnownEntity(NAME_MARKER, "child")],
    )
    report, receipt = submission_service.submit_report(programme=programme, submission=submission)

    opened = intake_service.open_narrative(
        user=intake, report=report, reason="Reviewing redactions"
    )
    released = {k: v["text"] for k, v in opened["draft"].items()}
    assert NAME_MARKER not in str(released)
    intake_service.release_report(user=intake, report=report, texts=released)
    intake_service.ask_reporter(user=intake, report=report, body="Which team were you in?")
    inbox_service.reply_as_reporter(
        report=inbox_service.open_inbox(receipt=receipt, client=client_limits.Client("192.0.2.1")),
        body="Assessment",
    )
    analysis_service.code_report(
        user=analyst,
        report=report,
        scie_patterns=["human_judgement"],
        london_factors=["team"],
        detection="supervision",
        mitigation="",
        harm="none",
        synopsis="[Child 1] nearly returned.",
    )
    intake_service.give_feedback(
        user=intake, report=report, body="We added a check to the handover."
    )
    assert run_due_jobs() >= 2  # the "something is waiting" e-mails

    markers = [NAME_MARKER, NAME_MARKER.split()[1], CONTACT_MARKER, PHONE_MARKER]
    database = _all_database_text()
    files = _sqlite_files_bytes()
    emails = "\n".join(f"{m.subject}\n{m.body}\n{m.to}" for m in mail.outbox)
    assert len(mail.outbox) == 2
    for marker in markers:
        assert marker not in database, marker
        assert marker.encode() not in files, marker
        assert marker not in captured_logs.getvalue(), marker
        assert marker not in emails, marker
    assert receipt not in database
    assert receipt.encode() not in files

    stored = Report.objects.get(pk=report.pk)
    sealed = [bytes(stored.narrative_key), bytes(stored.contact_key), bytes(stored.narrative)]

    intake_service.close_report(user=intake, report=report)
    later = timezone.localdate() + timedelta(days=programme.retention_days)
    assert retention_service.shred_due_reports(today=later) == 1

    stored.refresh_from_db()
    assert stored.released == released  # the de-identified report remains
    database = _all_database_text()
    files = _sqlite_files_bytes()
    for blob in sealed:
        assert blob.decode("latin-1") not in database
        assert blob not in files
    with pytest.raises(PermissionDenied):
        intake_service.open_narrative(user=intake, report=stored, reason="After destruction")
    with pytest.raises(PermissionDenied):
        intake_service.open_contact(user=intake, report=stored, reason="After destruction")
    with pytest.raises(inbox_service.ReceiptRefused):
        inbox_service.open_inbox(receipt=receipt, client=client_limits.Client("192.0.2.1"))
