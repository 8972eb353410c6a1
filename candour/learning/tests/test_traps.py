"""Error traps: discovery finds planted themes, and every analyst decision (names, status,
links, unlinks) survives re-runs; the trap lifecycle allows exactly its table; the pages
refuse other organisations and roles."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from candour.core.lifecycle import IllegalMove
from candour.demo.reports import THEMES
from candour.learning.models.traps import DiscoveryRun, ErrorTrap, Membership, TrapStatus
from candour.learning.selectors import similar
from candour.learning.services import discovery
from candour.learning.services import traps as trap_service
from candour.learning.tests.conftest import share
from candour.learning.trap_lifecycle import TRAP

pytestmark = pytest.mark.django_db


@pytest.fixture
def planted(programme, intake, release):
    """24 released reports, eight for each of three recurring traps."""
    reports: dict[str, list] = {}
    months = itertools.cycle(range(1, 13))
    for theme, texts in THEMES.items():
        reports[theme] = [
            release(programme, intake, text, occurred_month=next(months)) for text in texts
        ]
    return reports


def _trap_of(report) -> ErrorTrap | None:
    membership = Membership.objects.filter(report=report, state=Membership.State.MEMBER).first()
    return membership.trap if membership else None


def _majority(reports) -> tuple[ErrorTrap, int]:
    traps = [_trap_of(r) for r in reports]
    best = max(set(traps), key=traps.count)
    return best, traps.count(best)


def test_discovery_finds_the_planted_traps(planted, organisation):
    run = discovery.run_discovery(organisation=organisation)
    assert run.reports == 24
    assert run.themes == 3
    found = {theme: _majority(reports) for theme, reports in planted.items()}
    for theme, (trap, count) in found.items():
        assert trap is not None, theme
        assert count >= 6, theme  # at least three in four of a theme's reports together
    assert len({trap.pk for trap, _count in found.values()}) == 3
    discharge, _ = found["discharge"]
    assert "discharge" in " ".join(discharge.terms)
    assert len(discharge.representatives) == 3
    assert discharge.authorities == 1
    assert sum(count for _month, count in discharge.months) == discharge.size


def test_decisions_and_numbers_survive_a_rerun(
    planted, organisation, analyst, programme, intake, release
):
    discovery.run_discovery(organisation=organisation)
    trap, _ = _majority(planted["discharge"])
    number = trap.number
    trap_service.confirm(
        user=analyst, trap=trap, name="Discharge letters filed unread", description=""
    )
    taken_out = next(m for m in trap.memberships.all() if m.state == Membership.State.MEMBER)
    trap_service.unlink(user=analyst, trap=trap, membership=taken_out)
    stranger = planted["transfer"][0]
    trap_service.link(user=analyst, trap=trap, reference=stranger.reference)
    numbers_before = set(ErrorTrap.objects.values_list("number", flat=True))
    # More reports arrive; discovery runs again.
    release(programme, intake, "A discharge letter from A&E was filed without being read.")
    second = discovery.run_discovery(organisation=organisation)
    assert DiscoveryRun.objects.count() == 2
    trap.refresh_from_db()
    assert trap.number == number
    assert trap.status == TrapStatus.CONFIRMED
    assert trap.name == "Discharge letters filed unread"
    assert trap.last_run == second
    assert Membership.objects.get(pk=taken_out.pk).state == Membership.State.EXCLUDED
    assert Membership.objects.get(trap=trap, report=stranger).state == Membership.State.MEMBER
    # The planted traps kept their numbers: no renumbering.
    assert numbers_before <= set(ErrorTrap.objects.values_list("number", flat=True))
    for theme in ("chronology", "transfer"):
        assert _majority(planted[theme])[0].number in numbers_before


def test_too_few_reports_make_no_themes(programme, intake, release, organisation):
    release(programme, intake, "A discharge letter was filed unread.")
    run = discovery.run_discovery(organisation=organisation)
    assert (run.reports, run.themes) == (1, 0)
    assert not ErrorTrap.objects.exists()


def test_national_discovery_counts_authorities(
    planted, admin, national, other_programme, other_intake, release
):
    share(admin)
    discovery.run_discovery(organisation=national)
    assert ErrorTrap.objects.filter(organisation=national).count() == 3
    assert set(
        ErrorTrap.objects.filter(organisation=national).values_list("authorities", flat=True)
    ) == {1}


STATES = list(TrapStatus.values)
ALLOWED = {
    ("confirm", "candidate"): "confirmed",
    ("dismiss", "candidate"): "closed",
    ("monitor", "confirmed"): "monitoring",
    ("resume", "monitoring"): "confirmed",
    ("close", "confirmed"): "closed",
    ("close", "monitoring"): "closed",
    ("reopen", "closed"): "monitoring",
    ("describe", "confirmed"): "confirmed",
    ("describe", "monitoring"): "monitoring",
    ("merge", "candidate"): "closed",
    ("merge", "confirmed"): "closed",
    ("merge", "monitoring"): "closed",
}


@pytest.mark.parametrize("event", TRAP.events())
@pytest.mark.parametrize("state", STATES)
def test_the_trap_lifecycle_allows_exactly_its_table(organisation, event, state):
    trap = ErrorTrap(organisation=organisation, number=1, status=state, first_found_on="2026-01-01")
    expected = ALLOWED.get((event, state))
    if expected is None:
        with pytest.raises(IllegalMove, match="This error trap is"):
            TRAP.check(trap, event)
    else:
        assert TRAP.check(trap, event) == expected


def test_a_refused_move_is_a_clear_message(planted, organisation, analyst):
    discovery.run_discovery(organisation=organisation)
    trap = ErrorTrap.objects.first()
    with pytest.raises(ValidationError, match="candidate, so you cannot close it"):
        trap_service.change_status(user=analyst, trap=trap, event="close")
    with pytest.raises(ValidationError, match="Enter a name"):
        trap_service.confirm(user=analyst, trap=trap, name="  ", description="")


def test_the_pages(planted, organisation, analyst, signed_in, other_analyst):
    discovery.run_discovery(organisation=organisation)
    trap, _ = _majority(planted["chronology"])
    client = signed_in(analyst)
    listing = client.get(reverse("learning:traps")).content.decode()
    assert f"T-{trap.number}" in listing
    url = reverse("learning:trap", args=[trap.reference])
    page = client.get(url).content.decode()
    assert planted["chronology"][0].reference in page or trap.representatives[0] in page
    response = client.post(url, {"action": "name", "name": "", "description": ""})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    response = client.post(url, {"action": "close"})
    assert response.status_code == 400
    assert "so you cannot close it" in response.content.decode()
    response = client.post(url, {"action": "name", "name": "Stale chronologies", "description": ""})
    assert response.status_code == 302
    trap.refresh_from_db()
    assert trap.status == TrapStatus.CONFIRMED
    response = client.post(url, {"action": "link", "reference": "R-NOPE-NOPE"})
    assert response.status_code == 400
    assert "Enter the reference of a released report" in response.content.decode()
    member = trap.memberships.filter(state=Membership.State.MEMBER).first()
    client.post(url, {"action": "unlink", "member": member.report.reference})
    assert Membership.objects.get(pk=member.pk).state == Membership.State.EXCLUDED
    # Asking for a run now queues it for the worker.
    assert client.post(reverse("learning:traps")).status_code == 302
    # Another authority's analyst finds nothing.
    other = signed_in(other_analyst)
    assert other.get(url).status_code == 404
    assert other.post(url, {"action": "close"}).status_code == 404
    assert f"T-{trap.number}" not in other.get(reverse("learning:traps")).content.decode()


def test_similar_reports_are_the_same_trap_and_say_why(
    planted, organisation, analyst, signed_in, other_analyst
):
    discovery.run_discovery(organisation=organisation)
    report = planted["discharge"][0]
    found = similar.list_similar(user=analyst, reference=report.reference)
    assert found is not None
    assert len(found) == 10
    discharge = {r.reference for r in planted["discharge"]}
    top = [item.indexed.reference for item in found[:5]]
    assert sum(ref in discharge for ref in top) >= 4
    assert report.reference not in [item.indexed.reference for item in found]
    assert any("discharge" in " ".join(item.terms) for item in found[:3])
    page = signed_in(analyst).get(reverse("reporting:analysis_report", args=[report.reference]))
    html = page.content.decode()
    assert "Similar released reports" in html
    assert found[0].indexed.reference in html
    # Another authority's analyst gets nothing of it.
    assert similar.list_similar(user=other_analyst, reference=report.reference) is None


def test_a_report_released_after_the_run_says_so(
    planted, organisation, analyst, signed_in, programme, intake, release
):
    discovery.run_discovery(organisation=organisation)
    late = release(programme, intake, "A discharge letter was filed unread again.")
    assert similar.list_similar(user=analyst, reference=late.reference) is None
    html = (
        signed_in(analyst)
        .get(reverse("reporting:analysis_report", args=[late.reference]))
        .content.decode()
    )
    assert "released after the last run" in html
