"""Child protection flags (CP-IS style): who is flagged, under which plans, and uploads.

PERSONAL DATA: `Subject` holds a national health identifier, names and a date of birth, kept
only to match lookups and uploads (reference sheet §2.2) and deleted by `purge_expired` a year
after the last plan ends (§2.1). Names and dates are stored as the local authority sent them.
Nothing else here (upload results, messages, audit) carries an identifier in full.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, Final

from django.db import models
from django.db.models import Q

from candour.accounts.models import Organisation, OrganisationKind
from candour.flags.identifiers import IdentifierSystem


class PlanType(models.TextChoices):
    CPP = "CPP", "Child protection plan"
    LAC = "LAC", "Looked after child"
    UNBORN_CPP = "UNBORN_CPP", "Unborn child subject to a child protection plan"


# SNOMED CT concepts, ValueSet England-ChildProtectionPlan (reference sheet §2.2).
SNOMED_CODES: dict[str, str] = {
    PlanType.CPP: "342191000000101",
    PlanType.LAC: "764841000000100",
    PlanType.UNBORN_CPP: "818901000000100",
}
PLAN_TYPE_BY_SNOMED: dict[str, str] = {code: plan for plan, code in SNOMED_CODES.items()}


class Subject(models.Model):
    """A child, or for an unborn child's plan the mother. Personal data: see module docstring."""

    identifier_system = models.CharField(
        max_length=3, choices=[(s.value, s.label) for s in IdentifierSystem]
    )
    identifier = models.CharField(max_length=10)
    family_name = models.CharField(max_length=200)
    given_name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    responsible_authority = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="flag_subjects",
        limit_choices_to={"kind": OrganisationKind.LOCAL_AUTHORITY},
    )
    created_on = models.DateField()
    updated_on = models.DateField()

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["identifier_system", "identifier"], name="unique_flag_subject"
            ),
            models.CheckConstraint(
                condition=Q(identifier__regex=r"^[0-9]{10}$"), name="flag_identifier_ten_digits"
            ),
        ]

    def __str__(self) -> str:
        # Never the identifier in full: this ends up in logs and admin screens.
        return f"subject ending {self.identifier[-3:]}"


