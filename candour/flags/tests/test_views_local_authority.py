"""A local authority flag manager's pages: uploads and their results, contact details, and the
inbox of access notifications; who may open them (other roles 403, other authorities 404)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from candour.accounts.models import Organisation, Role, User
from candour.flags import uploads
from candour.flags.forms.local_authority import UploadForm
from candour.flags.identifiers import check_digit, parse
from candour.flags.models import (
    Access,
    CareSetting,
    FileResult,
    LocalAuthorityContact,
    Notification,
    Subject,
    Upload,
)
from candour.flags.services import contact as contact_service
from candour.flags.services import lookups as lookups_service
from candour.flags.services import notifications as notifications_service
from candour.flags.services import upload as upload_service
from candour.notifications.services import run_due_jobs

HEADER = ",".join(uploads.HEADER)
CHILD = "4000000004"
SISTER = "4000000012"
BAD_CHECK = "4000000005"  # CHILD with its last digit changed

UPLOADS = reverse("flags:uploads")
NEW_UPLOAD = reverse("flags:new_upload")
CONTACT = reverse("flags:contact")
NOTIFICATIONS = reverse("flags:notifications")


def line(identifier: str = CHILD, *, plan: str = "CPP", action: str = "upsert") -> str:
    return ",".join(
        ["nhs", identifier, "Smith", "Ada", "2015-03-01", plan, "2025-01-10", "", action]
    )


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *lines]).encode() + b"\n"


def csv_file(data: bytes, name: str = "plans.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def numbers(count: int) -> list[str]:
    """Valid NHS numbers (400 000 000x onwards): every nine digits with a check digit."""
    found = []
    prefix = 400_000_000
    while len(found) < count:
        digit = check_digit(f"{prefix:09d}")
        if digit is not None:
            found.append(f"{prefix:09d}{digit}")
        prefix += 1
    return found


def summary_links(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html, "no error summary"
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def assert_errors(response, expected: dict[str, str]) -> None:
    """A 400 page whose error summary lists exactly these errors, each linked to its field."""
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: " in html
    links = summary_links(response)
    assert dict(links) == expected
    for field_id, _ in links:
        assert f'id="{field_id}"' in html, f"the summary links to #{field_id}, which is not there"


def banner(response) -> str:
    html = response.content.decode()
    match = re.search(r'govuk-notification-banner__heading">([^<]*)<', html)
    return match.group(1) if match else ""


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.FLAG_MANAGER, full_name="Fran Manager")


@pytest.fixture
def outsider(make_user: Callable[..., User], other_organisation: Organisation) -> User:
    """A flag manager of another local authority."""
    return make_user(Role.FLAG_MANAGER, organisation=other_organisation)


@pytest.fixture
def health_user(make_user: Callable[..., User], nhs_organisation: Organisation) -> User:
    return make_user(
        Role.HEALTH_UNSCHEDULED, organisation=nhs_organisation, full_name="Dr Hari Medic"
    )


@pytest.fixture
def client_for(signed_in: Callable[[User], Client]) -> Callable[[User], Client]:
    return signed_in


@pytest.fixture
def as_manager(signed_in: Callable[[User], Client], manager: User) -> Client:
    return signed_in(manager)


@pytest.fixture
def upload(manager: User, organisation: Organisation) -> Upload:
    return upload_service.apply_upload(
        user=manager, organisation=organisation, sequence=1, data=csv_bytes(line())
    )


@pytest.fixture
def notification(upload: Upload, health_user: User) -> Notification:
    """An emergency department looks up the child the authority uploaded."""
    result = lookups_service.look_up(
        principal=lookups_service.Principal.for_user(health_user),
        identifier=parse(CHILD),
        care_setting=CareSetting.EMERGENCY_DEPARTMENT,
    )
    assert result.access is not None
    return Notification.objects.get(access=result.access)


def send(client: Client, data: bytes, sequence: object = 1, name: str = "plans.csv"):
    return client.post(NEW_UPLOAD, {"file": csv_file(data, name), "sequence": sequence})


def send_and_apply(client: Client, data: bytes, sequence: object = 1):
    """Send a file from the page and let the worker apply it, as it would within seconds."""
    response = send(client, data, sequence)
    run_due_jobs()
    return response


def lines_table(html: str) -> str:
    """The line results table of an upload's page (not its counts by result)."""
    return html.split('id="lines-caption"', 1)[1].split("</table>", 1)[0]


