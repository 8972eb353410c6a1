"""Key derivation: one key per purpose from candour's own roots, so rotating Django's
SECRET_KEY (with SECRET_KEY_FALLBACKS) breaks nothing of candour's."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from candour.accounts.models import Role
from candour.core import client_limits, keys
from candour.flags import identifiers, selectors
from candour.flags.fhir_resources import flag_id
from candour.flags.models import CareSetting, Subject
from candour.flags.services import clients as clients_service
from candour.flags.services import lookups as lookups_service
from candour.reporting.models import Programme
from candour.reporting.services import inbox as inbox_service
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import submission as make_submission

OTHER_SECRET = "a-new-django-secret-key-after-rotation-" + "z" * 30


@pytest.fixture
def programme(organisation) -> Programme:
    return Programme.objects.create(
        organisation=organisation, slug="northbrook", duty_contact="x", emergency_contact="y"
    )


def test_every_purpose_has_its_own_key():
    derived = {purpose: keys.derive(purpose) for purpose in keys.PURPOSES}
    assert len(set(derived.values())) == len(derived)
    assert all(len(key) == 32 for key in derived.values())


def test_an_unregistered_purpose_is_an_error_not_a_new_key():
    with pytest.raises(ValueError, match="No key purpose"):
        keys.derive("flags.client-kye")


def test_a_missing_root_is_named(settings):
    settings.CANDOUR_KEY_SECRET = ""
    with pytest.raises(ImproperlyConfigured, match="CANDOUR_KEY_SECRET is not set"):
        keys.derive("flags.client-key")


def test_keys_do_not_depend_on_django_s_secret_key():
    before = {purpose: keys.derive(purpose) for purpose in keys.PURPOSES}
    with override_settings(SECRET_KEY=OTHER_SECRET):
        after = {purpose: keys.derive(purpose) for purpose in keys.PURPOSES}
    assert before == after


def test_each_root_changes_only_its_own_purposes(settings):
    before = {purpose: keys.derive(purpose) for purpose in keys.PURPOSES}
    settings.CANDOUR_AUDIT_KEY = "another-audit-key"
    after = {purpose: keys.derive(purpose) for purpose in keys.PURPOSES}
    changed = {purpose for purpose in keys.PURPOSES if before[purpose] != after[purpose]}
    assert changed == {p for p, entry in keys.PURPOSES.items() if entry.root == "audit"}


@pytest.mark.django_db
def test_rotating_secret_key_keeps_api_keys_flag_ids_receipts_and_digests(
    make_user, nhs_organisation, organisation, programme
):
    admin = make_user(Role.ADMINISTRATOR, organisation=nhs_organisation)
    client, api_key = clients_service.issue_client(
        user=admin, name="ED system", care_setting=CareSetting.EMERGENCY_DEPARTMENT
    )
    subject = Subject.objects.create(
        identifier_system="nhs",
        identifier="4010232137",
        family_name="Example",
        given_name="Child",
        date_of_birth="2020-01-01",
        responsible_authority=organisation,
        created_on="2026-01-01",
        updated_on="2026-01-01",
    )
    report, receipt = submission_service.submit_report(
        programme=programme, submission=make_submission()
    )
    number = identifiers.parse("401 023 2137")
    before = (flag_id(subject, "CPP"), lookups_service.identifier_ref(number))
    selectors.forget_client(client)
    with override_settings(SECRET_KEY=OTHER_SECRET, SECRET_KEY_FALLBACKS=[]):
        assert selectors.find_client_by_key(api_key) == client
        assert (flag_id(subject, "CPP"), lookups_service.identifier_ref(number)) == before
        assert (
            inbox_service.open_inbox(receipt=receipt, client=client_limits.Client("192.0.2.1"))
            == report
        )


@pytest.mark.django_db
def test_sessions_survive_rotation_with_the_old_key_as_a_fallback(signed_in, bob, alice, settings):
    old = settings.SECRET_KEY
    kept: Client = signed_in(bob)
    dropped: Client = signed_in(alice)
    with override_settings(SECRET_KEY=OTHER_SECRET, SECRET_KEY_FALLBACKS=[old]):
        assert kept.get("/account").status_code == 200  # and Django re-signs the session
    with override_settings(SECRET_KEY=OTHER_SECRET, SECRET_KEY_FALLBACKS=[]):
        assert kept.get("/account").status_code == 200
        assert dropped.get("/account").status_code == 302  # no fallback: sign in again
