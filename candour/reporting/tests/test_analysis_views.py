"""Analysts' pages: released, de-identified text only, and coding it.

The raw narrative carries MARKER (and the confidential reporter's contact name too): it must
never appear on an analyst's page, whatever the analyst does.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from candour.accounts.models import Role
from candour.audit.models import AuditEntry
from candour.reporting.models import Coding, Report
from candour.reporting.services import intake as intake_service
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import MARKER, confidential_submission, submission

pytestmark = pytest.mark.django_db

RELEASED = "[Child 1] was nearly sent home to [Address 1]."
CODING = {
    "scie_patterns": ["human_judgement", "multi_agency_assessment"],
    "london_factors": ["team", "task_technology"],
    "detection": "supervision",
    "mitigation": "The manager read the chronology before agreeing the plan.",
    "harm": "none",
    "synopsis": "A child was nearly returned to an unsafe address; caught in supervision.",
}


@pytest.fixture
def released(programme, intake) -> Report:
    report, _receipt = submission_service.submit_report(
        programme=programme, submission=confidential_submission()
    )
    intake_service.ask_reporter(user=intake, report=report, body=f"A question {MARKER}")
    return intake_service.release_report(
        user=intake,
        report=report,
        texts={"what_happened": RELEASED, "how_noticed": "A manager checked."},
    )


@pytest.fixture
def unreleased(programme) -> Report:
    report, _receipt = submission_service.submit_report(
        programme=programme, submission=submission()
    )
    return report


def _urls(report: Report) -> list[str]:
    return [
        reverse("reporting:analysis_list"),
        reverse("reporting:analysis_report", args=[report.reference]),
    ]


# --- Access -------------------------------------------------------------------------------------


def test_analyst_of_the_organisation_opens_both_pages(signed_in, analyst, released):
    client = signed_in(analyst)
    for url in _urls(released):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER not in response.content.decode()


def test_outsider_analyst_gets_404_for_the_report(
    signed_in, make_user, other_organisation, released
):
    outsider = signed_in(make_user(Role.ANALYST, organisation=other_organisation))
    url = reverse("reporting:analysis_report", args=[released.reference])
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, CODING).status_code == 404
    assert not Coding.objects.exists()
    listing = outsider.get(reverse("reporting:analysis_list")).content.decode()
    assert released.reference not in listing


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ANALYST])
def test_every_other_role_gets_403(signed_in, make_user, role, released):
    client = signed_in(make_user(role))
    for url in _urls(released):
        for response in (client.get(url), client.post(url, CODING)):
            assert response.status_code == 403, (role, url)
            assert MARKER not in response.content.decode()
            assert RELEASED not in response.content.decode()
    assert not Coding.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client, released):
    for url in _urls(released):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:sign_in")), url


def test_unreleased_report_is_not_found(signed_in, analyst, unreleased):
    client = signed_in(analyst)
    url = reverse("reporting:analysis_report", args=[unreleased.reference])
    assert client.get(url).status_code == 404
    assert (
        unreleased.reference not in client.get(reverse("reporting:analysis_list")).content.decode()
    )


def test_navigation_offers_released_reports_to_analysts_only(signed_in, analyst, intake):
    listing = reverse("reporting:analysis_list")
    assert f'href="{listing}"' in signed_in(analyst).get("/").content.decode()
    assert f'href="{listing}"' not in signed_in(intake).get("/").content.decode()


# --- Content --------------------------------------------------------------------------------


def test_list_shows_released_reports_and_whether_coded(signed_in, analyst, released):
    client = signed_in(analyst)
    body = client.get(reverse("reporting:analysis_list")).content.decode()
    assert released.reference in body
    assert "Near miss" in body
    assert "Assessment" in body
    assert ">No</strong>" in body
    client.post(reverse("reporting:analysis_report", args=[released.reference]), CODING)
    body = client.get(reverse("reporting:analysis_list")).content.decode()
    assert ">Yes</strong>" in body


def test_analyst_sees_released_text_only(signed_in, analyst, released):
    body = (
        signed_in(analyst)
        .get(reverse("reporting:analysis_report", args=[released.reference]))
        .content.decode()
    )
    assert RELEASED in body
    assert "A manager checked." in body
    for secret in (MARKER, "Kayden", "Elm Grove", "sam.reporter", "A question"):
        assert secret not in body


def test_coding_is_saved_and_shown(signed_in, analyst, released):
    client = signed_in(analyst)
    url = reverse("reporting:analysis_report", args=[released.reference])
    form = client.get(url).content.decode()
    for label in (
        "Human\u2013tool operation",
        "Multi-agency working in response to incidents or crises",
        "Institutional context",
        "Child and family",
        "A system check or audit",
        "The reporter themselves",
    ):
        assert label in form
    response = client.post(url, CODING)
    assert response.status_code == 302
    coding = Coding.objects.get(report=released)
    # Stored in the vocabulary's order, whatever order they came in, so codes compare alike.
    assert coding.scie_patterns == ["multi_agency_assessment", "human_judgement"]
    assert coding.london_factors == ["team", "task_technology"]
    assert (coding.detection, coding.harm) == ("supervision", "none")
    assert coding.synopsis == CODING["synopsis"]
    assert coding.coded_by_ref == str(analyst.reference)
    assert AuditEntry.objects.filter(action="reporting.report.coded").exists()
    page = client.get(url).content.decode()
    assert f"Coding of report {released.reference} saved" in page  # the success banner
    assert "govuk-notification-banner--success" in page
    assert "Human judgement and reasoning" in page
    assert CODING["synopsis"] in page
    assert re.search(r'value="human_judgement"\s+checked', page)  # the form shows it too
    assert not re.search(r'value="human_tool"\s+checked', page)
    assert MARKER not in page


def test_coding_errors_are_listed(signed_in, analyst, released, settings):
    url = reverse("reporting:analysis_report", args=[released.reference])
    response = signed_in(analyst).post(
        url, {"scie_patterns": ["not_a_pattern"], "synopsis": "x" * 2001}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in body
    for message in (
        "Select patterns from the list",
        "Select how it was detected",
        "Select the harm",
        "The synopsis must be 2,000 characters or fewer",
    ):
        assert message in body
    assert MARKER not in body
    assert not Coding.objects.exists()
    empty = signed_in(analyst).post(url, {**CODING, "synopsis": ""})
    assert empty.status_code == 400
    assert "Enter a synopsis" in empty.content.decode()
