"""The health user's lookup page: found and not found, notification or silence, refusals,
errors, and the number kept out of URLs and the audit log."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candour.accounts.models import Organisation, OrganisationKind, Role, User
from candour.accounts.tests.factories import OrganisationFactory
from candour.audit.models import AuditEntry
from candour.flags import identifiers, uploads
from candour.flags.models import (
    SCHEDULED_SETTINGS,
    UNSCHEDULED_SETTINGS,
    AbuseAlert,
    Access,
    CareSetting,
    LocalAuthorityContact,
    Notification,
)
from candour.flags.services import lookups as lookups_service
from candour.flags.services import upload as upload_service
from conftest import UK_JUST_PAST_MIDNIGHT

URL = reverse("flags:lookup")
CHILD = "4000000004"
UNKNOWN = "4000000012"  # valid, but no record
BAD_CHECK = "4000000005"
ED = CareSetting.EMERGENCY_DEPARTMENT
GP = CareSetting.GP_IN_HOURS


def spaced(number: str) -> str:
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def csv_line(plan: str, start: date, end: date | None = None) -> str:
    return ",".join(
        [
            "nhs",
            CHILD,
            "Okonkwo",
            "Ada",
            "2016-05-04",
            plan,
            start.isoformat(),
            end.isoformat() if end else "",
            "upsert",
        ]
    )


@pytest.fixture
def clinician(make_user: Callable[..., User], nhs_organisation: Organisation) -> User:
    return make_user(
        Role.HEALTH_UNSCHEDULED, organisation=nhs_organisation, full_name="Dr Nia Night"
    )


@pytest.fixture
def scheduled(make_user: Callable[..., User], nhs_organisation: Organisation) -> User:
    return make_user(
        Role.HEALTH_SCHEDULED, organisation=nhs_organisation, full_name="Sam Schoolnurse"
    )


@pytest.fixture
def flagged(make_user: Callable[..., User], organisation: Organisation) -> Organisation:
    """CHILD has a current child protection plan and an ended looked-after record, held by
    `organisation`, whose contact details are set."""
    manager = make_user(Role.FLAG_MANAGER)
    today = timezone.localdate()
    data = "\n".join(
        [
            ",".join(uploads.HEADER),
            csv_line("CPP", today - timedelta(days=100)),
            csv_line("LAC", date(2024, 3, 1), date(2024, 6, 5)),
            "",
        ]
    ).encode()
    upload = upload_service.apply_upload(
        user=manager, organisation=organisation, sequence=1, data=data
    )
    assert upload.lines_applied == 2
    LocalAuthorityContact.objects.create(
        organisation=organisation,
        display_name="Northbrook Children's Social Care",
        office_hours_phone="01632 960000",
        emergency_duty_phone="01632 960999",
    )
    return organisation


def offered_settings(page: str) -> set[str]:
    return set(re.findall(r'name="care_setting"[^>]*value="([a-z0-9_]+)"', page))


def look_up(client: Client, number: str = CHILD, setting: str = ED) -> object:
    return client.post(URL, {"identifier": number, "care_setting": setting})


# --- The form ---------------------------------------------------------------------------------


def test_form_offers_only_the_roles_settings_and_says_the_la_is_told(signed_in, clinician):
    response = signed_in(clinician).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    offered = offered_settings(page)
    assert offered == set(UNSCHEDULED_SETTINGS)
    assert "Emergency department" in page
    assert "use the mother&#x27;s number" in page or "use the mother's number" in page
    assert "the local authority responsible for the child will be told" in page


def test_scheduled_form_says_the_la_is_not_notified(signed_in, scheduled):
    page = signed_in(scheduled).get(URL).content.decode()
    offered = offered_settings(page)
    assert offered == set(SCHEDULED_SETTINGS)
    assert "The local authority is not notified" in page
    assert "will be told" not in page


# --- Results ----------------------------------------------------------------------------------


def test_not_found_says_so_and_that_concerns_may_remain(signed_in, clinician):
    response = look_up(signed_in(clinician), UNKNOWN)
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        '<h1 class="govuk-heading-l">No child protection plan or looked-after record found' in page
    )
    assert "400 000 0012" in page
    # Neutral, not the green "success" panel that reads as "all clear" in an emergency.
    assert "govuk-panel" not in page
    assert "govuk-notification-banner--success" not in page
    assert "No record does not mean there is no concern about this child." in page
    assert "known to children's social care" in page
    assert "by an authority that does not share its records here" in page
    assert "follow your local safeguarding procedures" in page
    assert "named nurse or named doctor for safeguarding children" in page
    assert "emergency duty team" in page
    assert "call the police on 999" in page
    assert reverse("flags:lookup") in page  # "Look up another child"
    assert not Access.objects.exists()
    assert not Notification.objects.exists()


def test_found_shows_plans_contact_subject_and_earlier_accesses(
    signed_in, clinician, scheduled, flagged
):
    # An earlier, silent lookup by a colleague appears in the history shown next.
    lookups_service.look_up(
        principal=lookups_service.Principal.for_user(scheduled),
        identifier=identifiers.parse(CHILD),
        care_setting=GP,
    )
    response = look_up(signed_in(clinician), spaced(CHILD))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Child protection record found" in page
    assert "Child protection plan" in page
    assert "Looked after child" in page
    assert "Ended" in page
    assert "1 March 2024" in page
    assert "5 June 2024" in page
    assert "This child has a current plan." in page
    assert "Northbrook Children&#x27;s Social Care" in page
    assert 'href="tel:01632960000"' in page
    assert 'href="tel:01632960999"' in page
    assert "Ada Okonkwo" in page
    assert "4 May 2016" in page
    assert "Previous accesses (last 25)" in page
    # The identity check comes before the plans: a plan read against the wrong child is worse.
    check_child = page.index("Check this is the right child")
    assert check_child < page.index("Ada Okonkwo") < page.index("4 May 2016")
    assert page.index("4 May 2016") < page.index("This child has a current plan.")
    assert page.index("4 May 2016") < page.index("Child protection plan")
    assert page.index("4 May 2016") < page.index('href="tel:01632960999"')
    history = page.split("Previous accesses (last 25)")[1]
    assert "Sam Schoolnurse" in history
    assert "Health user (scheduled care)" in history
    assert "Riverside University Hospitals NHS Trust" in history
    assert "GP practice (in hours)" in history
    # The clinician's own lookup is not among the *previous* accesses.
    assert "Dr Nia Night" not in history


def test_without_contact_details_the_authority_is_named(signed_in, clinician, flagged):
    LocalAuthorityContact.objects.filter(organisation=flagged).delete()
    page = look_up(signed_in(clinician)).content.decode()
    assert "Northbrook Council Children&#x27;s Services" in page
    assert "has not given its phone numbers" in page


def test_unscheduled_lookup_notifies_the_authority(signed_in, clinician, flagged):
    page = look_up(signed_in(clinician)).content.decode()
    assert "The local authority has been notified" in page
    access = Access.objects.get()
    assert access.unscheduled
    assert access.user == clinician
    assert access.care_setting == ED
    notification = Notification.objects.get()
    assert notification.access == access
    assert notification.authority == flagged


def test_scheduled_lookup_is_recorded_silently(signed_in, scheduled, flagged):
    page = look_up(signed_in(scheduled), setting=GP).content.decode()
    assert "Child protection record found" in page
    assert "The local authority has not been notified" in page
    assert "has been notified" not in page
    access = Access.objects.get()
    assert not access.unscheduled
    assert access.user == scheduled
    assert not Notification.objects.exists()


def test_the_last_care_setting_is_remembered(signed_in, scheduled):
    client = signed_in(scheduled)
    look_up(client, UNKNOWN, CareSetting.CAMHS)
    page = client.get(URL).content.decode()
    assert re.search(r'value="camhs"[^>]*checked', page)


# --- Errors and refusals ----------------------------------------------------------------------


def test_invalid_number_shows_error_summary_linked_to_the_field(signed_in, clinician, flagged):
    response = look_up(signed_in(clinician), BAD_CHECK)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_identifier">' in page
    assert "check digit does not match" in page
    assert "<title>Error: " in page
    assert not Access.objects.exists()


def test_missing_answers_are_both_reported(signed_in, clinician):
    response = signed_in(clinician).post(URL, {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter the child&#x27;s NHS, CHI or H&amp;C number" in page
    assert '<a href="#id_care_setting_1">Select the care setting you are working in</a>' in page


def test_scheduled_user_cannot_pick_an_unscheduled_setting(signed_in, scheduled, flagged):
    response = look_up(signed_in(scheduled), setting=ED)
    assert response.status_code == 400
    assert "Select the care setting you are working in" in response.content.decode()
    assert not Access.objects.exists()
    assert not Notification.objects.exists()


def test_a_care_setting_refusal_is_shown_on_the_radios(signed_in, clinician, monkeypatch):
    def refuse(**kwargs: object) -> None:
        raise lookups_service.LookupRefused(
            "care_setting", "Select the care setting you are in now."
        )

    monkeypatch.setattr(lookups_service, "look_up", refuse)
    response = look_up(signed_in(clinician))
    assert response.status_code == 400
    assert '<a href="#id_care_setting_1">Select the care setting you are in now.</a>' in (
        response.content.decode()
    )


def test_a_forbidden_refusal_is_403(signed_in, clinician, monkeypatch):
    def refuse(**kwargs: object) -> None:
        raise lookups_service.LookupRefused("forbidden", "Your role does not allow looking up.")

    monkeypatch.setattr(lookups_service, "look_up", refuse)
    assert look_up(signed_in(clinician)).status_code == 403


@pytest.mark.clock
@pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT)  # so the lookups share one clock hour
def test_rate_limit_refuses_with_429_and_alerts_administrators(
    signed_in, clinician, flagged, nhs_organisation, settings
):
    settings.CANDOUR_FLAGS_PERSON_HOURLY_LIMIT = 2
    client = signed_in(clinician)
    assert look_up(client).status_code == 200
    assert look_up(client, UNKNOWN).status_code == 200
    response = look_up(client)
    assert response.status_code == 429
    page = response.content.decode()
    assert "You have reached the limit of lookups for now" in page
    assert "Child protection record found" not in page
    alert = AbuseAlert.objects.get()
    assert alert.organisation == nhs_organisation
    assert alert.principal == f"user:{clinician.pk}"
    assert Access.objects.count() == 1


# --- Personal data stays out of URLs and the audit log ----------------------------------------


@pytest.mark.clock
@pytest.mark.time_machine(UK_JUST_PAST_MIDNIGHT)  # so the lookups share one clock hour
def test_the_number_never_reaches_the_audit_log(signed_in, clinician, flagged, settings):
    settings.CANDOUR_FLAGS_PERSON_HOURLY_LIMIT = 3
    client = signed_in(clinician)
    look_up(client)
    look_up(client, UNKNOWN)
    look_up(client, BAD_CHECK)
    look_up(client)
    look_up(client)  # refused: over the limit
    entries = list(AuditEntry.objects.all())
    actions = {entry.action for entry in entries}
    assert {"flags.lookup.hit", "flags.lookup.miss", "flags.lookup.refused"} <= actions
    for entry in entries:
        fields = (entry.actor_ref, entry.organisation_ref, entry.object_type, entry.object_ref)
        text = " ".join((*fields, entry.action, entry.reason))
        for number in (CHILD, UNKNOWN, BAD_CHECK):
            assert number not in text
            assert spaced(number) not in text


def test_a_lookup_answers_in_place_without_redirecting(signed_in, clinician, flagged):
    response = look_up(signed_in(clinician))
    assert response.status_code == 200
    assert "Location" not in response.headers
    assert "no-store" in response.headers.get("Cache-Control", "")


# --- Who may use the page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.PRACTITIONER, Role.FLAG_MANAGER, Role.ADMINISTRATOR, Role.ANALYST]
)
def test_other_roles_are_refused(signed_in, make_user, role):
    client = signed_in(make_user(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"identifier": CHILD, "care_setting": ED}).status_code == 403
    assert not Access.objects.exists()


def test_signed_out_users_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "sign-in" in response.headers["Location"] or "sign_in" in response.headers["Location"]


def test_other_organisations_records_are_looked_up_but_the_access_names_the_looker(
    signed_in, make_user, other_organisation, flagged
):
    """Lookups cross organisations by design (any A&E, any authority); the outsider check is
    that the access is recorded against the looker's own organisation, never the holder's."""
    elsewhere = OrganisationFactory(name="Hilltop NHS Trust", kind=OrganisationKind.NHS)
    visitor = make_user(Role.HEALTH_UNSCHEDULED, organisation=elsewhere)
    look_up(signed_in(visitor))
    access = Access.objects.get()
    assert access.organisation == elsewhere
    assert Notification.objects.get().authority == flagged
