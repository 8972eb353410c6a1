"""Organisations, teams and people. Public references are UUIDs, never integer keys."""

from __future__ import annotations

import re
import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac


def validate_patterns(value: str) -> None:
    for number, line in enumerate(value.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            re.compile(line.strip())
        except re.error as exc:
            raise ValidationError(
                f"Line {number} is not a valid regular expression ({exc.msg})"
            ) from None


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority children's services"
    NHS = "nhs", "NHS organisation"
    NATIONAL_PROGRAMME = "national_programme", "National programme"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    INTAKE_OFFICER = "intake_officer", "Intake officer"
    ANALYST = "analyst", "Analyst"
    LEADER = "leader", "Service leader"
    HEALTH_UNSCHEDULED = "health_unscheduled", "Health user (unscheduled care)"
    HEALTH_SCHEDULED = "health_scheduled", "Health user (scheduled care)"
    FLAG_MANAGER = "flag_manager", "Local authority flag manager"
    ADMINISTRATOR = "administrator", "Administrator"


# Which roles each kind of organisation may hold (data minimisation: an NHS trust has no
# practitioners of the confidential programme, a local authority no health users).
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.LOCAL_AUTHORITY: frozenset(
        {
            Role.PRACTITIONER,
            Role.INTAKE_OFFICER,
            Role.ANALYST,
            Role.LEADER,
            Role.FLAG_MANAGER,
            Role.ADMINISTRATOR,
        }
    ),
    OrganisationKind.NHS: frozenset(
        {Role.HEALTH_UNSCHEDULED, Role.HEALTH_SCHEDULED, Role.ADMINISTRATOR}
    ),
    OrganisationKind.NATIONAL_PROGRAMME: frozenset(
        {Role.INTAKE_OFFICER, Role.ANALYST, Role.LEADER, Role.ADMINISTRATOR}
    ),
}


class Organisation(models.Model):
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    ods_code = models.CharField("ODS code", max_length=10, blank=True)
    # How this organisation's case system writes case numbers, so de-identification
    # finds them: one regular expression a line (e.g. Mosaic IDs, LCS references).
    case_reference_patterns = models.TextField(
        blank=True, validators=[validate_patterns], help_text="One regular expression a line"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["ods_code"], condition=~Q(ods_code=""), name="unique_ods_code"
            ),
            models.CheckConstraint(
                condition=Q(kind=OrganisationKind.NATIONAL_PROGRAMME) | ~Q(ods_code=""),
                name="ods_code_required_for_la_and_nhs",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def case_reference_pattern_list(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.case_reference_patterns.splitlines() if p.strip())


class Team(models.Model):
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_team_name")
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="users")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    is_auditor = models.BooleanField(
        default=False, help_text="May read and filter the organisation's audit log."
    )
    is_active = models.BooleanField(default=True)
    # Bumped by "sign out everywhere": part of the session hash, so every session ends.
    session_generation = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        return salted_hmac(
            "candour.accounts.User.session",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def is_verified(self) -> bool:
        """Whether this session passed two-factor; django-otp's middleware replaces it."""
        return False

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class SignInThrottle(models.Model):
    """Recent failed sign-ins for one e-mail address, keyed by HMAC so no address is stored.
    Enough of them, with no long enough pause between, make signing in to the address need
    the security code with the password until ``step_up_until`` (ADR 0016): never a lock."""

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    step_up_until = models.DateTimeField(null=True, blank=True)
    # The last failure: a long enough pause after it starts the count afresh.
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"throttle {self.pk}"
