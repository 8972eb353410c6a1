"""Analysts' decisions about error traps: confirm and name, move through the lifecycle,
link and unlink reports, answer suggestions, merge and split. Every decision is audited
and survives later discovery runs."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from candour.accounts.models import Role, User
from candour.audit import services as audit
from candour.core.lifecycle import IllegalMove
from candour.learning.models.traps import ErrorTrap, Membership, TrapStatus
from candour.learning.selectors.pool import visible_reports
from candour.learning.trap_lifecycle import TRAP
from candour.notifications import services as outbox

NAME_MAX = 120
DESCRIPTION_MAX = 2000


def _require_analyst(user: User, trap: ErrorTrap | None = None) -> None:
    if user.role != Role.ANALYST:
        raise PermissionDenied
    if trap is not None and trap.organisation_id != user.organisation_id:
        raise PermissionDenied


def _audit(user: User, trap: ErrorTrap, action: str) -> None:
    audit.record(actor=user, action=action, object_type="error_trap", object_ref=trap.reference)


def _check_words(name: str, description: str) -> tuple[str, str]:
    name, description = name.strip(), description.strip()
    errors = {}
    if not name:
        errors["name"] = "Enter a name for the error trap"
    elif len(name) > NAME_MAX:
        errors["name"] = f"The name must be {NAME_MAX} characters or fewer"
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = f"The description must be {DESCRIPTION_MAX:,} characters or fewer"
    if errors:
        raise ValidationError(errors)
    return name, description


def _move(trap: ErrorTrap, event: str, **changes: object) -> None:
    try:
        TRAP.move(trap, event, **changes)
    except IllegalMove as error:
        raise ValidationError(str(error)) from None


@transaction.atomic
def confirm(*, user: User, trap: ErrorTrap, name: str, description: str) -> ErrorTrap:
    """A candidate becomes a named error trap; new reports are suggested to it from now on."""
    _require_analyst(user, trap)
    name, description = _check_words(name, description)
    _move(
        trap,
        "confirm",
        name=name,
        description=description,
        confirmed_by_ref=str(user.reference),
        confirmed_on=timezone.localdate(),
    )
    _audit(user, trap, "learning.trap.confirmed")
    return trap


@transaction.atomic
def describe(*, user: User, trap: ErrorTrap, name: str, description: str) -> ErrorTrap:
    _require_analyst(user, trap)
    name, description = _check_words(name, description)
    _move(trap, "describe", name=name, description=description)
    _audit(user, trap, "learning.trap.described")
    return trap


# Lifecycle events an analyst sends with a button, and the dates that follow them.
BUTTON_EVENTS = ("dismiss", "monitor", "resume", "close", "reopen")


@transaction.atomic
def change_status(*, user: User, trap: ErrorTrap, event: str) -> ErrorTrap:
    _require_analyst(user, trap)
    if event not in BUTTON_EVENTS:
        raise ValidationError("Choose what to do with the error trap")
    today = timezone.localdate()
    changes: dict[str, object] = {}
    if event in {"dismiss", "close"}:
        changes["closed_on"] = today
    elif event == "reopen":
        changes["closed_on"] = None
    _move(trap, event, **changes)
    _audit(user, trap, f"learning.trap.{event}")
    return trap


def _recount(trap: ErrorTrap) -> None:
    size = Membership.objects.filter(trap=trap, state=Membership.State.MEMBER).count()
    ErrorTrap.objects.filter(pk=trap.pk).update(size=size)
    trap.size = size


@transaction.atomic
def link(*, user: User, trap: ErrorTrap, reference: str) -> Membership:
    """Put a released report the analyst can read into the trap (or back into it)."""
    _require_analyst(user, trap)
    indexed = visible_reports(user=user).filter(reference=reference.strip().upper()).first()
    if indexed is None:
        raise ValidationError(
            {"reference": "Enter the reference of a released report, like R-ABCD-2345"}
        )
    membership, _ = Membership.objects.update_or_create(
        trap=trap,
        report_id=indexed.pk,
        defaults={
            "source": Membership.Source.LINKED,
            "state": Membership.State.MEMBER,
            "decided_by_ref": str(user.reference),
            "decided_on": timezone.localdate(),
        },
    )
    _recount(trap)
    _audit(user, trap, "learning.trap.report_linked")
    return membership


@transaction.atomic
def unlink(*, user: User, trap: ErrorTrap, membership: Membership) -> None:
    """Take a report out of the trap; later runs do not put it back."""
    _require_analyst(user, trap)
    if membership.trap_id != trap.pk:
        raise PermissionDenied
    membership.state = Membership.State.EXCLUDED
    membership.decided_by_ref = str(user.reference)
    membership.decided_on = timezone.localdate()
    membership.save()
    _recount(trap)
    _audit(user, trap, "learning.trap.report_unlinked")


@transaction.atomic
def request_discovery(*, user: User) -> None:
    """Run discovery for the analyst's organisation soon (in the worker, not the request)."""
    _require_analyst(user)
    outbox.enqueue(
        kind="learning.discover_error_traps_now",
        payload={"organisation": str(user.organisation.reference)},
        idempotency_key=f"discover-now:{user.organisation.reference}:{timezone.now():%Y%m%d%H%M}",
    )
    audit.record(actor=user, action="learning.traps.requested")


