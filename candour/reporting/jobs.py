"""Background jobs of the reporting programme. E-mails carry references, never content."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from candour.notifications.models import Job
from candour.notifications.registry import job_handler
from candour.notifications.services import send_email_once
from candour.reporting import crypto
from candour.reporting.models import Programme, Report, SafetyAlert
from candour.reporting.services import _aad


@job_handler("reporting.notify_reporter")
def notify_reporter(job: Job) -> None:
    """Tell a confidential reporter that something is waiting; say nothing else."""
    report = Report.objects.filter(reference=job.payload["report"]).first()
    if report is None or report.contact_key is None or report.contact is None:
        return  # destroyed or anonymous: nobody to tell
    key = crypto.unwrap_key(bytes(report.contact_key), purpose=_aad(report, "contact-key"))
    contact = crypto.decrypt(key, bytes(report.contact), aad=_aad(report, "contact"))
    if not contact.get("email"):
        return
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
    alert = SafetyAlert.objects.select_related("report").filter(pk=job.payload["alert"]).first()
    if alert is None:
        return
    programme = Programme.objects.get(organisation_id=alert.report.organisation_id)
    if not programme.safety_lead_email:
        return
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