# --- Every page renders for a flag manager ---------------------------------------------------


def test_each_page_renders_for_a_flag_manager(as_manager, upload, notification) -> None:
    pages = {
        UPLOADS: "Uploads",
        NEW_UPLOAD: "Upload a file",
        reverse("flags:upload", kwargs={"reference": upload.reference}): "Upload 1",
        CONTACT: "Contact details for clinicians",
        NOTIFICATIONS: "Access notifications",
        reverse(
            "flags:notification", kwargs={"reference": notification.reference}
        ): "Access notification",
    }
    for path, heading in pages.items():
        response = as_manager.get(path)
        assert response.status_code == 200, path
        assert f'<h1 class="govuk-heading-l">{heading}</h1>' in response.content.decode(), path


# --- Uploads ---------------------------------------------------------------------------------


def test_uploads_list_is_empty_at_first(as_manager) -> None:
    html = as_manager.get(UPLOADS).content.decode()
    assert "Your authority has not uploaded any files yet." in html
    assert f'href="{NEW_UPLOAD}"' in html


def test_uploads_list_shows_each_upload_with_its_counts(as_manager, manager, organisation) -> None:
    upload_service.apply_upload(
        user=manager,
        organisation=organisation,
        sequence=7,
        data=csv_bytes(line(), line(BAD_CHECK)),
    )
    html = as_manager.get(UPLOADS).content.decode()
    upload = Upload.objects.get(sequence=7)
    assert f'href="{reverse("flags:upload", kwargs={"reference": upload.reference})}"' in html
    assert "Some lines loaded" in html
    cells = re.findall(r"govuk-table__cell--numeric\">(\d+)<", html)
    assert cells == ["2", "1", "1"]
    assert "1 upload<" in html


def test_new_upload_suggests_the_next_sequence_number(as_manager, manager, organisation) -> None:
    assert 'value="1"' in as_manager.get(NEW_UPLOAD).content.decode()
    upload_service.apply_upload(
        user=manager, organisation=organisation, sequence=41, data=csv_bytes()
    )
    html = as_manager.get(NEW_UPLOAD).content.decode()
    assert 'name="sequence" value="42"' in html
    assert "The next unused number is 42." in html
    # A malformed file leaves its number free: still the next unused one.
    upload_service.apply_upload(user=manager, organisation=organisation, sequence=42, data=b"")
    assert 'name="sequence" value="42"' in as_manager.get(NEW_UPLOAD).content.decode()
    # The CSV format is explained, header and all.
    assert HEADER in html
    assert 'class="govuk-details"' in html


def test_a_valid_file_is_applied_and_its_results_shown(as_manager, organisation) -> None:
    response = send(as_manager, csv_bytes(line(), line(SISTER)), sequence=1)
    upload = Upload.objects.get(organisation=organisation, sequence=1)
    assert response.status_code == 302
    assert response["Location"] == reverse("flags:upload", kwargs={"reference": upload.reference})
    waiting = as_manager.get(response["Location"]).content.decode()
    assert "This file is being applied." in waiting
    assert "Being applied" in waiting
    assert "Line results" not in waiting
    assert "Being applied" in as_manager.get(UPLOADS).content.decode()

    run_due_jobs()
    upload.refresh_from_db()
    assert upload.result == FileResult.ALL_LOADED
    assert Subject.objects.filter(identifier__in=[CHILD, SISTER]).count() == 2

    page = as_manager.get(response["Location"])
    html = page.content.decode()
    assert "All lines loaded" in html
    assert "Every line was applied." in html
    assert html.count('<strong class="govuk-tag govuk-tag--red">Refused</strong>') == 0
    assert banner(page) == ""


