"""Background jobs of the reporting programme. E-mails carry references, never content.

The daily duties (crypto-shredding, forgetting sealed receipts, the intake officers' digest)
are daily outbox jobs the worker schedules itself (``notifications.schedule``): no cron to
forget, one run per day however many workers there are.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from candour.accounts import selectors as accounts
from candour.accounts.models import Role
from candour.notifications.models import Job
from candour.notifications.registry import job_handler
from candour.notifications.schedule import daily_job, job_day
from candour.notifications.services import send_email_once
from candour.reporting import selectors
from candour.reporting.services import retention
from candour.reporting.services.sealing import contact_details


@job_handler("reporting.notify_reporter")
def notify_reporter(job: Job) -> None:
    """Tell a confidential reporter that something is waiting; say nothing else."""
    report = selectors.find_report(reference=job.payload["report"])
    contact = contact_details(report) if report is not None else None
    if contact is None or not contact.get("email"):
        return  # destroyed, anonymous or no e-mail address: nobody to tell
    link = settings.CANDOUR_BASE_URL.rstrip("/") + reverse("reporting:inbox")
    send_email_once(
        job=job,
        message_key="waiting",
        to=contact["email"],
        subject="Something is waiting for you",
        body=(
            "There is a new message for you in the confidential reporting inbox.\n\n"
            f"Open it with your receipt code at {link}\n\n"
            "This e-mail says nothing else, on purpose."
        ),
    )


@job_handler("reporting.send_alert")
def send_alert(job: Job) -> None:
    """Tell the safety lead that a hazard needs action now (the reference only)."""
    alert = selectors.find_safety_alert(pk=job.payload["alert"])
    if alert is None or not alert.report.organisation.programme.safety_lead_email:
        return
    programme = alert.report.organisation.programme
    send_email_once(
        job=job,
        message_key="alert",
        to=programme.safety_lead_email,
        subject=f"Safety alert from the confidential programme ({alert.report.reference})",
        body=(
            "The confidential reporting programme has raised a safety alert that needs action "
            f"now, reference {alert.report.reference}. Contact the programme's intake team "
            "for the de-identified details."
        ),
    )


@job_handler("reporting.alert_receipt_guessing")
def alert_receipt_guessing(job: Job) -> None:
    """Tell the administrators of every organisation with a programme that receipts are
    being guessed (ADR 0016): nobody is locked out, so people must know to act."""
    per_minute = job.payload.get("per_minute")
    for programme in selectors.list_programmes():
        for key, address in accounts.list_administrator_addresses(
            organisation_id=programme.organisation_id
        ):
            send_email_once(
                job=job,
                message_key=f"receipt-guessing-{key}",
                to=address,
                subject="Someone may be guessing receipt codes",
                body=(
                    f"candour has seen more than {per_minute} receipt codes a minute that "
                    "opened no report inbox. Each client that keeps trying is slowed down and "
                    "reporters can still open their inboxes, but a large number of clients "
                    "could be guessing together. Check with whoever runs the service whether "
                    "to block the traffic at the network's edge."
                ),
            )


@daily_job("reporting.retention", at=dt.time(2, 15))
def daily_retention(job: Job) -> None:
    """Destroy the keys of reports past retention; forget day-old sealed receipts."""
    today = job_day(job)
    retention.shred_due_reports(today=today)
    retention.forget_sealed_receipts(today=today)


@daily_job("reporting.intake_digest", at=dt.time(7, 30))
def intake_digest(job: Job) -> None:
    """Each intake officer with reports waiting gets a count, never a per-report e-mail."""
    link = settings.CANDOUR_BASE_URL.rstrip("/") + reverse("reporting:intake_queue")
    officers = accounts.list_addresses_by_role(role=Role.INTAKE_OFFICER)
    for reference, email, organisation_id in officers:
        waiting = selectors.count_waiting(organisation_id=organisation_id)
        if not waiting:
            continue
        send_email_once(
            job=job,
            message_key=f"digest:{reference}",
            to=email,
            subject="Confidential reports waiting",
            body=(
                f"{waiting} report{'s are' if waiting != 1 else ' is'} waiting for review in "
                f"the confidential programme. Sign in to read them: {link}"
            ),
        )
