"""axe-core (WCAG 2.0-2.2 A and AA) and 320px reflow on the pages a local authority's flag
manager meets: uploading a file (with errors, and a resend), an upload's results (partly
loaded and paginated, and malformed), the contact page with errors and a webhook secret, and
the access notifications with one acknowledged.

Pages are opened in contexts that enforce the Content-Security-Policy (the watcher sees any
refusal); axe-core goes in through DevTools, as in ``test_reporting_accessible.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

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
from candour.flags.models import CareSetting, Upload
from candour.flags.services import lookups as lookups_service
from candour.flags.services import upload as upload_service
from candour.notifications.services import run_due_jobs

pytestmark = pytest.mark.browser

CHILD = "4000000004"
SISTER = "4000000012"
BAD_CHECK = "4000000005"


def line(identifier: str = CHILD) -> str:
    return f"nhs,{identifier},Okonkwo,Ada,2016-05-04,CPP,2025-01-10,,upsert"


def csv_bytes(*lines: str, header: str = ",".join(uploads.HEADER)) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def numbers(count: int) -> list[str]:
    found = []
    prefix = 400_000_000
    while len(found) < count:
        digit = identifiers.check_digit(f"{prefix:09d}")
        if digit is not None:
            found.append(f"{prefix:09d}{digit}")
        prefix += 1
    return found


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.FLAG_MANAGER, full_name="Fran Manager")


@pytest.fixture
def as_manager(context, live_server, manager) -> User:
    sign_in_with_cookie(context, live_server.url, manager)
    return manager


def choose_file(page: Page, data: bytes, name: str = "plans.csv") -> None:
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )


def important_banner(page: Page) -> str:
    return page.locator(".govuk-notification-banner").inner_text()


def test_upload_pages_errors_and_a_resend(page, watcher, as_manager):
    visit(page, "/flags/uploads/")
    check(page, "Uploads")
    expect(page.get_by_text("Your authority has not uploaded any files yet.")).to_be_visible()

    page.get_by_role("button", name="Upload a file").click()
    check(page, "Upload a file")
    page.get_by_text("What the file must contain").click()
    expect(page.get_by_text(",".join(uploads.HEADER))).to_be_visible()
    check(page, "Upload a file")

    page.get_by_label("Sequence number").fill("first")
    submit(page, "Upload and apply", status=400)
    assert_error_state(
        page, ["Select a CSV file", "The sequence number must be a whole number, like 12"]
    )
    check(page, "Upload a file")

    choose_file(page, csv_bytes(line(), line(SISTER)))
    page.get_by_label("Sequence number").fill("1")
    submit(page, "Upload and apply", status=200)
    check(page, "Upload 1")
    expect(page.get_by_text("This file is being applied.")).to_be_visible()
    assert run_due_jobs() >= 1  # the worker applies it (ADR 0015)
    page.get_by_role("link", name="Refresh this page").click()
    check(page, "Upload 1")
    expect(page.get_by_text("Every line was applied.")).to_be_visible()

    # The same sequence number again: the first file's results, and a notice.
    visit(page, "/flags/uploads/new/")
    expect(page.get_by_label("Sequence number")).to_have_value("2")
    choose_file(page, csv_bytes(line(BAD_CHECK)))
    page.get_by_label("Sequence number").fill("1")
    submit(page, "Upload and apply", status=200)
    check(page, "Upload 1")
    assert "was not applied again" in important_banner(page)

    visit(page, "/flags/uploads/")
    check(page, "Uploads")
    expect(page.get_by_role("region", name="1 upload")).to_be_visible()
    watcher.assert_clean()


def test_upload_results_partly_loaded_paginated_and_malformed(
    page, watcher, as_manager, organisation: Organisation
):
    lines = [line(number) for number in numbers(501)] + [line(BAD_CHECK)]
    partly = upload_service.apply_upload(
        user=as_manager, organisation=organisation, sequence=1, data=csv_bytes(*lines)
    )
    visit(page, f"/flags/uploads/{partly.reference}/")
    check(page, "Upload 1")
    expect(page.get_by_text("Some lines loaded").first).to_be_visible()
    expect(page.get_by_role("navigation", name="Pagination")).to_be_visible()
    page.get_by_role("link", name="Page 2").click()
    check(page, "Upload 1")

    malformed = upload_service.apply_upload(
        user=as_manager,
        organisation=organisation,
        sequence=2,
        data=csv_bytes(line(), header="identifier,plan_type"),
    )
    visit(page, f"/flags/uploads/{malformed.reference}/")
    check(page, "Upload 2")
    expect(page.get_by_text("Line 1: the header is wrong")).to_be_visible()
    assert Upload.objects.count() == 2

    visit(page, "/flags/uploads/")
    check(page, "Uploads")
    watcher.assert_clean()


def test_contact_page_with_errors_and_a_webhook(page, watcher, as_manager):
    visit(page, "/flags/contact/")
    check(page, "Contact details for clinicians")

    page.get_by_label("Office hours phone number (optional)").fill("01632 96")
    page.get_by_label("Webhook address for your case management system (optional)").fill(
        "http://cases.northbrook.example/candour"
    )
    page.get_by_label("Minutes to wait for an acknowledgement before telling them").fill("1")
    submit(page, "Save contact details", status=400)
    assert_error_state(
        page,
        [
            "Enter a phone number with 10 to 15 digits, like 01632 960 001",
            "Enter the emergency duty team phone number",
            "The webhook address must start with https://",
            "The number of minutes must be 5 or more",
        ],
    )
    check(page, "Contact details for clinicians")

    page.get_by_label("Office hours phone number (optional)").fill("01632 960 001")
    page.get_by_label("Emergency duty team phone number").fill("01632 960 999")
    page.get_by_label("Webhook address for your case management system (optional)").fill(
        "https://cases.northbrook.example/candour"
    )
    page.get_by_label("Minutes to wait for an acknowledgement before telling them").fill("30")
    submit(page, "Save contact details", status=200)
    assert "Contact details saved" in banner(page)
    check(page, "Contact details for clinicians")
    expect(page.get_by_role("heading", name="Checking webhook requests")).to_be_visible()
    expect(page.locator(".govuk-inset-text .candour-secret")).to_have_text(
        as_manager.organisation.flag_contact.webhook_secret
    )
    watcher.assert_clean()


def test_notification_pages_and_acknowledging(
    page, watcher, as_manager, organisation, make_user, nhs_organisation
):
    upload_service.apply_upload(
        user=as_manager, organisation=organisation, sequence=1, data=csv_bytes(line())
    )
    clinician = make_user(
        Role.HEALTH_UNSCHEDULED, organisation=nhs_organisation, full_name="Dr Nia Medic"
    )
    lookups_service.look_up(
        principal=lookups_service.Principal.for_user(clinician),
        identifier=identifiers.parse(CHILD),
        care_setting=CareSetting.EMERGENCY_DEPARTMENT,
    )

    visit(page, "/flags/notifications/")
    check(page, "Access notifications")
    expect(page.get_by_text("NHS number 400 000 0004")).to_be_visible()

    page.get_by_role("link", name="Ada Okonkwo").click()
    check(page, "Access notification")
    expect(page.get_by_text("Dr Nia Medic", exact=True)).to_be_visible()
    expect(page.get_by_text(f"{nhs_organisation.name} (ODS code XNH01)")).to_be_visible()
    history = page.get_by_role("region", name="Accesses to this child's record")
    expect(history.get_by_role("cell", name="Emergency department")).to_be_visible()

    submit(page, "Acknowledge", status=200)
    assert "Notification acknowledged" in banner(page)
    check(page, "Access notification")
    expect(page.get_by_text("Acknowledged by Fran Manager on")).to_be_visible()

    visit(page, "/flags/notifications/")
    check(page, "Access notifications")
    watcher.assert_clean()
