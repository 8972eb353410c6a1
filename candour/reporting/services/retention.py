"""Destroying what must not outlive its use: the keys of closed reports (crypto-shredding)
and, after a day, the sealed receipt kept for retried submissions. Run by the worker's daily
job (``reporting.daily`` in jobs.py), never by hand-kept cron."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from candour.audit import services as audit
from candour.reporting.models import Message, Programme, Report, Status


def shred_due_reports(*, today: date) -> int:
    """Destroy the keys (and ciphertext) of raw narrative and contact details of reports
    closed longer ago than their programme's retention period. Returns how many."""
    shredded = 0
    retention = dict(Programme.objects.values_list("organisation_id", "retention_days"))
    due = Report.objects.filter(
        status=Status.CLOSED, closed_on__isnull=False, shredded_on__isnull=True
    ).select_related("organisation")
    for report in due:
        closed_on = report.closed_on
        if (
            closed_on is None
            or closed_on + timedelta(days=retention[report.organisation_id]) > today
        ):
            continue
        with transaction.atomic():
            # Only if it is still closed on the same day: a reopened report keeps its keys.
            updated = Report.objects.filter(
                pk=report.pk, status=Status.CLOSED, closed_on=closed_on
            ).update(
                narrative_key=None,
                narrative=None,
                draft=None,
                review_draft=None,
                contact_key=None,
                contact=None,
                receipt_sealed=None,
                receipt_active=False,
                shredded_on=today,
            )
            if not updated:
                continue
            Message.objects.filter(report=report).delete()
            audit.record(
                actor=audit.SYSTEM,
                organisation=report.organisation,
                action="reporting.report.shredded",
                object_type="report",
                object_ref=report.reference,
            )
        shredded += 1
    return shredded


def forget_sealed_receipts(*, today: date) -> int:
    """Stop answering retried submissions with a receipt once a day has passed."""
    return Report.objects.filter(
        receipt_sealed__isnull=False, received_on__lt=today - timedelta(days=1)
    ).update(receipt_sealed=None)