class Plan(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="plans")
    plan_type = models.CharField(max_length=12, choices=PlanType.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["subject", "plan_type"], name="one_plan_of_each_type"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="plan_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_type} for {self.subject}"

    @property
    def snomed_code(self) -> str:
        return SNOMED_CODES[self.plan_type]


class LocalAuthorityContact(models.Model):
    """Whom a clinician calls about a flag; the emergency duty phone is mandatory (§2.2)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="flag_contact",
        limit_choices_to={"kind": OrganisationKind.LOCAL_AUTHORITY},
    )
    display_name = models.CharField(max_length=200)
    office_hours_phone = models.CharField(max_length=30, blank=True)
    emergency_duty_phone = models.CharField(max_length=30)
    # Where access notifications go besides the in-app inbox (either, both or neither), and
    # whom to tell when one is not acknowledged in time (the emergency duty team's mailbox).
    notification_email = models.EmailField(blank=True)
    webhook_url = models.URLField(blank=True)
    webhook_secret = models.CharField(max_length=64, blank=True)
    escalation_email = models.EmailField(blank=True)
    escalate_after_minutes = models.PositiveIntegerField(default=120)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=~Q(emergency_duty_phone=""), name="emergency_duty_phone_required"
            )
        ]

    def __str__(self) -> str:
        return self.display_name


class UploadStatus(models.TextChoices):
    """Where a file is in its life (candour/flags/lifecycle.py owns the moves)."""

    RECEIVED = "received", "Received"
    APPLYING = "applying", "Being applied"
    APPLIED = "applied", "Applied"
    MALFORMED = "malformed", "Malformed"


class FileResult(models.TextChoices):
    """Per file, like CP-IS CPF01-CPF04 (reference sheet §3.1)."""

    ALL_LOADED = "all_loaded", "All lines loaded"
    PARTLY_LOADED = "partly_loaded", "Some lines loaded"
    NOTHING_LOADED = "nothing_loaded", "No lines loaded"
    MALFORMED = "malformed", "File malformed: nothing read"


class LineResult(models.TextChoices):
    """Per line. The first three mean the line was applied; the rest that it was refused."""

    LOADED = "loaded", "Loaded"
    PLAN_ENDED = "plan_ended", "Plan ended"
    PLAN_DELETED = "plan_deleted", "Plan deleted"
    INVALID_IDENTIFIER = "invalid_identifier", "Not a valid identifier"
    IDENTIFIER_CHECKSUM_WRONG = "identifier_checksum_wrong", "Identifier check digit wrong"
    MISSING_MANDATORY_FIELD = "missing_mandatory_field", "Mandatory field missing"
    VALUE_TOO_LONG = "value_too_long", "Value too long"
    INVALID_DATE = "invalid_date", "Date not YYYY-MM-DD"
    DATE_INCONSISTENT = "date_inconsistent", "Dates inconsistent"
    DUPLICATE_IN_FILE = "duplicate_in_file", "Same identifier and plan earlier in the file"
    UNKNOWN_PLAN_TYPE = "unknown_plan_type", "Unknown plan type"
    UNKNOWN_ACTION = "unknown_action", "Unknown action"
    PLAN_NOT_FOUND = "plan_not_found", "No such plan held"
    PLAN_ALREADY_ENDED = "plan_already_ended", "Plan already ended"
    # Only for an upsert: an end or delete answers plan_not_found, as for a child nobody holds,
    # so no answer says whether another authority holds a child (ADR 0015).
    OTHER_AUTHORITY = "other_authority", "Record held by another local authority"


APPLIED_RESULTS = frozenset({LineResult.LOADED, LineResult.PLAN_ENDED, LineResult.PLAN_DELETED})


class Upload(models.Model):
    """One file from a local authority; its sequence number makes a resend harmless.

    A readable file holds its sequence number from the moment it is received; a malformed
    one is kept (the authority sees what happened) but leaves the number free for the
    corrected file. `data` is the file as sent, personal data, kept only until it is applied;
    `lines_done` is how many of its lines have a result, so the worker resumes where it
    stopped. The result fields are published together when the last line is applied.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="flag_uploads"
    )
    sequence = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=UploadStatus.choices, default=UploadStatus.RECEIVED
    )
    result = models.CharField(max_length=16, choices=FileResult.choices, blank=True)
    message = models.CharField(max_length=500, blank=True)
    lines_total = models.PositiveIntegerField(default=0)
    lines_applied = models.PositiveIntegerField(default=0)
    lines_refused = models.PositiveIntegerField(default=0)
    # Lines by result, e.g. {"loaded": 2, "identifier_checksum_wrong": 1}, once applied.
    result_counts = models.JSONField(default=dict, blank=True)
    received_on = models.DateField()
    data = models.BinaryField(null=True, editable=False)
    accepts_test_numbers = models.BooleanField(default=False)
    lines_done = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["organisation", "sequence"],
                condition=~Q(status="malformed"),
                name="one_upload_per_sequence",
            )
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["organisation", "sequence"], name="flag_upload_sequence"),
        ]

    def __str__(self) -> str:
        return f"upload {self.sequence} from {self.organisation_id}"


