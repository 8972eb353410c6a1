from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from candour.accounts.models import ROLES_BY_KIND, Organisation, OrganisationKind, Role, User
from candour.demo.services import DEMO_PASSWORD
from conftest import UK_JUST_PAST_MIDNIGHT

pytestmark = pytest.mark.django_db


def test_seed_creates_every_kind_of_organisation_and_every_role(settings, capsys):
    settings.CANDOUR_DEMO_MODE = True
    call_command("seed_demo")
    kinds = [o.kind for o in Organisation.objects.all()]
    assert kinds.count(OrganisationKind.LOCAL_AUTHORITY) == 3
    assert kinds.count(OrganisationKind.NHS) == 2
    assert kinds.count(OrganisationKind.NATIONAL_PROGRAMME) == 1
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    for user in User.objects.select_related("organisation"):
        assert user.role in ROLES_BY_KIND[user.organisation.kind]
        assert user.email.endswith(".example")
        assert user.check_password(DEMO_PASSWORD)
        assert user.totpdevice_set.filter(confirmed=True).exists()
    output = capsys.readouterr().out
    assert "practitioner@northbrook.example" in output
    assert DEMO_PASSWORD in output


def test_seed_refuses_a_database_that_has_data(settings, organisation):
    settings.CANDOUR_DEMO_MODE = True
    with pytest.raises(CommandError, match="already has organisations"):
        call_command("seed_demo")


def test_seed_and_demo_codes_refused_outside_demo_mode(settings):
    settings.CANDOUR_DEMO_MODE = False
    with pytest.raises(CommandError, match="CANDOUR_DEMO_MODE"):
        call_command("seed_demo")
    with pytest.raises(CommandError, match="CANDOUR_DEMO_MODE"):
        call_command("demo_totp", "admin@northbrook.example")


@pytest.mark.clock
@pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT)  # the code changes every 30 seconds
def test_demo_totp_prints_the_current_code(settings, capsys):
    settings.CANDOUR_DEMO_MODE = True
    call_command("seed_demo")
    capsys.readouterr()
    call_command("demo_totp", "ED@riverside-nhs.example")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6
    assert code.isdigit()
    from conftest import current_code

    assert code == current_code(User.objects.get(email="ed@riverside-nhs.example"))


@pytest.mark.clock
@pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT)
def test_seed_gives_each_authority_flags_a_demo_clinician_can_find(settings):
    """Demo children have never-issued 999 numbers: found where test numbers are accepted
    (dev), and refused as test numbers anywhere else."""
    from candour.demo.services import demo_flag_numbers
    from candour.flags.identifiers import InvalidIdentifier
    from candour.flags.models import LocalAuthorityContact, Subject, Upload
    from candour.flags.services import lookups as lookups_service

    settings.CANDOUR_DEMO_MODE = True
    call_command("seed_demo")
    assert Subject.objects.count() == len(demo_flag_numbers()) == 9
    assert set(Upload.objects.values_list("result", flat=True)) == {"all_loaded"}
    assert LocalAuthorityContact.objects.count() == 3

    clinician = User.objects.filter(role=Role.HEALTH_UNSCHEDULED).first()
    settings.CANDOUR_FLAGS_ACCEPT_TEST_NUMBERS = True
    result = lookups_service.look_up(
        principal=lookups_service.Principal.for_user(clinician),
        identifier=lookups_service.parse_identifier(demo_flag_numbers()[0]),
        care_setting="emergency_department",
    )
    assert result.found
    assert result.contact is not None
    settings.CANDOUR_FLAGS_ACCEPT_TEST_NUMBERS = False
    with pytest.raises(InvalidIdentifier):
        lookups_service.parse_identifier(demo_flag_numbers()[0])


def test_seed_leaves_a_suggestion_for_the_worker(settings):
    from candour.learning.jobs import suggest_traps
    from candour.learning.models.traps import ErrorTrap, Membership, TrapStatus
    from candour.notifications.models import Job

    settings.CANDOUR_DEMO_MODE = True
    call_command("seed_demo")
    trap = ErrorTrap.objects.get(status=TrapStatus.CONFIRMED)
    assert trap.name == "Discharge letters filed unread"
    for job in Job.objects.filter(kind="learning.suggest_traps").order_by("pk"):
        suggest_traps(job)
    assert Membership.objects.filter(trap=trap, state=Membership.State.SUGGESTED).count() == 1