def test_a_partly_loaded_file_lists_refused_lines_first(as_manager) -> None:
    response = send_and_apply(
        as_manager, csv_bytes(line(), line(SISTER), line(BAD_CHECK)), sequence=3
    )
    html = as_manager.get(response["Location"]).content.decode()
    assert "Some lines loaded" in html
    rows = re.findall(r'numeric">(\d+)</td>', lines_table(html))
    assert rows == ["4", "2", "3"]  # line 4 (the refused one) first, then file order
    # The counts by result come first: two loaded, one refused.
    assert re.findall(r'numeric">(\d+)</td>', html.split('id="lines-caption"')[0]) == [
        "2",
        "1",
    ]
    assert "Identifier check digit wrong" in html
    assert "Line 4, identifier:" in html
    assert "<code>identifier</code>" in html
    assert BAD_CHECK not in html  # messages show at most the last three digits


def test_a_file_with_every_line_refused_loads_nothing(as_manager) -> None:
    response = send_and_apply(as_manager, csv_bytes(line(BAD_CHECK)), sequence=1)
    html = as_manager.get(response["Location"]).content.decode()
    assert "No lines loaded" in html
    assert "Refused lines changed nothing." in html
    refused = '<strong class="govuk-tag govuk-tag--red">Refused</strong>'
    assert lines_table(html).count(refused) == 1
    assert not Subject.objects.exists()


def test_a_malformed_file_is_a_form_error_and_leaves_its_number_free(as_manager) -> None:
    bad_header = csv_bytes(line(), header="identifier,plan_type")
    response = send(as_manager, bad_header, sequence=2)
    ((field, message),) = summary_links(response)
    assert response.status_code == 400
    assert field == "id_file"
    assert message.startswith("The file cannot be read. Line 1: the header is wrong (missing")
    assert message.endswith("(sequence number 2 is still free)")
    assert not Subject.objects.exists()
    # Recorded, so the authority sees what happened to the file.
    upload = Upload.objects.get(sequence=2)
    assert upload.result == FileResult.MALFORMED
    html = as_manager.get(reverse("flags:upload", kwargs={"reference": upload.reference}))
    html = html.content.decode()
    assert "File malformed: nothing read" in html
    assert "Nothing in this file has been applied." in html
    assert "Line results" not in html
    assert "Not read: the sequence number stays free" in as_manager.get(UPLOADS).content.decode()
    # The corrected file, with the same number, is applied.
    again = send_and_apply(as_manager, csv_bytes(line()), sequence=2)
    assert again.status_code == 302
    assert Subject.objects.filter(identifier=CHILD).exists()


def test_a_resent_sequence_number_is_not_applied_again(as_manager, upload) -> None:
    response = send(as_manager, csv_bytes(line(SISTER)), sequence=1)
    assert response.status_code == 302
    assert response["Location"] == reverse("flags:upload", kwargs={"reference": upload.reference})
    assert not Subject.objects.filter(identifier=SISTER).exists()
    assert Upload.objects.count() == 1

    page = as_manager.get(response["Location"])
    notice = banner(page)
    assert notice.startswith("Sequence number 1 was already used")
    assert "not applied again" in notice
    assert 'class="govuk-notification-banner__title" id="notice-title">Important<' in (
        page.content.decode()
    )
    # Shown once: the next visit to the page has no banner.
    assert banner(as_manager.get(response["Location"])) == ""


def test_a_resend_notice_is_not_shown_on_another_page(as_manager, manager, upload) -> None:
    other = upload_service.apply_upload(
        user=manager, organisation=upload.organisation, sequence=2, data=csv_bytes(line())
    )
    response = send(as_manager, csv_bytes(line()), sequence=1)
    assert (
        banner(as_manager.get(reverse("flags:upload", kwargs={"reference": other.reference}))) == ""
    )
    assert banner(as_manager.get(response["Location"])).startswith("Sequence number 1")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"sequence": "1"}, {"id_file": "Select a CSV file"}),
        (
            {"file": csv_file(b"", "plans.csv"), "sequence": "1"},
            {"id_file": "The selected file is empty"},
        ),
        (
            {"file": csv_file(csv_bytes(line()), "plans.xlsx"), "sequence": "1"},
            {"id_file": "The selected file must be a CSV"},
        ),
        (
            {"file": csv_file(csv_bytes(line())), "sequence": "twelve"},
            {"id_sequence": "The sequence number must be a whole number, like 12"},
        ),
        (
            {"file": csv_file(csv_bytes(line())), "sequence": "0"},
            {"id_sequence": "The sequence number must be 1 or more"},
        ),
        (
            {"file": csv_file(csv_bytes(line())), "sequence": "99999999999"},
            {"id_sequence": "The sequence number is too large"},
        ),
        (
            {"sequence": ""},
            {"id_file": "Select a CSV file", "id_sequence": "Enter the sequence number"},
        ),
    ],
)
def test_upload_form_errors_are_summarised_and_nothing_applied(as_manager, data, expected) -> None:
    response = as_manager.post(NEW_UPLOAD, data)
    assert_errors(response, expected)
    assert not Upload.objects.exists()


