"""Analysts code released, de-identified reports; they never see anything sealed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from candour.accounts.models import Role, User
from candour.audit import services as audit
from candour.reporting import signals
from candour.reporting.models import Coding, Report
from candour.reporting.vocabulary import Detection, Harm, LondonFactor, SciePattern

SYNOPSIS_MAX = 2000


def _check_codes(
    *, scie_patterns: list[str], london_factors: list[str], detection: str, harm: str
) -> None:
    """The same vocabulary whoever calls (a form today, the API later)."""
    errors: dict[str, str] = {}
    if not set(scie_patterns) <= set(SciePattern.values):
        errors["scie_patterns"] = "Select patterns from the list"
    if not set(london_factors) <= set(LondonFactor.values):
        errors["london_factors"] = "Select factors from the list"
    if detection not in Detection.values:
        errors["detection"] = "Select how it was detected"
    if harm not in Harm.values:
        errors["harm"] = "Select the harm"
    if errors:
        raise ValidationError(errors)


def clean_coding(
    *,
    scie_patterns: list[str],
    london_factors: list[str],
    detection: str,
    mitigation: str,
    harm: str,
    synopsis: str,
) -> dict[str, object]:
    """A coding as ``code_report`` stores it (codes in the vocabulary's order, text trimmed),
    or ValidationError; for codings kept elsewhere (learning's blind second codings)."""
    _check_codes(
        scie_patterns=scie_patterns, london_factors=london_factors, detection=detection, harm=harm
    )
    if not synopsis.strip():
        raise ValidationError({"synopsis": "Enter a synopsis"})
    return {
        "scie_patterns": [v for v in SciePattern.values if v in scie_patterns],
        "london_factors": [v for v in LondonFactor.values if v in london_factors],
        "detection": detection,
        "mitigation": mitigation.strip()[:SYNOPSIS_MAX],
        "harm": harm,
        "synopsis": synopsis.strip()[:SYNOPSIS_MAX],
    }


@transaction.atomic
def code_report(
    *,
    user: User,
    report: Report,
    scie_patterns: list[str],
    london_factors: list[str],
    detection: str,
    mitigation: str,
    harm: str,
    synopsis: str,
) -> Coding:
    if user.role != Role.ANALYST or user.organisation_id != report.organisation_id:
        raise PermissionDenied
    if report.released is None:
        raise PermissionDenied
    _check_codes(
        scie_patterns=scie_patterns, london_factors=london_factors, detection=detection, harm=harm
    )
    if not synopsis.strip():
        raise ValidationError({"synopsis": "Enter a synopsis"})
    coding, _ = Coding.objects.update_or_create(
        report=report,
        defaults={
            "scie_patterns": [v for v in SciePattern.values if v in scie_patterns],
            "london_factors": [v for v in LondonFactor.values if v in london_factors],
            "detection": detection,
            "mitigation": mitigation.strip()[:SYNOPSIS_MAX],
            "harm": harm,
            "synopsis": synopsis.strip()[:SYNOPSIS_MAX],
            "coded_by_ref": str(user.reference),
            "coded_on": timezone.localdate(),
        },
    )
    audit.record(
        actor=user,
        action="reporting.report.coded",
        object_type="report",
        object_ref=report.reference,
    )
    report.coding = coding
    signals.report_coded.send(sender=Report, report=report)
    return coding
