"""Models and retention: constraints, plan codes, and the purge a year after a plan ends."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from candour.accounts.models import Organisation
from candour.audit.models import AuditEntry
from candour.flags.models import (
    PLAN_TYPE_BY_SNOMED,
    SNOMED_CODES,
    LocalAuthorityContact,
    Plan,
    PlanType,
    Subject,
)
from candour.flags.services import retention as retention_service
from conftest import UK_JUST_PAST_MIDNIGHT

TODAY = date(2026, 11, 26)


def make_subject(organisation: Organisation, identifier: str = "4000000004", **fields) -> Subject:
    fields.setdefault("updated_on", TODAY)
    return Subject.objects.create(
        identifier_system="nhs",
        identifier=identifier,
        family_name="Smith",
        given_name="Ada",
        date_of_birth=date(2015, 3, 1),
        responsible_authority=organisation,
        created_on=date(2025, 1, 1),
        **fields,
    )


def test_snomed_codes() -> None:
    assert SNOMED_CODES == {
        PlanType.CPP: "342191000000101",
        PlanType.LAC: "764841000000100",
        PlanType.UNBORN_CPP: "818901000000100",
    }
    assert PLAN_TYPE_BY_SNOMED["818901000000100"] == PlanType.UNBORN_CPP


def test_subject_identifier_unique(organisation) -> None:
    make_subject(organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_subject(organisation)


def test_subject_identifier_must_be_ten_digits(organisation) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_subject(organisation, identifier="12345")


def test_one_plan_of_each_type(organisation) -> None:
    subject = make_subject(organisation)
    Plan.objects.create(subject=subject, plan_type=PlanType.CPP, start_date=date(2025, 1, 1))
    Plan.objects.create(subject=subject, plan_type=PlanType.LAC, start_date=date(2025, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(subject=subject, plan_type=PlanType.CPP, start_date=date(2025, 2, 1))


def test_plan_cannot_end_before_start(organisation) -> None:
    subject = make_subject(organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(
            subject=subject,
            plan_type=PlanType.CPP,
            start_date=date(2025, 2, 1),
            end_date=date(2025, 1, 1),
        )


def test_emergency_duty_phone_is_mandatory(organisation) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        LocalAuthorityContact.objects.create(
            organisation=organisation, display_name="Northbrook", emergency_duty_phone=""
        )
    contact = LocalAuthorityContact.objects.create(
        organisation=organisation,
        display_name="Northbrook children's services",
        office_hours_phone="01632 960000",
        emergency_duty_phone="01632 960001",
    )
    assert str(contact) == "Northbrook children's services"


# --- retention -------------------------------------------------------------------------------


def ended(organisation: Organisation, days_ago: int, identifier: str = "4000000004") -> Subject:
    subject = make_subject(organisation, identifier)
    Plan.objects.create(
        subject=subject,
        plan_type=PlanType.CPP,
        start_date=date(2020, 1, 1),
        end_date=TODAY - timedelta(days=days_ago),
    )
    return subject


def test_purge_at_365_days_not_364(organisation) -> None:
    kept = ended(organisation, 364, "4000000004")
    gone = ended(organisation, 365, "4000000012")
    assert retention_service.purge_expired(today=TODAY) == 1
    assert Subject.objects.filter(pk=kept.pk).exists()
    assert not Subject.objects.filter(pk=gone.pk).exists()
    assert not Plan.objects.filter(subject_id=gone.pk).exists()
    entry = AuditEntry.objects.get(action="flags.retention.purged")
    assert "1 subject" in entry.reason


def test_purge_waits_for_the_last_plan(organisation) -> None:
    subject = ended(organisation, 400)
    Plan.objects.create(
        subject=subject,
        plan_type=PlanType.LAC,
        start_date=date(2020, 1, 1),
        end_date=TODAY - timedelta(days=100),
    )
    assert retention_service.purge_expired(today=TODAY) == 0


def test_purge_keeps_subject_with_an_open_plan(organisation) -> None:
    subject = ended(organisation, 400)
    Plan.objects.create(subject=subject, plan_type=PlanType.LAC, start_date=date(2020, 1, 1))
    assert retention_service.purge_expired(today=TODAY) == 0
    assert Subject.objects.filter(pk=subject.pk).exists()


def test_purge_subject_without_plans_by_last_update(organisation) -> None:
    kept = make_subject(organisation, "4000000004", updated_on=TODAY - timedelta(days=364))
    gone = make_subject(organisation, "4000000012", updated_on=TODAY - timedelta(days=365))
    assert retention_service.purge_expired(today=TODAY) == 1
    assert Subject.objects.filter(pk=kept.pk).exists()
    assert not Subject.objects.filter(pk=gone.pk).exists()


def test_nothing_to_purge_writes_no_audit(db) -> None:
    assert retention_service.purge_expired(today=TODAY) == 0
    assert not AuditEntry.objects.filter(action="flags.retention.purged").exists()


@pytest.mark.clock
@pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT)  # it purges what is due by today
def test_retention_runs_by_hand_as_the_day_s_daily_job(organisation) -> None:
    ended(organisation, 2000)
    out = StringIO()
    call_command("run_daily_jobs", "flags.retention", stdout=out)
    assert "Ran today's flags.retention" in out.getvalue()
    assert not Subject.objects.exists()