@override_settings(CANDOUR_MAX_REQUEST_BYTES=2048)
def test_a_file_over_the_limit_is_refused_by_the_form() -> None:
    """The request size limit stops declared-large bodies; the form stops the rest."""
    big = csv_file(csv_bytes(*[line()] * 50))
    form = UploadForm({"sequence": "1"}, {"file": big}, next_sequence=1)
    assert not form.is_valid()
    assert form.errors["file"] == ["The selected file must be smaller than 2 KB"]


@override_settings(CANDOUR_MAX_REQUEST_BYTES=2048)
def test_a_request_over_the_limit_is_refused_site_wide(as_manager) -> None:
    response = send(as_manager, csv_bytes(*[line()] * 50))
    assert response.status_code == 413
    assert not Upload.objects.exists()


def test_a_long_upload_is_paginated(as_manager, manager, organisation) -> None:
    many = numbers(501)
    lines = [line(number) for number in many] + [line(BAD_CHECK)]
    upload = upload_service.apply_upload(
        user=manager, organisation=organisation, sequence=1, data=csv_bytes(*lines)
    )
    assert upload.lines_total == 502
    path = reverse("flags:upload", kwargs={"reference": upload.reference})
    first = as_manager.get(path).content.decode()
    assert 'class="govuk-pagination"' in first
    assert lines_table(first).count('<tr class="govuk-table__row">') == 1 + 500  # header, lines
    assert re.findall(r'numeric">(\d+)</td>', lines_table(first))[0] == "503"  # refused
    assert "(page 1 of 2)" in first
    assert 'href="?page=2" rel="next"' in first
    second = as_manager.get(path, {"page": 2}).content.decode()
    assert lines_table(second).count('<tr class="govuk-table__row">') == 1 + 2
    assert 'aria-current="page">2<' in second


def test_a_short_upload_has_no_pagination(as_manager, upload) -> None:
    html = as_manager.get(
        reverse("flags:upload", kwargs={"reference": upload.reference})
    ).content.decode()
    assert "govuk-pagination" not in html


# --- Contact details -------------------------------------------------------------------------

VALID_CONTACT = {
    "display_name": "Northbrook Children's Services front door",
    "office_hours_phone": "01632 960 001",
    "emergency_duty_phone": "(01632) 960999",
    "notification_email": "flags@northbrook.example",
    "webhook_url": "",
    "escalation_email": "edt@northbrook.example",
    "escalate_after_minutes": "60",
}


def test_contact_form_starts_with_the_authority_name(as_manager, organisation) -> None:
    html = as_manager.get(CONTACT).content.decode()
    assert f'value="{organisation.name}"'.replace("'", "&#x27;") in html
    assert 'value="120"' in html
    assert "Clinicians call this number out of hours" in html
    assert 'type="tel"' in html
    assert "Your authority has no contact details yet" in html


