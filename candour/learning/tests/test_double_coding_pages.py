"""Double coding's pages: blindness, who may open each, the agreement figures, and bad input
answered with a GOV.UK error summary (400), never a 500."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from candour.accounts.models import OrganisationKind, Role
from candour.accounts.tests.factories import OrganisationFactory, UserFactory
from candour.learning.models.double_coding import DoubleCodingStatus
from candour.learning.selectors import double_coding as selectors
from candour.learning.services import double_coding as service
from candour.learning.tests.conftest import code

S = DoubleCodingStatus
TEXT = "The chronology was not read before the strategy meeting."
FIRST_SYNOPSIS = "FIRST-CODER-SYNOPSIS-4417"
SECOND_SYNOPSIS = "SECOND-CODER-SYNOPSIS-9921"
SECOND = {
    "scie_patterns": ["human_judgement"],
    "london_factors": ["team"],
    "detection": "colleague",
    "mitigation": "",
    "harm": "low",
    "synopsis": SECOND_SYNOPSIS,
}
POSTED_SECOND = {
    "scie_patterns": ["human_judgement"],
    "london_factors": ["team"],
    "detection": "colleague",
    "harm": "low",
    "synopsis": SECOND_SYNOPSIS,
}
SUMMARY = "govuk-error-summary"
ANALYST_ROUTES = ("double_coding_list", "double_coding_second", "double_coding_reconcile")


@pytest.fixture
def analyst2(make_user):
    return make_user(Role.ANALYST, full_name="Ben Analyst")


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER, full_name="Lee Leader")


@pytest.fixture
def chosen(admin, programme, intake, release):
    service.set_share(admin=admin, share_percent=100)
    report = release(programme, intake, TEXT)
    return selectors.find_for_report(report=report)


@pytest.fixture
def first_coded(chosen, analyst):
    code(analyst, chosen.report, scie_patterns=["human_tool"], synopsis=FIRST_SYNOPSIS)
    chosen.refresh_from_db()
    return chosen


@pytest.fixture
def paired(first_coded, analyst2):
    return service.record_second_coding(user=analyst2, double_coding=first_coded, **SECOND)


def url(name, chosen=None):
    if name in {"double_coding_second", "double_coding_reconcile"}:
        return reverse(f"learning:{name}", args=[chosen.report.reference])
    return reverse(f"learning:{name}")


# Blindness.


def test_the_second_coder_sees_the_account_but_not_the_first_coding(
    first_coded, analyst2, signed_in
):
    response = signed_in(analyst2).get(url("double_coding_second", first_coded))
    html = response.content.decode()
    assert response.status_code == 200
    assert TEXT in html
    assert FIRST_SYNOPSIS not in html
    assert "checked" not in html  # no answer of the first coder is preselected
    assert "Save second coding" in html


def test_the_reconciliation_page_shows_neither_coding_before_both_exist(
    first_coded, analyst, analyst2, signed_in
):
    for user in (analyst, analyst2):
        response = signed_in(user).get(url("double_coding_reconcile", first_coded))
        html = response.content.decode()
        assert response.status_code == 200
        assert FIRST_SYNOPSIS not in html
        assert "Both codings are needed" in html
        assert "Save agreed coding" not in html


def test_a_refused_reconciliation_before_both_exist_shows_no_coding(
    first_coded, analyst2, signed_in
):
    response = signed_in(analyst2).post(url("double_coding_reconcile", first_coded), POSTED_SECOND)
    html = response.content.decode()
    assert response.status_code == 400
    assert SUMMARY in html
    assert "waiting for a second coding" in html
    assert FIRST_SYNOPSIS not in html


def test_the_first_coder_does_not_see_the_second_coding_before_reconciliation(
    paired, analyst, signed_in
):
    client = signed_in(analyst)
    for address in (
        url("double_coding_second", paired),
        url("double_coding_list"),
        reverse("reporting:analysis_report", args=[paired.report.reference]),
    ):
        response = client.get(address)
        assert response.status_code == 200, address
        assert SECOND_SYNOPSIS not in response.content.decode(), address


def test_the_first_coder_is_told_another_analyst_must_code_it(first_coded, analyst, signed_in):
    client = signed_in(analyst)
    html = client.get(url("double_coding_second", first_coded)).content.decode()
    assert "You made the first coding" in html
    assert "Save second coding" not in html
    listing = client.get(url("double_coding_list")).content.decode()
    assert "Another analyst will code it a second time" in listing
    response = client.post(url("double_coding_second", first_coded), POSTED_SECOND)
    assert response.status_code == 400
    assert SUMMARY in response.content.decode()
    assert service.SAME_CODER in response.content.decode()
    first_coded.refresh_from_db()
    assert first_coded.status == S.AWAITING_SECOND


# The journey.


def test_the_coding_page_and_search_keep_the_second_coder_blind(
    first_coded, analyst, analyst2, signed_in
):
    page = reverse("reporting:analysis_report", args=[first_coded.report.reference])
    html = signed_in(analyst2).get(page).content.decode()
    assert TEXT in html
    assert FIRST_SYNOPSIS not in html
    assert "being coded a second time, blind" in html
    assert "Save coding" not in html
    # Nor can the coding be overwritten from there.
    response = signed_in(analyst2).post(page, POSTED_SECOND)
    assert response.status_code == 409
    first_coded.report.coding.refresh_from_db()
    assert first_coded.report.coding.synopsis == FIRST_SYNOPSIS
    # The first coder still sees their own coding.
    assert FIRST_SYNOPSIS in signed_in(analyst).get(page).content.decode()
    # Search, the report page and similar reports hold no coding until reconciliation.
    found = signed_in(analyst2).get(reverse("learning:search"), {"q": FIRST_SYNOPSIS})
    assert first_coded.report.reference not in found.content.decode()
    learning_page = reverse("learning:report", args=[first_coded.report.reference])
    assert FIRST_SYNOPSIS not in signed_in(analyst2).get(learning_page).content.decode()


def test_a_second_coding_then_a_reconciliation(first_coded, analyst, analyst2, signed_in):
    listing = signed_in(analyst2).get(url("double_coding_list")).content.decode()
    assert first_coded.report.reference in listing
    assert "Code it a second time" in listing
    response = signed_in(analyst2).post(url("double_coding_second", first_coded), POSTED_SECOND)
    assert response.status_code == 302
    first_coded.refresh_from_db()
    assert first_coded.status == S.AWAITING_RECONCILIATION

    client = signed_in(analyst)
    html = client.get(url("double_coding_reconcile", first_coded)).content.decode()
    assert FIRST_SYNOPSIS in html
    assert SECOND_SYNOPSIS in html
    assert "Different" in html
    agreed = {**POSTED_SECOND, "synopsis": "AGREED-SYNOPSIS", "scie_patterns": ["human_tool"]}
    response = client.post(url("double_coding_reconcile", first_coded), agreed)
    assert response.status_code == 302
    first_coded.refresh_from_db()
    assert first_coded.status == S.RECONCILED
    assert first_coded.first_coding["synopsis"] == FIRST_SYNOPSIS
    assert first_coded.second_coding["synopsis"] == SECOND_SYNOPSIS
    html = client.get(url("double_coding_reconcile", first_coded)).content.decode()
    assert "AGREED-SYNOPSIS" in html
    assert "Save agreed coding" not in html
    report_page = client.get(
        reverse("reporting:analysis_report", args=[first_coded.report.reference])
    )
    assert "AGREED-SYNOPSIS" in report_page.content.decode()
    # Reconciled, the agreed coding is searchable.
    found = client.get(reverse("learning:search"), {"q": "AGREED-SYNOPSIS"}).content.decode()
    assert first_coded.report.reference in found


def test_the_reconciliation_starts_from_what_both_chose_alike(paired, analyst, signed_in):
    html = signed_in(analyst).get(url("double_coding_reconcile", paired)).content.decode()
    assert "Save agreed coding" in html
    # Detection and harm differ (supervision/none against colleague/low): nothing preselected.
    assert 'value="colleague" checked' not in html
    assert 'value="supervision" checked' not in html


@pytest.mark.parametrize(
    "posted",
    [
        {},
        {**POSTED_SECOND, "detection": "telepathy"},
        {**POSTED_SECOND, "scie_patterns": ["made_up"]},
        {**POSTED_SECOND, "synopsis": "   "},
        {**POSTED_SECOND, "synopsis": "bad\x00text"},
        {**POSTED_SECOND, "synopsis": "x" * 2001},
    ],
)
def test_bad_codings_give_an_error_summary(
    paired, first_coded, analyst, make_user, signed_in, posted
):
    third = make_user(Role.ANALYST)
    response = signed_in(analyst).post(url("double_coding_reconcile", paired), posted)
    assert response.status_code == 400
    assert SUMMARY in response.content.decode()
    response = signed_in(third).post(url("double_coding_second", paired), posted)
    assert response.status_code == 400
    assert SUMMARY in response.content.decode()


def test_a_second_coding_of_a_report_coded_twice_is_refused_with_a_summary(
    paired, make_user, signed_in
):
    response = signed_in(make_user(Role.ANALYST)).post(
        url("double_coding_second", paired), POSTED_SECOND
    )
    assert response.status_code == 400
    assert "waiting for reconciliation, so you cannot record a second coding" in (
        response.content.decode()
    )


# Who may open each page.


@pytest.mark.parametrize("name", ANALYST_ROUTES)
def test_another_organisations_analyst_gets_404(paired, other_analyst, signed_in, name):
    client = signed_in(other_analyst)
    if name == "double_coding_list":
        html = client.get(url(name)).content.decode()
        assert paired.report.reference not in html
        return
    assert client.get(url(name, paired)).status_code == 404
    assert client.post(url(name, paired), POSTED_SECOND).status_code == 404


def test_an_unknown_reference_gets_404(paired, analyst, signed_in):
    client = signed_in(analyst)
    for name in ("double_coding_second", "double_coding_reconcile"):
        address = reverse(f"learning:{name}", args=["NB-NOPE"])
        assert client.get(address).status_code == 404


@pytest.mark.parametrize(
    "role",
    [Role.PRACTITIONER, Role.INTAKE_OFFICER, Role.LEADER, Role.ADMINISTRATOR, Role.FLAG_MANAGER],
)
@pytest.mark.parametrize("name", ANALYST_ROUTES)
def test_other_roles_get_403_on_analyst_pages(paired, make_user, signed_in, role, name):
    client = signed_in(make_user(role))
    assert client.get(url(name, paired)).status_code == 403
    if name != "double_coding_list":
        assert client.post(url(name, paired), POSTED_SECOND).status_code == 403
    paired.refresh_from_db()
    assert paired.status == S.AWAITING_RECONCILIATION


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.INTAKE_OFFICER, Role.ADMINISTRATOR])
def test_other_roles_get_403_on_the_agreement_page(make_user, signed_in, role):
    assert signed_in(make_user(role)).get(url("double_coding_agreement")).status_code == 403


@pytest.mark.parametrize("role", [Role.ANALYST, Role.LEADER, Role.PRACTITIONER])
def test_other_roles_get_403_on_the_settings_page(make_user, signed_in, role):
    client = signed_in(make_user(role))
    assert client.get(url("double_coding_settings")).status_code == 403
    assert client.post(url("double_coding_settings"), {"share_percent": "50"}).status_code == 403


def test_an_administrator_outside_local_government_gets_404_on_settings(db, signed_in):
    trust = OrganisationFactory(kind=OrganisationKind.NHS, ods_code="XNH09")
    admin = UserFactory(role=Role.ADMINISTRATOR, organisation=trust)
    assert signed_in(admin).get(url("double_coding_settings")).status_code == 404


# The agreement page.


def make_pairs(programme, intake, release, analyst, analyst2, detections):
    for first, second in detections:
        report = release(programme, intake, TEXT)
        code(analyst, report, detection=first, synopsis="One")
        chosen = selectors.find_for_report(report=report)
        service.record_second_coding(
            user=analyst2,
            double_coding=chosen,
            **{**SECOND, "detection": second, "harm": "none", "scie_patterns": []},
        )


DETECTIONS = [
    ("supervision", "supervision"),
    ("supervision", "colleague"),
    ("colleague", "colleague"),
    ("colleague", "colleague"),
    ("reporter", "reporter"),
]


@pytest.fixture
def five_pairs(admin, programme, intake, release, analyst, analyst2, time_machine):
    time_machine.move_to(datetime(2026, 5, 12, 10, tzinfo=UTC))
    service.set_share(admin=admin, share_percent=100)
    make_pairs(programme, intake, release, analyst, analyst2, DETECTIONS)


def figure(html, field):
    start = html.index(f'data-field="{field}">') + len(f'data-field="{field}">')
    return html[start : html.index("</td>", start)]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.LEADER])
def test_the_agreement_page_shows_per_field_figures(five_pairs, make_user, signed_in, role):
    response = signed_in(make_user(role)).get(url("double_coding_agreement"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "5 reports coded twice" in html
    # p_o 4/5; first sup 2, col 2, rep 1; second sup 1, col 3, rep 1: p_e 9/25; kappa 0.6875.
    assert figure(html, "detection").startswith("0.69")
    assert "Not enough data" in figure(html, "harm")  # everyone said "no harm"
    assert "Both coders gave the same single answer" in figure(html, "harm")
    assert "Krippendorff" in html
    # Aggregates only: no report and no coding text.
    assert "NB-" not in html
    assert SECOND_SYNOPSIS not in html


def test_the_agreement_page_is_for_a_period(five_pairs, leader, signed_in):
    client = signed_in(leader)
    html = client.get(url("double_coding_agreement"), {"from_year": "2027"}).content.decode()
    assert "0 reports coded twice in this period" in html
    assert "No reports were coded twice in this period." in html
    html = client.get(
        url("double_coding_agreement"), {"from_year": "2026", "to_year": "2026"}
    ).content.decode()
    assert "5 reports coded twice in this period" in html


def test_too_few_pairs_give_not_enough_data(paired, leader, signed_in):
    html = signed_in(leader).get(url("double_coding_agreement")).content.decode()
    assert "1 report coded twice" in html
    assert "Fewer than 5 reports were coded twice" in html


def test_another_organisations_figures_are_not_shown(five_pairs, other_organisation, signed_in):
    outsider = UserFactory(role=Role.LEADER, organisation=other_organisation)
    html = signed_in(outsider).get(url("double_coding_agreement")).content.decode()
    assert "0 reports coded twice" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from_year": "last year"}, "From year must be a year, like 2026"),
        ({"from_year": "1999"}, "From year must be 2000 or later"),
        ({"to_year": "99999"}, "To year must be 2100 or earlier"),
        ({"from_year": "2027", "to_year": "2026"}, "To year must be the same as or after"),
        ({"from_year": "20\x0026"}, "From year"),
    ],
)
def test_a_bad_period_gives_an_error_summary(leader, signed_in, query, message):
    response = signed_in(leader).get(url("double_coding_agreement"), query)
    html = response.content.decode()
    assert response.status_code == 400
    assert SUMMARY in html
    assert message in html


# The administrator's setting.


@pytest.fixture
def default_ten(settings):
    """The production default (the test settings turn random selection off)."""
    settings.CANDOUR_DOUBLE_CODING_DEFAULT_SHARE = 10


def test_the_administrator_changes_the_share(admin, organisation, signed_in, default_ten):
    client = signed_in(admin)
    html = client.get(url("double_coding_settings")).content.decode()
    assert 'value="10"' in html
    response = client.post(url("double_coding_settings"), {"share_percent": "30"})
    assert response.status_code == 302
    assert selectors.current_share(organisation=organisation) == 30


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({}, "Enter the percentage of released reports to code twice"),
        ({"share_percent": "ten"}, "The percentage must be a whole number, like 10"),
        ({"share_percent": "12.5"}, "The percentage must be a whole number, like 10"),
        ({"share_percent": "-1"}, "The percentage must be 0 or more"),
        ({"share_percent": "101"}, "The percentage must be 100 or less"),
    ],
)
def test_a_bad_share_gives_an_error_summary(
    admin, organisation, signed_in, posted, message, default_ten
):
    response = signed_in(admin).post(url("double_coding_settings"), posted)
    html = response.content.decode()
    assert response.status_code == 400
    assert SUMMARY in html
    assert message in html
    assert selectors.current_share(organisation=organisation) == 10
