from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand

from candour.accounts.models import Role, User
from candour.reporting import services


class Command(BaseCommand):
    help = (
        "Daily, at a fixed time: destroy keys of reports past retention, forget sealed "
        "receipts, and send intake officers a digest (a count, never a per-report e-mail)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        shredded = services.shred_due_reports()
        forgotten = services.forget_sealed_receipts()
        sent = 0
        officers = User.objects.filter(role=Role.INTAKE_OFFICER, is_active=True)
        for officer in officers.select_related("organisation"):
            waiting = services.count_waiting(organisation_id=officer.organisation_id)
            if not waiting:
                continue
            send_mail(
                subject="Confidential reports waiting",
                message=(
                    f"{waiting} report(s) are waiting for review in the confidential "
                    f"programme. Sign in at {settings.CANDOUR_BASE_URL} to read them."
                ),
                from_email=None,
                recipient_list=[officer.email],
            )
            sent += 1
        self.stdout.write(f"Shredded {shredded}, forgot {forgotten} receipts, sent {sent} digests.")
