"""Leaders' dashboard: counts only, every one through disclosure control; a group of k - 1
reports is neither shown nor derivable; no link leads to a report; leaders only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from candour.accounts.models import Role
from candour.accounts.tests.factories import UserFactory
from candour.audit.models import AuditEntry
from candour.learning.models.traps import ErrorTrap, Membership, TrapStatus
from candour.learning.tests.conftest import share
from candour.reporting.models import Report
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import submission

TODAY = dt.datetime(2026, 6, 15, 11, 0, tzinfo=dt.UTC)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(TODAY)]


def _file(programme, count: int, **answers) -> list[Report]:
    return [
        submission_service.submit_report(programme=programme, submission=submission(**answers))[0]
        for _ in range(count)
    ]


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER, full_name="Lee Leader")


@pytest.fixture
def filed(programme):
    # k - 1 = 9 incidents beside 30 near misses: 9 must be neither shown nor derivable.
    return _file(programme, 9, kind="incident") + _file(programme, 30, kind="near_miss")


def _csv(client, year: int = 2026) -> dict[tuple[str, str], str]:
    response = client.get(f"/dashboard.csv?year={year}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Table", "Row", "Figure"]
    return {(table, row): figure for table, row, figure in rows[1:]}


def test_a_group_of_k_minus_one_is_neither_shown_nor_derivable(signed_in, leader, filed):
    client = signed_in(leader)
    page = client.get("/dashboard")
    assert page.status_code == 200
    html = page.content.decode()
    figures = _csv(client)
    assert figures[("Reports by kind", "Incident")] == "fewer than 10"
    # The other kind is withheld, so the total (shown) minus it cannot give the 9.
    assert figures[("Reports by kind", "Near miss")] == "withheld"
    assert figures[("Reports by kind", "Total")] == "39"
    assert figures[("Reports by month received", "June")] == "39"
    assert "fewer than 10" in html
    assert "withheld" in html
    # No table from which a hidden count below 10 can be worked out: wherever a cell is
    # "fewer than 10" and the total is shown, at least one other cell is hidden too.
    tables: dict[str, list[str]] = {}
    for (table, row), figure in figures.items():
        if row != "Total":
            tables.setdefault(table, []).append(figure)
    for table, cells in tables.items():
        if "fewer than 10" in cells and figures[(table, "Total")].isdigit():
            assert sum(1 for c in cells if not c.isdigit()) >= 2, table
    assert ">9<" not in html


def test_the_page_shows_what_the_csv_holds_and_links_to_no_report(signed_in, leader, filed):
    client = signed_in(leader)
    html = client.get("/dashboard?year=2026").content.decode()
    for (_table, row), figure in _csv(client).items():
        assert figure in html
        assert row in html
    for report in filed:
        assert report.reference not in html
    links = re.findall(r'href="([^"]+)"', html)
    assert links
    for link in links:
        assert not link.startswith(("/learning/reports", "/analysis", "/intake", "/report/")), link


def test_each_view_and_download_is_audited_with_the_year_only(signed_in, leader, filed):
    client = signed_in(leader)
    client.get("/dashboard?year=2026")
    _csv(client)
    viewed = AuditEntry.objects.get(action="learning.dashboard.viewed")
    assert viewed.object_ref == "2026"
    assert AuditEntry.objects.filter(action="learning.dashboard.downloaded").count() == 1


def test_only_whole_years_from_the_first_report_can_be_chosen(signed_in, leader, filed):
    client = signed_in(leader)
    for year in ("2025", "2027", "June", "2026-06"):
        response = client.get(f"/dashboard?year={year}")
        assert response.status_code == 400
        assert "Select a year from the list" in response.content.decode()
        assert client.get(f"/dashboard.csv?year={year}").status_code == 400


def test_a_lower_threshold_set_by_the_programme_is_used(signed_in, leader, programme, filed):
    programme.disclosure_threshold = 5
    programme.save()
    figures = _csv(signed_in(leader))
    assert figures[("Reports by kind", "Incident")] == "9"


def test_confirmed_traps_are_counted_by_month_and_candidates_are_not(
    signed_in, leader, organisation, filed
):
    confirmed = ErrorTrap.objects.create(
        organisation=organisation,
        number=1,
        status=TrapStatus.CONFIRMED,
        name="Discharge letters filed unread",
        first_found_on=TODAY.date(),
    )
    ErrorTrap.objects.create(
        organisation=organisation, number=2, name="Not confirmed", first_found_on=TODAY.date()
    )
    for report in filed[:12]:
        Membership.objects.create(
            trap=confirmed,
            report=report,
            source=Membership.Source.LINKED,
            state=Membership.State.MEMBER,
            decided_on=TODAY.date(),
        )
    figures = _csv(signed_in(leader))
    assert figures[("T-1: Discharge letters filed unread", "June")] == "12"
    assert not any(table.startswith("T-2") for table, _ in figures)


def test_national_figures_use_the_highest_threshold_of_the_sharing_authorities(
    national, alice, programme
):
    from candour.learning.selectors.dashboard import policy_for

    share(alice)
    programme.disclosure_threshold = 20
    programme.save()
    assert policy_for(national).threshold == 20
    assert policy_for(programme.organisation).threshold == 20
    programme.disclosure_threshold = 5
    programme.save()
    assert policy_for(national).threshold == 10  # the national default is higher
    assert policy_for(programme.organisation).threshold == 5


def test_another_authoritys_reports_are_never_counted(signed_in, other_organisation, filed):
    other_leader = UserFactory(role=Role.LEADER, organisation=other_organisation)
    figures = _csv(signed_in(other_leader))
    assert figures[("Reports by kind", "Total")] == "0"


def test_national_leaders_see_only_released_reports_of_sharing_authorities(
    signed_in, national, alice, programme, intake, release, filed
):
    national_leader = UserFactory(role=Role.LEADER, organisation=national)
    for n in range(10):
        release(programme, intake, f"The chronology was late {n}.")
    # Not shared: nothing; shared: the ten released, never the 39 not released.
    assert _csv(signed_in(national_leader))[("Reports by kind", "Total")] == "0"
    share(alice)
    assert _csv(signed_in(national_leader))[("Reports by kind", "Total")] == "10"
    own = _csv(signed_in(UserFactory(role=Role.LEADER, organisation=programme.organisation)))
    assert own[("Reports by kind", "Total")] == "49"


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.LEADER])
def test_other_roles_are_refused(signed_in, make_user, role):
    client = signed_in(make_user(role))
    assert client.get("/dashboard").status_code == 403
    assert client.get("/dashboard.csv").status_code == 403