@transaction.atomic
def answer_suggestion(*, user: User, trap: ErrorTrap, membership: Membership, accept: bool) -> None:
    """Accept a suggested report into the trap, or reject it; later runs keep the answer."""
    _require_analyst(user, trap)
    if membership.trap_id != trap.pk:
        raise PermissionDenied
    answered = Membership.objects.filter(pk=membership.pk, state=Membership.State.SUGGESTED).update(
        state=Membership.State.MEMBER if accept else Membership.State.EXCLUDED,
        decided_by_ref=str(user.reference),
        decided_on=timezone.localdate(),
    )
    if not answered:
        raise ValidationError("This suggestion has already been answered")
    _recount(trap)
    _audit(
        user,
        trap,
        "learning.trap.suggestion_accepted" if accept else "learning.trap.suggestion_rejected",
    )


def _open_trap(user: User, reference: str) -> ErrorTrap:
    trap = (
        ErrorTrap.objects.filter(organisation=user.organisation, reference=reference.strip())
        .exclude(status=TrapStatus.CLOSED)
        .first()
        if _is_uuid(reference)
        else None
    )
    if trap is None:
        raise ValidationError({"other": "Choose an open error trap"})
    return trap


def _is_uuid(text: str) -> bool:
    try:
        UUID(text.strip())
    except ValueError:
        return False
    return True


@transaction.atomic
def merge(*, user: User, trap: ErrorTrap, other_reference: str) -> ErrorTrap:
    """Merge another open trap into this one: its reports join this trap (as the analyst's
    links), and it is closed, kept so later runs send what resembles it here (ADR 0020)."""
    _require_analyst(user, trap)
    other = _open_trap(user, other_reference)
    if other.pk == trap.pk:
        raise ValidationError({"other": "Choose a different error trap to merge into this one"})
    if trap.status == TrapStatus.CLOSED:
        raise ValidationError("This error trap is closed. Reopen it before merging into it.")
    decided = set(
        Membership.objects.filter(trap=trap)
        .exclude(decided_by_ref="")
        .values_list("report_id", flat=True)
    )
    today = timezone.localdate()
    for report_id in (
        Membership.objects.filter(trap=other, state=Membership.State.MEMBER)
        .exclude(report_id__in=decided)
        .values_list("report_id", flat=True)
    ):
        Membership.objects.update_or_create(
            trap=trap,
            report_id=report_id,
            defaults={
                "source": Membership.Source.LINKED,
                "state": Membership.State.MEMBER,
                "decided_by_ref": str(user.reference),
                "decided_on": today,
            },
        )
    # Its waiting suggestions are no longer anyone's question.
    Membership.objects.filter(trap=other, state=Membership.State.SUGGESTED).delete()
    _move(other, "merge", merged_into=trap, closed_on=today)
    _recount(trap)
    _audit(user, other, "learning.trap.merged")
    _audit(user, trap, "learning.trap.merged_into")
    return trap


@transaction.atomic
def split(*, user: User, trap: ErrorTrap, references: list[str]) -> ErrorTrap:
    """Move the chosen reports out of the trap into a new candidate trap, as the analyst's
    decisions: later runs neither put them back nor take them from the new trap."""
    _require_analyst(user, trap)
    if trap.status == TrapStatus.CLOSED:
        raise ValidationError("This error trap is closed, so it cannot be split.")
    members = Membership.objects.filter(trap=trap, state=Membership.State.MEMBER)
    chosen = list(members.filter(report__reference__in=references).select_related("report"))
    if not chosen:
        raise ValidationError({"reports": "Choose the reports to move to the new trap"})
    if len(chosen) == members.count():
        raise ValidationError({"reports": "Leave at least one report in this trap"})
    today = timezone.localdate()
    number = (
        ErrorTrap.objects.select_for_update()
        .filter(organisation=trap.organisation)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    ) + 1
    new = ErrorTrap.objects.create(
        organisation=trap.organisation,
        number=number,
        first_found_on=today,
        last_run=trap.last_run,
        authorities=len({m.report.organisation_id for m in chosen}),
    )
    for membership in chosen:
        Membership.objects.create(
            trap=new,
            report_id=membership.report_id,
            source=Membership.Source.LINKED,
            state=Membership.State.MEMBER,
            decided_by_ref=str(user.reference),
            decided_on=today,
        )
        membership.state = Membership.State.EXCLUDED
        membership.decided_by_ref = str(user.reference)
        membership.decided_on = today
        membership.save()
    _recount(trap)
    _recount(new)
    _audit(user, trap, "learning.trap.split")
    _audit(user, new, "learning.trap.split_from")
    return new