def test_contact_details_are_saved(as_manager, organisation) -> None:
    response = as_manager.post(CONTACT, VALID_CONTACT)
    assert response.status_code == 302
    assert response["Location"] == CONTACT
    contact = LocalAuthorityContact.objects.get(organisation=organisation)
    assert contact.display_name == VALID_CONTACT["display_name"]
    assert contact.emergency_duty_phone == "(01632) 960999"
    assert contact.escalate_after_minutes == 60
    assert contact.webhook_url == contact.webhook_secret == ""

    page = as_manager.get(CONTACT)
    assert banner(page) == "Contact details saved"
    html = page.content.decode()
    assert 'value="(01632) 960999"' in html
    assert "Checking webhook requests" not in html


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"emergency_duty_phone": ""},
            {"id_emergency_duty_phone": "Enter the emergency duty team phone number"},
        ),
        (
            {"emergency_duty_phone": "   "},
            {"id_emergency_duty_phone": "Enter the emergency duty team phone number"},
        ),
        (
            {"emergency_duty_phone": "call the EDT"},
            {
                "id_emergency_duty_phone": "Enter a phone number using only numbers, spaces, "
                "brackets and +, like 01632 960 001"
            },
        ),
        (
            {"office_hours_phone": "01632 960"},
            {
                "id_office_hours_phone": "Enter a phone number with 10 to 15 digits, "
                "like 01632 960 001"
            },
        ),
        (
            {"emergency_duty_phone": "+44 1632 960 999 1234"},
            {
                "id_emergency_duty_phone": "Enter a phone number with 10 to 15 digits, "
                "like 01632 960 001"
            },
        ),
        (
            {"webhook_url": "http://cases.northbrook.example/hook"},
            {"id_webhook_url": "The webhook address must start with https://"},
        ),
        (
            {"webhook_url": "ftp://cases.northbrook.example/hook"},
            {"id_webhook_url": "The webhook address must start with https://"},
        ),
        (
            {"notification_email": "flags at northbrook"},
            {
                "id_notification_email": "Enter an email address in the correct format, "
                "like name@example.com"
            },
        ),
        (
            {"escalate_after_minutes": "4"},
            {"id_escalate_after_minutes": "The number of minutes must be 5 or more"},
        ),
        (
            {"escalate_after_minutes": "10081"},
            {"id_escalate_after_minutes": "The number of minutes must be 10,080 (a week) or fewer"},
        ),
        (
            {"escalate_after_minutes": "2 hours"},
            {"id_escalate_after_minutes": "The number of minutes must be a whole number, like 120"},
        ),
        ({"display_name": ""}, {"id_display_name": "Enter the name clinicians see"}),
    ],
)
def test_contact_form_errors_are_summarised_and_nothing_saved(
    as_manager, organisation, changes, expected
) -> None:
    response = as_manager.post(CONTACT, {**VALID_CONTACT, **changes})
    assert_errors(response, expected)
    assert not LocalAuthorityContact.objects.filter(organisation=organisation).exists()


@pytest.mark.parametrize(
    "url", ["https://cases.northbrook.example/candour", "http://localhost:8080/hook"]
)
def test_a_webhook_gets_a_signing_secret_shown_on_the_page(as_manager, organisation, url) -> None:
    response = as_manager.post(CONTACT, {**VALID_CONTACT, "webhook_url": url})
    assert response.status_code == 302
    contact = LocalAuthorityContact.objects.get(organisation=organisation)
    assert contact.webhook_url == url
    assert len(contact.webhook_secret) == 64

    page = as_manager.get(CONTACT)
    html = page.content.decode()
    assert banner(page).startswith("Contact details saved. The webhook signing secret")
    inset = html.split('<div class="govuk-inset-text">', 1)[1].split("</div>", 1)[0]
    assert contact.webhook_secret in inset
    assert "Candour-Signature: t=&lt;unix time&gt;,v1=&lt;signature&gt;" in html
    assert "HMAC-SHA256" in html


def test_contact_form_shows_saved_details(as_manager, manager) -> None:
    contact_service.update_contact(
        user=manager,
        display_name="Front door",
        office_hours_phone="",
        emergency_duty_phone="01632 960999",
        notification_email="",
        webhook_url="",
        escalation_email="",
        escalate_after_minutes=30,
    )
    html = as_manager.get(CONTACT).content.decode()
    assert 'value="Front door"' in html
    assert 'value="30"' in html
    assert "no contact details yet" not in html


# --- Access notifications --------------------------------------------------------------------


def test_notifications_list_is_empty_at_first(as_manager) -> None:
    html = as_manager.get(NOTIFICATIONS).content.decode()
    assert "There are no access notifications yet." in html


