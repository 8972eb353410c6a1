"""axe-core (WCAG 2.0-2.2 A and AA) and 320px reflow on the flags pages health users and
administrators meet: the lookup form with an error, a found and a not-found result, the
registered-systems pages with the key shown once, and the lookup alerts.

Pages are opened in contexts that enforce the Content-Security-Policy (the watcher sees any
refusal); axe-core goes in through DevTools, as in ``test_reporting_accessible.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from candour.accounts.models import Organisation, Role, User
from candour.core.tests.browser.conftest import visit
from candour.core.tests.browser.test_reporting_accessible import (
    assert_error_state,
    banner,
    check,
    sign_in_with_cookie,
    submit,
)
from candour.flags import identifiers, uploads
from candour.flags.models import AbuseAlert, AlertKind, CareSetting, LocalAuthorityContact
from candour.flags.services import lookups as lookups_service
from candour.flags.services import upload as upload_service

pytestmark = pytest.mark.browser

CHILD = "4000000004"
UNKNOWN = "4000000012"
BAD_CHECK = "400 000 0005"
NUMBER_LABEL = "NHS, CHI or H&C number"


@pytest.fixture
def clinician(make_user: Callable[..., User], nhs_organisation: Organisation) -> User:
    return make_user(Role.HEALTH_UNSCHEDULED, organisation=nhs_organisation, full_name="Dr Nia")


@pytest.fixture
def nhs_admin(make_user: Callable[..., User], nhs_organisation: Organisation) -> User:
    return make_user(Role.ADMINISTRATOR, organisation=nhs_organisation)


@pytest.fixture
def flagged(make_user: Callable[..., User], organisation: Organisation) -> Organisation:
    """CHILD has a current child protection plan and an ended looked-after record."""
    manager = make_user(Role.FLAG_MANAGER)
    start = (timezone.localdate() - timedelta(days=100)).isoformat()
    lines = [
        ",".join(uploads.HEADER),
        f"nhs,{CHILD},Okonkwo,Ada,2016-05-04,CPP,{start},,upsert",
        f"nhs,{CHILD},Okonkwo,Ada,2016-05-04,LAC,2024-03-01,2024-06-05,upsert",
    ]
    data = ("\n".join(lines) + "\n").encode()
    upload_service.apply_upload(user=manager, organisation=organisation, sequence=1, data=data)
    LocalAuthorityContact.objects.create(
        organisation=organisation,
        display_name="Northbrook Children's Social Care",
        office_hours_phone="01632 960000",
        emergency_duty_phone="01632 960999",
    )
    return organisation


def test_lookup_form_error_then_a_found_record(
    page, context, live_server, watcher, make_user, nhs_organisation, clinician, flagged
):
    # Someone looked the child up before, so the history table has a row.
    colleague = make_user(Role.HEALTH_SCHEDULED, organisation=nhs_organisation)
    lookups_service.look_up(
        principal=lookups_service.Principal.for_user(colleague),
        identifier=identifiers.parse(CHILD),
        care_setting=CareSetting.GP_IN_HOURS,
    )
    sign_in_with_cookie(context, live_server.url, clinician)
    visit(page, "/flags/lookup/")
    check(page, "Look up a child")

    submit(page, "Look up", status=400)
    assert_error_state(
        page,
        ["Enter the child's NHS, CHI or H&C number", "Select the care setting you are working in"],
    )
    check(page, "Look up a child")

    page.get_by_label(NUMBER_LABEL).fill(BAD_CHECK)
    page.get_by_label("Emergency department").check()
    submit(page, "Look up", status=400)
    assert_error_state(
        page,
        [
            "The number ending 005 is not an NHS number: its check digit does not match, "
            "so a digit has probably been mistyped."
        ],
    )
    check(page, "Look up a child")

    page.get_by_label(NUMBER_LABEL).fill("400 000 0004")
    submit(page, "Look up", status=200)
    assert page.url.endswith("/flags/lookup/")  # the number went in the body, not the URL
    check(page, "Child protection record found")
    # On a phone too, the name and date of birth check is read before the plans.
    identity = page.get_by_role("heading", name="Check this is the right child").bounding_box()
    plans = page.get_by_role("region", name="Important").bounding_box()
    assert identity is not None
    assert plans is not None
    assert identity["y"] < plans["y"]
    expect(page.locator("#subject")).to_contain_text("Ada Okonkwo")
    expect(page.get_by_role("link", name="01632 960999")).to_have_attribute(
        "href", "tel:01632960999"
    )
    expect(page.get_by_role("region", name="Previous accesses (last 25)")).to_be_visible()
    expect(page.get_by_text("The local authority has been notified")).to_be_visible()
    watcher.assert_clean()


def test_lookup_not_found_and_rate_limited(
    page, context, live_server, watcher, clinician, settings
):
    settings.CANDOUR_FLAGS_PERSON_HOURLY_LIMIT = 1
    sign_in_with_cookie(context, live_server.url, clinician)
    visit(page, "/flags/lookup/")
    page.get_by_label(NUMBER_LABEL).fill(UNKNOWN)
    page.get_by_label("Emergency department").check()
    submit(page, "Look up", status=200)
    check(page, "No child protection plan or looked-after record found")
    expect(page.locator(".govuk-panel")).to_have_count(0)  # no green "all clear"
    expect(page.locator("#no-record-meaning")).to_contain_text(
        "No record does not mean there is no concern about this child."
    )
    expect(page.get_by_role("heading", name="If you are worried about this child")).to_be_visible()

    page.get_by_role("button", name="Look up another child").click()
    page.get_by_label(NUMBER_LABEL).fill(UNKNOWN)
    submit(page, "Look up", status=429)  # the care setting was remembered
    check(page, "You cannot look up a child just now")
    watcher.assert_clean()


def test_registering_a_system_shows_its_key_once(page, context, live_server, watcher, nhs_admin):
    sign_in_with_cookie(context, live_server.url, nhs_admin)
    visit(page, "/flags/systems/")
    check(page, "Connected systems")

    page.get_by_role("button", name="Register a system").click()
    check(page, "Register a system")
    page.get_by_label("Calls an hour (optional)").fill("0")
    submit(page, "Register and show the key", status=400)
    assert_error_state(
        page,
        [
            "Enter the name of the system",
            "Select the care setting the system serves",
            "The limit for an hour must be 1 or more",
        ],
    )
    check(page, "Register a system")

    page.get_by_label("Name of the system").fill("ED patient record (live)")
    page.get_by_label("Emergency department").check()
    page.get_by_label("Calls an hour (optional)").fill("")
    submit(page, "Register and show the key", status=200)
    check(page, "System registered")
    key = page.locator(".govuk-panel__body .candour-secret").inner_text().strip()
    assert key.startswith("cnd_")

    page.get_by_role("link", name="Go to connected systems").click()
    check(page, "Connected systems")
    expect(page.get_by_text(key)).to_have_count(0)
    submit(page, "Revoke key for ED patient record (live)", status=200)
    assert "The key for ED patient record (live) has been revoked" in banner(page)
    check(page, "Connected systems")
    watcher.assert_clean()


def test_alerts_page_and_reviewing_one(
    page, context, live_server, watcher, nhs_admin, nhs_organisation
):
    now = timezone.now()
    for n, kind in enumerate([AlertKind.RATE_LIMIT, AlertKind.ENUMERATION]):
        AbuseAlert.objects.create(
            organisation=nhs_organisation,
            kind=kind,
            principal=f"user:{n}",
            principal_label=f"user 0000000{n}-aaaa-bbbb-cccc-dddddddddddd",
            period=now.strftime("h%Y%m%d%H"),
            total=61,
            created_at=now,
        )
    sign_in_with_cookie(context, live_server.url, nhs_admin)
    visit(page, "/flags/alerts/")
    check(page, "Lookup alerts")
    expect(page.get_by_role("region", name="2 alerts")).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("button", name="Mark as reviewed").first.click()
    assert "Alert marked as reviewed" in banner(page)
    check(page, "Lookup alerts")
    expect(page.get_by_role("button", name="Mark as reviewed")).to_have_count(1)
    watcher.assert_clean()
