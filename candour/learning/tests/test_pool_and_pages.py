"""Pooling and the learning pages: an authority's analysts see their own released reports,
national analysts only shared ones (by region unless named), nobody sees anything sealed,
and every page refuses other roles (403) and hides other organisations' things (404)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from candour.accounts.models import OrganisationKind, Role
from candour.accounts.tests.factories import OrganisationFactory, UserFactory
from candour.audit.models import AuditEntry
from candour.learning.models.search import SavedSearch, SavedSearchMatch
from candour.learning.tests.conftest import MARKER, share
from candour.notifications.services import run_due_jobs
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import submission

pytestmark = pytest.mark.django_db

OURS = "The chronology was not read before the strategy meeting."
THEIRS = "The chronology was missing when the child was moved to a new placement."


@pytest.fixture
def ours(programme, intake, release):
    return release(programme, intake, OURS)


@pytest.fixture
def theirs(other_programme, other_intake, release):
    return release(other_programme, other_intake, THEIRS)


@pytest.fixture
def other_admin(other_organisation):
    return UserFactory(role=Role.ADMINISTRATOR, organisation=other_organisation)


def references(html: str) -> set[str]:
    return set(re.findall(r"R-[A-Z0-9]{4}-[A-Z0-9]{4}", html))


def search_page(client, **params) -> str:
    response = client.get(reverse("learning:search"), {"q": "chronology", **params})
    assert response.status_code == 200
    return response.content.decode()


def test_an_authoritys_analysts_see_only_their_own(signed_in, analyst, ours, theirs):
    html = search_page(signed_in(analyst))
    assert references(html) == {ours.reference}
    assert "<mark>chronology</mark>" in html
    client = signed_in(analyst)
    assert client.get(reverse("learning:report", args=[theirs.reference])).status_code == 404
    assert client.get(reverse("learning:report", args=[ours.reference])).status_code == 200


def test_national_analysts_see_shared_released_reports_by_region(
    signed_in, national_analyst, admin, other_admin, ours, theirs, programme, other_organisation
):
    client = signed_in(national_analyst)
    assert references(search_page(client)) == set()
    share(admin, region="north_east")
    html = search_page(client)
    assert references(html) == {ours.reference}
    assert "An authority in North East" in html
    assert programme.organisation.name not in html
    # Unshared authorities' reports are not found, even by reference.
    assert client.get(reverse("learning:report", args=[theirs.reference])).status_code == 404
    share(other_admin, region="london", name_shown=True)
    html = search_page(client)
    assert references(html) == {ours.reference, theirs.reference}
    assert escape(other_organisation.name) in html
    # Filter by a named authority or by a region.
    named = search_page(client, authority=f"org:{other_organisation.reference}")
    assert references(named) == {theirs.reference}
    assert references(search_page(client, authority="region:north_east")) == {ours.reference}
    page = client.get(reverse("learning:report", args=[ours.reference])).content.decode()
    # Stopping sharing takes the authority's reports out of the national pool at once.
    from candour.learning.services import sharing as sharing_service

    sharing_service.update_sharing(
        admin=other_admin, share_nationally=False, region="london", name_shown=True
    )
    assert references(search_page(client)) == {ours.reference}
    assert OURS in page
    assert MARKER not in page
    assert "Kayden" not in page


def test_unreleased_and_sealed_material_never_reaches_national_analysts(
    signed_in, national_analyst, admin, programme
):
    share(admin)
    report, _ = submission_service.submit_report(programme=programme, submission=submission())
    client = signed_in(national_analyst)
    assert client.get(reverse("learning:report", args=[report.reference])).status_code == 404
    html = client.get(reverse("learning:search"), {"q": MARKER}).content.decode()
    # The raw narrative holds MARKER: searching for it finds nothing (only the query is echoed).
    assert references(html) == set()
    assert "0 reports found" in html
    assert "Kayden" not in html


def test_a_bad_query_gets_an_error_summary(signed_in, analyst):
    response = signed_in(analyst).get(reverse("learning:search"), {"q": "x" * 10_000})
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Search terms must be 1,000 characters or fewer" in html
    response = signed_in(analyst).get(
        reverse("learning:search"), {"q": "", "from_year": "2027", "to_year": "2026"}
    )
    assert response.status_code == 400
    assert "To year must be the same as or after from year" in response.content.decode()


def test_sharing_is_the_administrators_choice_and_audited(signed_in, admin):
    client = signed_in(admin)
    url = reverse("learning:sharing")
    assert client.get(url).status_code == 200
    response = client.post(url, {"share_nationally": "yes", "region": "", "name_shown": "no"})
    assert response.status_code == 400
    assert "Select your region" in response.content.decode()
    response = client.post(url, {"share_nationally": "yes", "region": "wales", "name_shown": "no"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="learning.sharing.changed")
    assert entry.object_ref == str(admin.organisation.reference)


def test_only_local_authorities_have_a_sharing_page(signed_in, national):
    national_admin = UserFactory(role=Role.ADMINISTRATOR, organisation=national)
    assert signed_in(national_admin).get(reverse("learning:sharing")).status_code == 404
    nhs = OrganisationFactory(kind=OrganisationKind.NHS)
    nhs_admin = UserFactory(role=Role.ADMINISTRATOR, organisation=nhs)
    assert signed_in(nhs_admin).get(reverse("learning:sharing")).status_code == 404


def test_a_saved_search_tells_its_owner_of_a_new_match_by_reference_only(
    signed_in, analyst, other_analyst, programme, intake, release
):
    client = signed_in(analyst)
    response = client.post(
        reverse("learning:save_search") + "?q=chronology&kind=near_miss", {"name": "Chronologies"}
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(owner=analyst)
    signed_in(other_analyst).post(
        reverse("learning:save_search") + "?q=chronology", {"name": "Theirs"}
    )
    mail.outbox.clear()
    matching = release(programme, intake, OURS)
    release(programme, intake, "A discharge letter was not read.")
    run_due_jobs()
    assert list(SavedSearchMatch.objects.values_list("report_id", flat=True)) == [matching.pk]
    assert [m.to for m in mail.outbox] == [[analyst.email]]
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert matching.reference in body
    assert "chronology" not in body.lower()
    page = client.get(reverse("learning:saved_one", args=[saved.reference])).content.decode()
    assert matching.reference in page
    assert "New" in page
    # Running the job again sends nothing more.
    from candour.learning.jobs import match_saved_searches
    from candour.notifications.models import Job

    match_saved_searches(
        Job.objects.get(kind="learning.match_saved_searches", payload__report=matching.reference)
    )
    assert len(mail.outbox) == 1
    # Someone else's saved search is not found.
    other = signed_in(other_analyst)
    assert other.get(reverse("learning:saved_one", args=[saved.reference])).status_code == 404
    assert (
        other.post(
            reverse("learning:saved_one", args=[saved.reference]), {"action": "delete"}
        ).status_code
        == 404
    )
    assert SavedSearch.objects.filter(pk=saved.pk).exists()
    client.post(reverse("learning:saved_one", args=[saved.reference]), {"action": "delete"})
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()


def test_saving_needs_a_name(signed_in, analyst):
    response = signed_in(analyst).post(reverse("learning:save_search") + "?q=x", {"name": ""})
    assert response.status_code == 400
    assert "Enter a name for this search" in response.content.decode()
    assert signed_in(analyst).get(reverse("learning:save_search") + "?q=x").status_code == 302


@pytest.mark.parametrize("role", [Role.INTAKE_OFFICER, Role.LEADER, Role.PRACTITIONER])
def test_other_roles_are_refused(signed_in, make_user, ours, role):
    client = signed_in(make_user(role))
    for url in (
        reverse("learning:search"),
        reverse("learning:report", args=[ours.reference]),
        reverse("learning:saved"),
    ):
        assert client.get(url).status_code == 403, url


def test_a_broad_search_is_counted_up_to_a_limit(
    signed_in, analyst, programme, intake, release, monkeypatch
):
    from candour.learning.views import search as search_views

    reports = [
        release(programme, intake, f"The chronology was late for visit {n}.") for n in range(3)
    ]
    monkeypatch.setattr(search_views, "COUNT_LIMIT", 2)
    monkeypatch.setattr(search_views, "RESULTS_PER_PAGE", 1)
    client = signed_in(analyst)
    html = search_page(client)
    assert "More than 2 reports found" in html
    assert "The 2 most recent are shown, best match first" in html
    assert len(references(html)) == 1
    # The pages stop at the limit: asking for the third gives the last, the second; the
    # oldest match was not ranked.
    last = search_page(client, page=3)
    assert references(last) == references(search_page(client, page=2)) != references(html)
    shown = references(html) | references(last)
    assert shown == {r.indexed.reference for r in reports[1:]}
    # Filters alone: the most recently released, counted up to the limit.
    html = search_page(client, q="", kind="near_miss")
    assert "More than 2 reports found" in html
    assert "The 2 most recently released are shown" in html
    monkeypatch.setattr(search_views, "COUNT_LIMIT", 3)
    html = search_page(client)
    assert "3 reports found" in html
    assert "More than" not in html
