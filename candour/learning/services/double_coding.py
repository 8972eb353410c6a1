"""Double coding: choosing released reports to code twice, the blind second coding, and the
reconciliation that keeps one agreed coding (issue 11, part 5).

- On a report's first release, ``on_released`` chooses it when a keyed digest of its
  reference falls in the organisation's share: deterministic (a re-run chooses the same
  reports) but not guessable by anyone without candour's key, so nobody can tell in advance
  which of their reports will be checked.
- ``on_coded`` copies the report's ordinary coding as the first coding until a second
  coding exists; after that the originals never change.
- ``record_second_coding``: another analyst of the same organisation codes it without
  seeing the first coding (the pages show neither coding to the other coder).
- ``reconcile``: an analyst keeps one agreed coding, written to the report through
  ``reporting.services.analysis.code_report``; both originals stay for the figures.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from candour.accounts.models import Role, User
from candour.audit import services as audit
from candour.core import keys
from candour.core.lifecycle import IllegalMove
from candour.learning.lifecycle import DOUBLE_CODING
from candour.learning.models.double_coding import DoubleCoding, DoubleCodingPolicy
from candour.learning.selectors import double_coding as selectors
from candour.reporting.models import Coding, Report
from candour.reporting.services import analysis

KEY_PURPOSE = "learning.double-coding"
SAME_CODER = (
    "You made the first coding of this report. Another analyst must code it a second "
    "time, without seeing yours."
)


def bucket(reference: str) -> int:
    """Where a report falls in [0, 100): a keyed digest of its reference."""
    return int(keys.digest(KEY_PURPOSE, reference)[:16], 16) % 100


def is_chosen(reference: str, *, share_percent: int) -> bool:
    return bucket(reference) < share_percent


def coding_values(coding: Coding) -> dict[str, Any]:
    """A report's coding as kept here: codes and texts, not who or when."""
    return {
        "scie_patterns": list(coding.scie_patterns),
        "london_factors": list(coding.london_factors),
        "detection": coding.detection,
        "mitigation": coding.mitigation,
        "harm": coding.harm,
        "synopsis": coding.synopsis,
    }


def on_released(report: Report, *, first: bool) -> DoubleCoding | None:
    """Choose the report for double coding on its first release (inside the release)."""
    if not first:
        return None
    share = selectors.current_share(organisation=report.organisation)
    if not is_chosen(report.reference, share_percent=share):
        return None
    chosen, _ = DoubleCoding.objects.get_or_create(
        report=report,
        defaults={
            "organisation_id": report.organisation_id,
            "share_percent": share,
            "selected_on": timezone.localdate(),
        },
    )
    return chosen


def on_coded(report: Report) -> None:
    """Keep the first coding in step with the report's coding until a second one exists."""
    chosen = selectors.find_for_report(report=report)
    coding: Coding | None = getattr(report, "coding", None)
    if chosen is None or coding is None or not DOUBLE_CODING.allows(chosen, "record_first"):
        return
    try:
        DOUBLE_CODING.move(
            chosen,
            "record_first",
            first_coding=coding_values(coding),
            first_coded_by_ref=coding.coded_by_ref,
            first_coded_on=coding.coded_on,
        )
    except IllegalMove:
        # The second coding arrived meanwhile: the first is frozen as it was then, and the
        # analyst's own coding of the report is still saved.
        return


def _check_analyst(user: User, chosen: DoubleCoding) -> None:
    if user.role != Role.ANALYST or user.organisation_id != chosen.organisation_id:
        raise PermissionDenied


@transaction.atomic
def record_second_coding(
    *,
    user: User,
    double_coding: DoubleCoding,
    scie_patterns: list[str],
    london_factors: list[str],
    detection: str,
    mitigation: str,
    harm: str,
    synopsis: str,
) -> DoubleCoding:
    """Record another analyst's blind coding of a report that has its first coding."""
    _check_analyst(user, double_coding)
    DOUBLE_CODING.check(double_coding, "record_second")
    if double_coding.first_coded_by_ref == str(user.reference):
        raise ValidationError(SAME_CODER)
    values = analysis.clean_coding(
        scie_patterns=scie_patterns,
        london_factors=london_factors,
        detection=detection,
        mitigation=mitigation,
        harm=harm,
        synopsis=synopsis,
    )
    DOUBLE_CODING.move(
        double_coding,
        "record_second",
        second_coding=values,
        second_coded_by_ref=str(user.reference),
        second_coded_on=timezone.localdate(),
    )
    audit.record(
        actor=user,
        action="learning.double_coding.second_coded",
        object_type="report",
        object_ref=double_coding.report.reference,
    )
    return double_coding


@transaction.atomic
def reconcile(
    *,
    user: User,
    double_coding: DoubleCoding,
    scie_patterns: list[str],
    london_factors: list[str],
    detection: str,
    mitigation: str,
    harm: str,
    synopsis: str,
) -> DoubleCoding:
    """Keep one agreed coding: it becomes the report's coding; the originals stay here."""
    _check_analyst(user, double_coding)
    DOUBLE_CODING.check(double_coding, "reconcile")
    coding = analysis.code_report(
        user=user,
        report=double_coding.report,
        scie_patterns=scie_patterns,
        london_factors=london_factors,
        detection=detection,
        mitigation=mitigation,
        harm=harm,
        synopsis=synopsis,
    )
    DOUBLE_CODING.move(
        double_coding,
        "reconcile",
        agreed_coding=coding_values(coding),
        reconciled_by_ref=str(user.reference),
        reconciled_on=timezone.localdate(),
    )
    audit.record(
        actor=user,
        action="learning.double_coding.reconciled",
        object_type="report",
        object_ref=double_coding.report.reference,
    )
    return double_coding


@transaction.atomic
def set_share(*, admin: User, share_percent: int) -> DoubleCodingPolicy:
    """The administrator chooses the share of released reports coded twice (0 to 100)."""
    if admin.role != Role.ADMINISTRATOR:
        raise PermissionDenied
    if not 0 <= share_percent <= 100:
        raise ValidationError({"share_percent": "The percentage must be between 0 and 100"})
    before = selectors.current_share(organisation=admin.organisation)
    policy, _ = DoubleCodingPolicy.objects.select_for_update().update_or_create(
        organisation=admin.organisation,
        defaults={
            "share_percent": share_percent,
            "changed_by_ref": str(admin.reference),
            "changed_on": timezone.localdate(),
        },
    )
    audit.record(
        actor=admin,
        action="learning.double_coding.share_changed",
        object_type="organisation",
        object_ref=str(admin.organisation.reference),
        reason=f"share of released reports coded twice: from {before}% to {share_percent}%",
    )
    return policy
