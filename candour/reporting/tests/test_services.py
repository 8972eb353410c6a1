"""The single-report journey at the service level: submit, review, release, code, close,
and destroy. Views and the API are thin layers over these."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from candour.audit.models import AuditEntry
from candour.core.client_limits import Client
from candour.deidentify.types import KnownEntity
from candour.reporting import receipts
from candour.reporting.models import Report, Status
from candour.reporting.services import analysis as analysis_service
from candour.reporting.services import conversation as conversation_service
from candour.reporting.services import disclosure as disclosure_service
from candour.reporting.services import inbox as inbox_service
from candour.reporting.services import intake as intake_service
from candour.reporting.services import retention as retention_service
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import MARKER, confidential_submission, submission
from conftest import UK_JUST_PAST_MIDNIGHT

# Dates received and closed, "this month or in the past" and retention follow the clock.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clock,
    pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT),
]


def test_submit_stores_only_ciphertext_a_date_and_a_receipt_hash(programme):
    report, receipt = submission_service.submit_report(programme=programme, submission=submission())
    assert len(receipt) == 16
    assert receipt.isdigit()
    stored = Report.objects.get(pk=report.pk)
    assert stored.received_on == timezone.localdate()
    assert stored.receipt_hash == receipts.receipt_hash(receipt)
    for blob in (stored.narrative, stored.draft, stored.receipt_sealed):
        assert MARKER.encode() not in bytes(blob)
        assert receipt.encode() not in bytes(blob)
    assert stored.contact is None  # anonymous


def test_known_names_shape_the_draft_and_are_not_kept(programme, intake):
    report, _ = submission_service.submit_report(
        programme=programme,
        submission=submission(known=[KnownEntity("Kayden Walsh", "child")]),
    )
    opened = intake_service.open_narrative(user=intake, report=report, reason="Reviewing the draft")
    draft = opened["draft"]["what_happened"]["text"]
    assert draft.startswith("[Child 1] was nearly sent home to [Address 1].")
    assert "Kayden" in opened["narrative"]["what_happened"]
    assert "Kayden Walsh" not in str(Report.objects.filter(pk=report.pk).values().get())


def test_retried_submission_returns_the_same_report_and_receipt(programme):
    first, receipt = submission_service.submit_report(
        programme=programme, submission=submission(), idempotency_key="k-1"
    )
    again, receipt_again = submission_service.submit_report(
        programme=programme, submission=submission(), idempotency_key="k-1"
    )
    assert (again.pk, receipt_again) == (first.pk, receipt)
    assert Report.objects.count() == 1


def test_invalid_submission_lists_every_error(programme, settings):
    settings.CANDOUR_REPORT_FIELD_MAX_CHARS = 100
    bad = submission(
        narrative={"what_happened": "", "why": "x" * 101},
        occurred_month=13,
        confidentiality="confidential",
    )
    with pytest.raises(ValidationError) as caught:
        submission_service.submit_report(programme=programme, submission=bad)
    assert set(caught.value.message_dict) == {
        "what_happened",
        "why",
        "occurred_month",
        "contact_email",
    }
    assert not Report.objects.exists()


def test_this_month_is_the_uk_month_even_when_utc_is_still_in_the_last(programme):
    # 00:30 on 1 July 2027 in London, 23:30 on 30 June in UTC.
    report, _ = submission_service.submit_report(
        programme=programme, submission=submission(occurred_month=7, occurred_year=2027)
    )
    assert report.received_on.isoformat() == "2027-07-01"
    with pytest.raises(ValidationError) as caught:
        submission_service.submit_report(
            programme=programme, submission=submission(occurred_month=8, occurred_year=2027)
        )
    assert caught.value.message_dict == {
        "occurred_month": ["When it happened must be this month or in the past"]
    }


def test_receipt_opens_the_inbox_and_guesses_slow_only_the_guesser(programme, settings):
    report, receipt = submission_service.submit_report(programme=programme, submission=submission())
    guesser, reporter = Client("203.0.113.9"), Client("198.51.100.20")
    spaced = " ".join(receipt[i : i + 4] for i in (0, 4, 8, 12))
    assert inbox_service.open_inbox(receipt=spaced, client=reporter) == report
    settings.CANDOUR_RECEIPT_CLIENT_FREE_FAILURES = 3
    wrong = f"{(int(receipt) + 1) % 10**16:016d}"
    for _ in range(3):
        with pytest.raises(inbox_service.ReceiptRefused):
            inbox_service.open_inbox(receipt=wrong, client=guesser)
    with pytest.raises(inbox_service.TryLater):
        inbox_service.open_inbox(receipt="not a receipt", client=guesser)
    with pytest.raises(inbox_service.TryLater):
        inbox_service.open_inbox(receipt=receipt, client=guesser)
    assert inbox_service.open_inbox(receipt=receipt, client=reporter) == report


def test_question_reply_feedback_and_statuses(programme, intake):
    report, _ = submission_service.submit_report(programme=programme, submission=submission())
    intake_service.ask_reporter(user=intake, report=report, body="Which team was it?")
    report.refresh_from_db()
    assert report.status == Status.WAITING_FOR_REPORTER
    inbox_service.reply_as_reporter(report=report, body="The assessment team.")
    report.refresh_from_db()
    assert report.status == Status.IN_REVIEW
    intake_service.release_report(user=intake, report=report, texts={"what_happened": "Released."})
    intake_service.give_feedback(
        user=intake, report=report, body="We changed the handover checklist."
    )
    report.refresh_from_db()
    assert report.status == Status.FEEDBACK_GIVEN
    bodies = [m["body"] for m in conversation_service.read_messages(report=report)]
    assert bodies == [
        "Which team was it?",
        "The assessment team.",
        "We changed the handover checklist.",
    ]


def test_opening_needs_a_reason_and_is_audited_without_content(programme, intake):
    report, _ = submission_service.submit_report(
        programme=programme, submission=confidential_submission()
    )
    with pytest.raises(ValidationError):
        intake_service.open_narrative(user=intake, report=report, reason="why")
    intake_service.open_narrative(user=intake, report=report, reason="Reviewing redactions")
    contact = intake_service.open_contact(user=intake, report=report, reason="Follow-up question")
    assert contact["email"] == "sam.reporter@northbrook.example"
    entries = AuditEntry.objects.filter(object_ref=report.reference)
    assert {e.action for e in entries} == {"reporting.narrative.opened", "reporting.contact.opened"}
    for entry in entries:
        assert MARKER not in str(entry.__dict__)


def test_only_intake_officers_of_the_organisation_may_open(programme, analyst, charlie, make_user):
    report, _ = submission_service.submit_report(programme=programme, submission=submission())
    for user in (analyst, charlie, make_user("leader"), make_user("administrator")):
        with pytest.raises(PermissionDenied):
            intake_service.open_narrative(user=user, report=report, reason="Just looking around")


def test_release_then_code(programme, intake, analyst):
    report, _ = submission_service.submit_report(programme=programme, submission=submission())
    with pytest.raises(PermissionDenied):
        analysis_service.code_report(
            user=analyst,
            report=report,
            scie_patterns=[],
            london_factors=[],
            detection="supervision",
            mitigation="",
            harm="none",
            synopsis="x",
        )
    intake_service.open_narrative(user=intake, report=report, reason="Reviewing before release")
    intake_service.release_report(
        user=intake, report=report, texts={"what_happened": "[Child 1] was nearly sent home."}
    )
    coding = analysis_service.code_report(
        user=analyst,
        report=report,
        scie_patterns=["human_judgement"],
        london_factors=["team"],
        detection="supervision",
        mitigation="Manager checked",
        harm="none",
        synopsis="Near miss caught in supervision.",
    )
    assert coding.report.released == {"what_happened": "[Child 1] was nearly sent home."}


def test_disclosure_needs_a_second_intake_officer(programme, intake, intake2):
    report, _ = submission_service.submit_report(
        programme=programme, submission=confidential_submission()
    )
    disclosure = disclosure_service.request_disclosure(
        user=intake, report=report, reason="Police request under section 29"
    )
    with pytest.raises(PermissionDenied):
        disclosure_service.decide_disclosure(user=intake, disclosure=disclosure, approve=True)
    decided = disclosure_service.decide_disclosure(
        user=intake2, disclosure=disclosure, approve=True
    )
    assert decided.state == "approved"


def test_crypto_shredding_after_retention(programme, intake):
    report, receipt = submission_service.submit_report(
        programme=programme, submission=confidential_submission()
    )
    intake_service.open_narrative(user=intake, report=report, reason="Reviewing before release")
    intake_service.release_report(user=intake, report=report, texts={"what_happened": "Released."})
    intake_service.ask_reporter(user=intake, report=report, body="A question")
    intake_service.close_report(user=intake, report=report)
    assert retention_service.shred_due_reports(today=timezone.localdate()) == 0  # not yet over
    later = timezone.localdate() + timedelta(days=programme.retention_days)
    assert retention_service.shred_due_reports(today=later) == 1
    report.refresh_from_db()
    for sealed in ("narrative_key", "narrative", "draft", "contact_key", "contact"):
        assert getattr(report, sealed) is None
    assert report.released == {"what_happened": "Released."}
    assert not report.messages.exists()
    with pytest.raises(inbox_service.ReceiptRefused):
        inbox_service.open_inbox(receipt=receipt, client=Client("198.51.100.20"))
    with pytest.raises(PermissionDenied):
        intake_service.open_narrative(user=intake, report=report, reason="Trying after shredding")