class UploadLine(models.Model):
    """The result of one data line. `message` names the field, never a full identifier."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    result = models.CharField(max_length=32, choices=LineResult.choices)
    field = models.CharField(max_length=32, blank=True)
    message = models.CharField(max_length=500, blank=True)
    # For an upsert refused because another authority holds the child: that record and the
    # plan type sent, so the holding authority can see who else has a plan for its child.
    subject = models.ForeignKey(
        "Subject", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plan_type = models.CharField(max_length=12, choices=PlanType.choices, blank=True)

    class Meta:
        ordering = ["line_number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["upload", "line_number"], name="unique_upload_line")
        ]

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.result}"


class CareSetting(models.TextChoices):
    """Where a health user looks a child up, declared on every lookup (reference sheet §3.2).

    Unscheduled settings notify the local authority; scheduled ones read silently (§3.4).
    """

    EMERGENCY_DEPARTMENT = "emergency_department", "Emergency department"
    URGENT_TREATMENT_CENTRE = "urgent_treatment_centre", "Urgent treatment centre or minor injuries"
    OUT_OF_HOURS_GP = "out_of_hours_gp", "Out-of-hours GP"
    NHS_111 = "nhs_111", "NHS 111, NHS 24 or other telephone triage"
    AMBULANCE = "ambulance", "Ambulance service"
    UNSCHEDULED_MATERNITY = "unscheduled_maternity", "Maternity (unscheduled)"
    GP_IN_HOURS = "gp_in_hours", "GP practice (in hours)"
    COMMUNITY_PAEDIATRICS = "community_paediatrics", "Community paediatrics"
    CAMHS = "camhs", "Child and adolescent mental health services"
    ZERO_TO_NINETEEN = "zero_to_nineteen", "Health visiting or school nursing (0 to 19)"
    SARC = "sarc", "Sexual assault referral centre"
    DENTISTRY = "dentistry", "Dentistry"


UNSCHEDULED_SETTINGS: frozenset[str] = frozenset(
    {
        CareSetting.EMERGENCY_DEPARTMENT,
        CareSetting.URGENT_TREATMENT_CENTRE,
        CareSetting.OUT_OF_HOURS_GP,
        CareSetting.NHS_111,
        CareSetting.AMBULANCE,
        CareSetting.UNSCHEDULED_MATERNITY,
    }
)
SCHEDULED_SETTINGS: frozenset[str] = frozenset(CareSetting.values) - UNSCHEDULED_SETTINGS


class SystemClient(models.Model):
    """A clinical or case-management system calling the API with a key (reference sheet §2.2,
    "device" access). Only a hash of the key is kept; the key is shown once, when issued."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="flag_clients"
    )
    name = models.CharField(max_length=200)
    # The system's care setting decides whether its lookups notify (health organisations only).
    care_setting = models.CharField(max_length=32, choices=CareSetting.choices, blank=True)
    key_prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    hourly_limit = models.PositiveIntegerField()
    daily_limit = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"system {self.key_prefix}"


# How many earlier accesses a lookup shows, as CP-IS does (reference sheet §2.2).
ACCESS_HISTORY_LENGTH: Final = 25


class Access(models.Model):
    """One lookup that found a record: the access history shown to health and the LA (§2.2).

    Deleted with its subject. Names who looked (a person, or a system and the person it named
    as responsible), never why: CP-IS carries no clinical reason and neither does this.
    """

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="accesses")
    accessed_at = models.DateTimeField()
    care_setting = models.CharField(max_length=32, choices=CareSetting.choices)
    unscheduled = models.BooleanField()
    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client = models.ForeignKey(
        SystemClient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person_name = models.CharField(max_length=200)
    role_label = models.CharField(max_length=100)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["subject", "-accessed_at"], name="flag_access_recent"),
        ]

    def __str__(self) -> str:
        return f"access {self.reference}"


class Notification(models.Model):
    """Tells the responsible LA of an unscheduled-care access, written with the access (§3.3)."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    access = models.OneToOneField(Access, on_delete=models.CASCADE, related_name="notification")
    authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="flag_notifications"
    )
    created_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    webhook_delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["authority", "-created_at"], name="flag_notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"notification {self.reference}"


class LookupCounter(models.Model):
    """Lookups (or misses) by one person or system in one fixed window, for rate limits."""

    principal = models.CharField(max_length=64)
    # "h2026112614" (lookups that hour), "d20261126" (that day), "m2026112614" (misses that hour)
    period = models.CharField(max_length=16)
    total = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["principal", "period"], name="unique_lookup_period")
        ]

    def __str__(self) -> str:
        return f"{self.principal} {self.period}: {self.total}"


class AlertKind(models.TextChoices):
    RATE_LIMIT = "rate_limit", "Lookup limit reached"
    ENUMERATION = "enumeration", "Many lookups that found no record"


class AbuseAlert(models.Model):
    """Raised once per person or system and window, for the organisation's administrators."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="flag_alerts"
    )
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    principal = models.CharField(max_length=64)
    principal_label = models.CharField(max_length=300)
    period = models.CharField(max_length=16)
    total = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["principal", "kind", "period"], name="one_alert_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} alert {self.reference}"
