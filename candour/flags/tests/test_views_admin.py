"""Administrators' flags pages: lookup alerts and registered systems (API keys)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candour.accounts.models import Organisation, OrganisationKind, Role, User
from candour.accounts.tests.factories import OrganisationFactory
from candour.flags import selectors
from candour.flags.models import AbuseAlert, AlertKind, CareSetting, SystemClient
from candour.flags.services import clients as clients_service
from candour.flags.services import lookups as lookups_service

ALERTS = reverse("flags:alerts")
CLIENTS = reverse("flags:clients")
NEW_CLIENT = reverse("flags:new_client")


def review_url(alert: AbuseAlert) -> str:
    return reverse("flags:review_alert", kwargs={"reference": alert.reference})


def revoke_url(client: SystemClient) -> str:
    return reverse("flags:revoke_client", kwargs={"reference": client.reference})


@pytest.fixture
def nhs_admin(make_user: Callable[..., User], nhs_organisation: Organisation) -> User:
    return make_user(Role.ADMINISTRATOR, organisation=nhs_organisation, full_name="Nadia Admin")


@pytest.fixture
def make_alert() -> Callable[..., AbuseAlert]:
    counter = iter(range(10_000))

    def make(organisation: Organisation, label: str = "user 1234", **fields: object) -> AbuseAlert:
        n = next(counter)
        fields.setdefault("created_at", timezone.now() - timedelta(minutes=n))
        return AbuseAlert.objects.create(
            organisation=organisation,
            kind=fields.pop("kind", AlertKind.RATE_LIMIT),
            principal=f"user:{n}",
            principal_label=label,
            period=fields.pop("period", "h2026112614"),
            total=61,
            **fields,
        )

    return make


def issue(user: User, name: str = "ED record", setting: str = "") -> tuple[SystemClient, str]:
    return clients_service.issue_client(
        user=user, name=name, care_setting=setting or CareSetting.EMERGENCY_DEPARTMENT
    )


# --- Alerts -----------------------------------------------------------------------------------


def test_alerts_list_shows_only_own_organisations_alerts(
    signed_in, nhs_admin, nhs_organisation, organisation, make_alert
):
    make_alert(nhs_organisation, label="user 1111-own")
    make_alert(nhs_organisation, label="user 3333-enum", kind=AlertKind.ENUMERATION)
    make_alert(organisation, label="user 2222-other")
    response = signed_in(nhs_admin).get(ALERTS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "user 1111-own" in page
    assert "user 3333-enum" in page
    assert "user 2222-other" not in page
    assert "Lookup limit reached" in page
    assert "Many lookups that found no record" in page
    assert "2 alerts" in page
    assert "26 Nov 2026" in page  # the period, read as a date
    assert page.count("Mark as reviewed<") == 2


def test_a_persons_alert_links_to_their_user_page(
    signed_in, nhs_admin, nhs_organisation, make_user, make_alert
):
    looker = make_user(Role.HEALTH_UNSCHEDULED, organisation=nhs_organisation)
    make_alert(nhs_organisation, label=lookups_service.Principal.for_user(looker).label)
    make_alert(nhs_organisation, label="system ED record (cnd_1234abcd)")
    page = signed_in(nhs_admin).get(ALERTS).content.decode()
    href = reverse("accounts:show_user", kwargs={"reference": looker.reference})
    assert f'href="{href}">user {looker.reference}</a>' in page
    assert '<td class="govuk-table__cell candour-break-anywhere">system ED record' in page
    assert looker.full_name not in page


def test_alerts_list_is_paginated_by_50(signed_in, nhs_admin, nhs_organisation, make_alert):
    for n in range(51):
        make_alert(nhs_organisation, label=f"user {n:04d}-x")
    client = signed_in(nhs_admin)
    first = client.get(ALERTS).content.decode()
    assert first.count("-x</td>") == 50
    assert 'aria-current="page">1</a>' in first
    assert 'href="?page=2"' in first
    second = client.get(ALERTS, {"page": 2}).content.decode()
    assert second.count("-x</td>") == 1


def test_review_marks_an_alert_reviewed(signed_in, nhs_admin, nhs_organisation, make_alert):
    alert = make_alert(nhs_organisation)
    client = signed_in(nhs_admin)
    response = client.post(review_url(alert))
    assert response.status_code == 302
    assert response.headers["Location"] == ALERTS
    alert.refresh_from_db()
    assert alert.reviewed_at is not None
    assert alert.reviewed_by == nhs_admin
    page = client.get(ALERTS).content.decode()
    assert "Alert marked as reviewed" in page
    assert "Reviewed</strong>" in page
    assert "Mark as reviewed<" not in page


def test_reviewing_twice_says_so(signed_in, nhs_admin, nhs_organisation, make_alert):
    alert = make_alert(nhs_organisation)
    client = signed_in(nhs_admin)
    client.post(review_url(alert))
    page = client.post(review_url(alert), follow=True).content.decode()
    assert "That alert had already been reviewed" in page


def test_reviewing_another_organisations_alert_is_404(signed_in, charlie, nhs_admin, make_alert):
    alert = make_alert(nhs_admin.organisation)
    assert signed_in(charlie).post(review_url(alert)).status_code == 404
    alert.refresh_from_db()
    assert alert.reviewed_at is None


def test_reviewing_an_unknown_alert_is_404(signed_in, nhs_admin):
    url = reverse("flags:review_alert", kwargs={"reference": uuid.uuid4()})
    assert signed_in(nhs_admin).post(url).status_code == 404


def test_review_by_get_goes_back_to_the_alerts(signed_in, nhs_admin, nhs_organisation, make_alert):
    alert = make_alert(nhs_organisation)
    response = signed_in(nhs_admin).get(review_url(alert))
    assert response.status_code == 302
    assert response["Location"] == ALERTS
    alert.refresh_from_db()
    assert alert.reviewed_at is None


# --- Registering a system ---------------------------------------------------------------------


def test_health_form_asks_for_a_care_setting(signed_in, nhs_admin):
    page = signed_in(nhs_admin).get(NEW_CLIENT).content.decode()
    assert 'name="care_setting"' in page
    assert "Emergency department" in page
    assert "Dentistry" in page


def test_local_authority_form_has_no_care_setting(signed_in, alice):
    response = signed_in(alice).get(NEW_CLIENT)
    assert response.status_code == 200
    assert 'name="care_setting"' not in response.content.decode()


def test_issuing_shows_the_key_once_and_the_list_shows_only_its_prefix(
    signed_in, nhs_admin, settings
):
    settings.CANDOUR_FLAGS_SYSTEM_HOURLY_LIMIT = 1234
    settings.CANDOUR_FLAGS_SYSTEM_DAILY_LIMIT = 56789
    client = signed_in(nhs_admin)
    response = client.post(
        NEW_CLIENT,
        {"name": "ED record (live)", "care_setting": CareSetting.EMERGENCY_DEPARTMENT},
    )
    assert response.status_code == 200
    assert "Location" not in response.headers
    system = SystemClient.objects.get()
    page = response.content.decode()
    key = page.split('<strong class="candour-secret">')[1].split("</strong>")[0]
    assert key.startswith(system.key_prefix)
    assert selectors.find_client_by_key(key) == system
    assert "Authorization: Bearer &lt;key&gt;" in page
    assert "X-Responsible-Person" in page
    assert "GET /fhir/Flag?identifier=https://fhir.nhs.uk/Id/nhs-number|&lt;number&gt;" in page
    assert system.organisation == nhs_admin.organisation
    assert system.care_setting == CareSetting.EMERGENCY_DEPARTMENT
    assert (system.hourly_limit, system.daily_limit) == (1234, 56789)
    assert system.created_by == nhs_admin

    listing = client.get(CLIENTS).content.decode()
    assert system.key_prefix in listing
    assert key not in listing
    assert "ED record (live)" in listing
    assert "Active" in listing
    assert "1,234 an hour" in listing


def test_issuing_with_limits(signed_in, nhs_admin):
    signed_in(nhs_admin).post(
        NEW_CLIENT,
        {
            "name": "111 triage",
            "care_setting": CareSetting.NHS_111,
            "hourly_limit": "500",
            "daily_limit": "4000",
        },
    )
    system = SystemClient.objects.get()
    assert (system.hourly_limit, system.daily_limit) == (500, 4000)


def test_local_authority_system_has_no_setting(signed_in, alice, organisation):
    response = signed_in(alice).post(
        NEW_CLIENT, {"name": "Case system", "care_setting": CareSetting.EMERGENCY_DEPARTMENT}
    )
    assert response.status_code == 200
    system = SystemClient.objects.get()
    assert system.organisation == organisation
    assert system.care_setting == ""
    page = response.content.decode()
    assert "/fhir/Flag" not in page
    assert "X-Responsible-Person" not in page
    assert "POST /api/v1/flags/uploads?sequence=" in page


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {},
            [
                ('id_name">', "Enter the name of the system"),
                ('id_care_setting_1">', "Select the care setting the system serves"),
            ],
        ),
        (
            {"name": "  ", "care_setting": "nowhere"},
            [
                ('id_name">', "Enter the name of the system"),
                ('id_care_setting_1">', "Select the care setting the system serves"),
            ],
        ),
        (
            {"name": "X", "care_setting": "gp_in_hours", "hourly_limit": "0"},
            [('id_hourly_limit">', "The limit for an hour must be 1 or more")],
        ),
        (
            {"name": "X", "care_setting": "gp_in_hours", "daily_limit": "lots"},
            [('id_daily_limit">', "Enter the limit for a day as a whole number, like 500")],
        ),
        (
            {"name": "X", "care_setting": "gp_in_hours", "hourly_limit": "99999999"},
            [('id_hourly_limit">', "The limit for an hour must be 1,000,000 or fewer")],
        ),
        (
            {"name": "X", "care_setting": "gp_in_hours", "hourly_limit": "50", "daily_limit": "10"},
            [('id_daily_limit">', "The limit for a day must be at least the limit for an hour")],
        ),
    ],
)
def test_bad_answers_are_listed_and_nothing_is_issued(signed_in, nhs_admin, data, errors):
    response = signed_in(nhs_admin).post(NEW_CLIENT, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    for anchor, message in errors:
        assert f'<a href="#{anchor}{message}' in page
    assert not SystemClient.objects.exists()


def test_national_programme_cannot_register_systems(signed_in, make_user):
    programme = OrganisationFactory(
        name="National Learning Programme", kind=OrganisationKind.NATIONAL_PROGRAMME, ods_code=""
    )
    admin = make_user(Role.ADMINISTRATOR, organisation=programme)
    client = signed_in(admin)
    assert client.get(NEW_CLIENT).status_code == 403
    assert client.post(NEW_CLIENT, {"name": "Anything"}).status_code == 403
    listing = client.get(CLIENTS)
    assert listing.status_code == 200
    assert NEW_CLIENT not in listing.content.decode()
    assert not SystemClient.objects.exists()


# --- Listing and revoking ---------------------------------------------------------------------


def test_list_shows_only_own_organisations_systems(signed_in, nhs_admin, alice):
    issue(nhs_admin, "Ours")
    issue(alice, "Theirs")
    page = signed_in(nhs_admin).get(CLIENTS).content.decode()
    assert "Ours" in page
    assert "Theirs" not in page


def test_revoke_stops_the_key(signed_in, nhs_admin):
    system, key = issue(nhs_admin)
    client = signed_in(nhs_admin)
    response = client.post(revoke_url(system))
    assert response.status_code == 302
    assert response.headers["Location"] == CLIENTS
    system.refresh_from_db()
    assert system.revoked_at is not None
    assert selectors.find_client_by_key(key) is None
    page = client.get(CLIENTS).content.decode()
    assert "The key for ED record has been revoked" in page
    assert "Revoked</strong>" in page
    assert revoke_url(system) not in page


def test_revoking_twice_says_so(signed_in, nhs_admin):
    system, _ = issue(nhs_admin)
    client = signed_in(nhs_admin)
    client.post(revoke_url(system))
    page = client.post(revoke_url(system), follow=True).content.decode()
    assert "had already been revoked" in page


def test_revoking_another_organisations_system_is_404(signed_in, nhs_admin, charlie):
    system, key = issue(nhs_admin)
    assert signed_in(charlie).post(revoke_url(system)).status_code == 404
    system.refresh_from_db()
    assert system.revoked_at is None
    assert selectors.find_client_by_key(key) == system


def test_revoke_by_get_revokes_nothing(signed_in, nhs_admin):
    system, _ = issue(nhs_admin)
    response = signed_in(nhs_admin).get(revoke_url(system))
    assert response.status_code == 302
    assert response["Location"] == reverse("flags:clients")
    system.refresh_from_db()
    assert system.revoked_at is None


# --- Who may use these pages ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.PRACTITIONER, OrganisationKind.LOCAL_AUTHORITY),
        (Role.FLAG_MANAGER, OrganisationKind.LOCAL_AUTHORITY),
        (Role.HEALTH_UNSCHEDULED, OrganisationKind.NHS),
        (Role.HEALTH_SCHEDULED, OrganisationKind.NHS),
    ],
)
def test_other_roles_get_403_on_every_route(
    signed_in, make_user, nhs_admin, nhs_organisation, organisation, make_alert, role, kind
):
    home = nhs_organisation if kind == OrganisationKind.NHS else organisation
    alert = make_alert(home)
    system, _ = issue(nhs_admin) if kind == OrganisationKind.NHS else issue_la(make_user, home)
    client: Client = signed_in(make_user(role, organisation=home))
    assert client.get(ALERTS).status_code == 403
    assert client.post(review_url(alert)).status_code == 403
    assert client.get(CLIENTS).status_code == 403
    assert client.get(NEW_CLIENT).status_code == 403
    assert client.post(NEW_CLIENT, {"name": "X", "care_setting": "gp_in_hours"}).status_code == 403
    assert client.post(revoke_url(system)).status_code == 403
    alert.refresh_from_db()
    system.refresh_from_db()
    assert alert.reviewed_at is None
    assert system.revoked_at is None
    assert SystemClient.objects.count() == 1


def issue_la(
    make_user: Callable[..., User], organisation: Organisation
) -> tuple[SystemClient, str]:
    return issue(make_user(Role.ADMINISTRATOR, organisation=organisation), "Case system")
