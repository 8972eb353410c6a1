"""Disclosing a confidential reporter's identity outside the programme: one intake officer
asks, with a reason; a second decides. Both are audited with the reason."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from candour.accounts.models import User
from candour.audit import services as audit
from candour.reporting.models import Disclosure, Report
from candour.reporting.services.intake import check_reason, require_intake
from candour.reporting.vocabulary import Confidentiality


@transaction.atomic
def request_disclosure(*, user: User, report: Report, reason: str) -> Disclosure:
    """Ask to disclose the reporter's identity outside the programme (needs a second officer)."""
    require_intake(user, report)
    if report.confidentiality != Confidentiality.CONFIDENTIAL:
        raise ValidationError({"reason": "An anonymous report has no identity to disclose"})
    disclosure = Disclosure.objects.create(
        report=report, requested_by_ref=str(user.reference), reason=check_reason(reason)
    )
    audit.record(
        actor=user,
        action="reporting.disclosure.requested",
        object_type="report",
        object_ref=report.reference,
        reason=disclosure.reason,
    )
    return disclosure


@transaction.atomic
def decide_disclosure(*, user: User, disclosure: Disclosure, approve: bool) -> Disclosure:
    report = disclosure.report
    require_intake(user, report)
    if str(user.reference) == disclosure.requested_by_ref:
        raise PermissionDenied("A second intake officer must decide.")
    state = Disclosure.State.APPROVED if approve else Disclosure.State.REFUSED
    # Decided once: the UPDATE takes effect only while the request is still open, so two
    # officers deciding at the same moment cannot both win (the last write would otherwise).
    decided = Disclosure.objects.filter(pk=disclosure.pk, state=Disclosure.State.REQUESTED).update(
        state=state, decided_by_ref=str(user.reference)
    )
    if not decided:
        raise ValidationError("This request has already been decided")
    disclosure.state, disclosure.decided_by_ref = state, str(user.reference)
    audit.record(
        actor=user,
        action=f"reporting.disclosure.{'approved' if approve else 'refused'}",
        object_type="report",
        object_ref=report.reference,
        reason=disclosure.reason,
    )
    return disclosure