def test_notifications_list_shows_a_lookup_by_an_emergency_department(
    as_manager, notification, nhs_organisation
) -> None:
    html = as_manager.get(NOTIFICATIONS).content.decode()
    assert (
        f'href="{reverse("flags:notification", kwargs={"reference": notification.reference})}"'
        in html
    )
    assert "Ada Smith" in html
    assert "NHS number 400 000 0004" in html
    assert "Emergency department" in html
    assert nhs_organisation.name in html
    assert '<strong class="govuk-tag govuk-tag--blue">New</strong>' in html
    assert "1 notification<" in html


def test_unacknowledged_notifications_come_first(
    as_manager, manager, notification, health_user
) -> None:
    notifications_service.acknowledge(user=manager, notification=notification)
    later = lookups_service.look_up(
        principal=lookups_service.Principal.for_user(health_user),
        identifier=parse(CHILD),
        care_setting=CareSetting.NHS_111,
    )
    Notification.objects.filter(access=later.access).update(escalated_at=timezone.now())
    html = as_manager.get(NOTIFICATIONS).content.decode()
    statuses = re.findall(r'govuk-tag govuk-tag--\w+">(\w+)</strong>', html)
    assert statuses == ["Escalated", "Acknowledged"]


def test_notifications_are_paginated_by_fifty(as_manager, notification) -> None:
    access = notification.access
    now = timezone.now()
    for minutes in range(1, 51):
        copy = Access.objects.create(
            subject=access.subject,
            accessed_at=now - timedelta(minutes=minutes),
            care_setting=access.care_setting,
            unscheduled=True,
            person_name=access.person_name,
            role_label=access.role_label,
            organisation=access.organisation,
        )
        Notification.objects.create(access=copy, authority=notification.authority, created_at=now)
    first = as_manager.get(NOTIFICATIONS).content.decode()
    assert "51 notifications (page 1 of 2)" in first
    assert first.count("Ada Smith") == 50
    second = as_manager.get(NOTIFICATIONS, {"page": 2}).content.decode()
    assert second.count("Ada Smith") == 1


def test_notification_page_shows_who_looked_and_when(
    as_manager, notification, health_user, nhs_organisation
) -> None:
    path = reverse("flags:notification", kwargs={"reference": notification.reference})
    html = as_manager.get(path).content.decode()
    assert "Dr Hari Medic" in html
    assert health_user.role_label in html
    assert f"{nhs_organisation.name} (ODS code XNH01)" in html
    assert "Emergency department" in html
    assert "400 000 0004" in html
    assert "Ada Smith" in html
    assert "1 March 2015" in html
    acknowledge = reverse("flags:acknowledge", kwargs={"reference": notification.reference})
    assert f'action="{acknowledge}"' in html
    assert CHILD not in html.replace("400 000 0004", "")  # the number only grouped, for reading


def test_acknowledge_works_once(as_manager, manager, notification) -> None:
    path = reverse("flags:notification", kwargs={"reference": notification.reference})
    acknowledge = reverse("flags:acknowledge", kwargs={"reference": notification.reference})
    response = as_manager.post(acknowledge)
    assert response.status_code == 302
    assert response["Location"] == path
    notification.refresh_from_db()
    assert notification.acknowledged_by == manager
    first_time = notification.acknowledged_at

    page = as_manager.get(path)
    assert banner(page) == "Notification acknowledged"
    html = page.content.decode()
    assert "Acknowledged by Fran Manager on" in html
    assert f'action="{acknowledge}"' not in html

    again = as_manager.post(acknowledge)
    assert again["Location"] == path
    page = as_manager.get(path)
    assert banner(page) == (
        "This notification had already been acknowledged, so nothing has changed."
    )
    notification.refresh_from_db()
    assert notification.acknowledged_at == first_time


def test_acknowledge_by_get_goes_back_to_the_notification(as_manager, notification) -> None:
    acknowledge = reverse("flags:acknowledge", kwargs={"reference": notification.reference})
    response = as_manager.get(acknowledge)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "flags:notification", kwargs={"reference": notification.reference}
    )
    notification.refresh_from_db()
    assert notification.acknowledged_at is None


# --- Who may open the pages ------------------------------------------------------------------


def test_outsider_cannot_see_another_authoritys_upload(signed_in, outsider, upload) -> None:
    client = signed_in(outsider)
    assert (
        client.get(reverse("flags:upload", kwargs={"reference": upload.reference})).status_code
        == 404
    )
    assert "Your authority has not uploaded any files yet." in client.get(UPLOADS).content.decode()
    # Their own sequence numbers start from 1, whatever other authorities have sent.
    assert 'name="sequence" value="1"' in client.get(NEW_UPLOAD).content.decode()


def test_outsider_cannot_see_or_acknowledge_another_authoritys_notification(
    signed_in, outsider, notification
) -> None:
    client = signed_in(outsider)
    reference = {"reference": notification.reference}
    assert client.get(reverse("flags:notification", kwargs=reference)).status_code == 404
    assert client.post(reverse("flags:acknowledge", kwargs=reference)).status_code == 404
    notification.refresh_from_db()
    assert notification.acknowledged_at is None
    html = client.get(NOTIFICATIONS).content.decode()
    assert "There are no access notifications yet." in html
    assert "Ada Smith" not in html


def test_outsider_edits_only_their_own_contact(signed_in, outsider, manager, organisation) -> None:
    client = signed_in(outsider)
    assert client.post(CONTACT, VALID_CONTACT).status_code == 302
    assert not LocalAuthorityContact.objects.filter(organisation=organisation).exists()
    assert LocalAuthorityContact.objects.filter(organisation=outsider.organisation).exists()


def test_outsider_upload_applies_to_their_own_authority(signed_in, outsider, upload) -> None:
    client = signed_in(outsider)
    response = send(client, csv_bytes(line(SISTER)), sequence=1)
    created = Upload.objects.get(organisation=outsider.organisation, sequence=1)
    assert response["Location"] == reverse("flags:upload", kwargs={"reference": created.reference})
    assert banner(client.get(response["Location"])) == ""  # not a resend of the other's 1


@pytest.mark.parametrize(
    ("role", "in_nhs"),
    [(Role.PRACTITIONER, False), (Role.ADMINISTRATOR, False), (Role.HEALTH_UNSCHEDULED, True)],
)
def test_other_roles_are_refused_every_page(
    make_user, signed_in, nhs_organisation, notification, upload, role, in_nhs
) -> None:
    fields = {"organisation": nhs_organisation} if in_nhs else {}
    client = signed_in(make_user(role, **fields))
    reference = {"reference": notification.reference}
    gets = [
        UPLOADS,
        NEW_UPLOAD,
        reverse("flags:upload", kwargs={"reference": upload.reference}),
        CONTACT,
        NOTIFICATIONS,
        reverse("flags:notification", kwargs=reference),
    ]
    for path in gets:
        assert client.get(path).status_code == 403, path
    posts = [NEW_UPLOAD, CONTACT, reverse("flags:acknowledge", kwargs=reference)]
    for path in posts:
        assert client.post(path, {}).status_code == 403, path
    notification.refresh_from_db()
    assert notification.acknowledged_at is None
    assert Upload.objects.count() == 1


def test_signed_out_users_are_sent_to_sign_in(client, upload) -> None:
    response = client.get(UPLOADS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_notification_page_shows_the_child_s_access_history_including_silent_reads(
    as_manager, notification, make_user, nhs_organisation, other_organisation
) -> None:
    """The authority sees every access to its child, scheduled ones too (CP-IS F3), and
    nothing about another authority's children."""
    from candour.flags.identifiers import parse
    from candour.flags.models import CareSetting

    gp = make_user(Role.HEALTH_SCHEDULED, organisation=nhs_organisation, full_name="Jo Practice")
    lookups_service.look_up(
        principal=lookups_service.Principal.for_user(gp),
        identifier=parse(CHILD),
        care_setting=CareSetting.GP_IN_HOURS,
    )
    path = reverse("flags:notification", kwargs={"reference": notification.reference})
    html = as_manager.get(path).content.decode()
    history = html[html.index("Accesses to this child") :]
    assert "Jo Practice" in history
    assert "GP practice (in hours)" in history
    assert "Not notified" in history
    assert "Dr Hari Medic" in history
    assert history.index("Jo Practice") < history.index("Dr Hari Medic")  # newest first
