"""Suggestions, merges and splits of error traps, and the trap filter in search.

A newly released report is suggested to the confirmed traps it resembles (in the space the
last run kept, read back without pickle); the analyst's answer, a merge and a split all
survive later runs; pages refuse other organisations."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from candour.demo.reports import THEMES
from candour.learning.jobs import suggest_traps as suggest_job
from candour.learning.method import persist
from candour.learning.models.traps import ErrorTrap, Membership, Space, TrapStatus
from candour.learning.selectors.search import Filters, search
from candour.learning.services import discovery, suggestions
from candour.learning.services import traps as trap_service
from candour.learning.tests.conftest import share
from candour.notifications.models import Job

pytestmark = pytest.mark.django_db

NEW_DISCHARGE = (
    "The discharge letter from the emergency department arrived by post and was filed on the "
    "child's record without anyone reading it, so the hospital attendance was missed."
)


@pytest.fixture
def planted(programme, intake, release):
    """24 released reports, eight for each of three recurring traps."""
    months = itertools.cycle(range(1, 13))
    return {
        theme: [release(programme, intake, text, occurred_month=next(months)) for text in texts]
        for theme, texts in THEMES.items()
    }


def _trap_for(reports) -> ErrorTrap:
    traps = [
        m.trap
        for m in Membership.objects.filter(
            report__in=reports, state=Membership.State.MEMBER
        ).select_related("trap")
    ]
    return max(set(traps), key=traps.count)


@pytest.fixture
def confirmed(planted, organisation, analyst) -> ErrorTrap:
    """Discovery has run; the discharge theme is confirmed as a named trap."""
    discovery.run_discovery(organisation=organisation)
    trap = _trap_for(planted["discharge"])
    return trap_service.confirm(
        user=analyst, trap=trap, name="Discharge letters filed unread", description=""
    )


def test_the_run_keeps_its_space_without_pickle(confirmed, organisation):
    space = Space.objects.get(run__organisation=organisation)
    fitted, centroids = persist.loads(bytes(space.data))
    assert str(confirmed.number) in centroids
    vector = fitted.transform([NEW_DISCHARGE], [[]]).vectors[0]
    assert vector.shape == centroids[str(confirmed.number)].shape
    # A second run replaces the space: one per organisation.
    discovery.run_discovery(organisation=organisation)
    assert Space.objects.filter(run__organisation=organisation).count() == 1


def test_a_saved_space_refuses_anything_else():
    with pytest.raises(ValueError, match="Not a saved candour space"):
        persist.loads(_npz(numbers=np.arange(3)))
    # An array of Python objects would need pickle to read: refused, never unpickled.
    with pytest.raises(ValueError, match="pickle"):
        persist.loads(_npz(format=np.array(persist.FORMAT), settings=np.array([{}], dtype=object)))


def _npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def test_a_new_report_is_suggested_to_the_confirmed_trap(
    confirmed, organisation, analyst, programme, intake, release, signed_in
):
    late = release(programme, intake, NEW_DISCHARGE)
    job = Job.objects.get(kind="learning.suggest_traps", payload__report=late.reference)
    suggest_job(job)
    waiting = Membership.objects.get(report=late, state=Membership.State.SUGGESTED)
    assert waiting.trap == confirmed
    assert waiting.source == Membership.Source.SUGGESTED
    assert waiting.score is not None
    assert waiting.score >= 0.3
    # Only confirmed traps get suggestions; the job is idempotent.
    assert Membership.objects.filter(report=late).count() == 1
    suggest_job(job)
    assert Membership.objects.filter(report=late).count() == 1
    client = signed_in(analyst)
    listing = client.get(reverse("learning:traps")).content.decode()
    assert "1 suggested report waiting" in listing
    url = reverse("learning:trap", args=[confirmed.reference])
    assert late.reference in client.get(url).content.decode()
    response = client.post(url, {"action": "accept", "member": late.reference})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == Membership.State.MEMBER
    assert waiting.decided_by_ref == str(analyst.reference)
    # Answering again is a clear error, not a second change.
    response = client.post(url, {"action": "reject", "member": late.reference})
    assert response.status_code == 400
    assert "already been answered" in response.content.decode()
    # The answer survives the next run.
    discovery.run_discovery(organisation=organisation)
    waiting.refresh_from_db()
    assert (waiting.state, waiting.trap_id) == (Membership.State.MEMBER, confirmed.pk)


def test_a_rejected_suggestion_is_not_made_again(
    confirmed, organisation, analyst, programme, intake, release
):
    late = release(programme, intake, NEW_DISCHARGE)
    (made,) = suggestions.suggest_traps(report=late)
    trap_service.answer_suggestion(user=analyst, trap=confirmed, membership=made, accept=False)
    made.refresh_from_db()
    assert made.state == Membership.State.EXCLUDED
    assert suggestions.suggest_traps(report=late) == []
    discovery.run_discovery(organisation=organisation)
    made.refresh_from_db()
    assert made.state == Membership.State.EXCLUDED


def test_an_unrelated_report_and_candidates_get_no_suggestion(
    confirmed, programme, intake, release
):
    unrelated = release(
        programme, intake, "The office lift was out of order and the stairs were slippery."
    )
    assert suggestions.suggest_traps(report=unrelated) == []
    chronology = release(programme, intake, THEMES["chronology"][0] + " Again.")
    # The chronology theme is still a candidate: nothing is suggested to it.
    assert all(
        m.trap.status == TrapStatus.CONFIRMED for m in suggestions.suggest_traps(report=chronology)
    )


def test_a_waiting_suggestion_that_discovery_finds_becomes_a_member(
    confirmed, organisation, programme, intake, release
):
    late = release(programme, intake, NEW_DISCHARGE)
    (made,) = suggestions.suggest_traps(report=late)
    discovery.run_discovery(organisation=organisation)
    made.refresh_from_db()
    assert made.state == Membership.State.MEMBER
    assert made.source == Membership.Source.DISCOVERED


def test_the_national_programme_gets_suggestions_only_from_sharing_authorities(
    planted, admin, national, national_analyst, programme, intake, release
):
    share(admin)
    discovery.run_discovery(organisation=national)
    trap = (
        ErrorTrap.objects.filter(
            organisation=national, memberships__report__in=planted["discharge"]
        )
        .distinct()
        .first()
    )
    trap_service.confirm(user=national_analyst, trap=trap, name="Discharge", description="")
    late = release(programme, intake, NEW_DISCHARGE)
    assert [m.trap for m in suggestions.suggest_traps(report=late)] == [trap]


def test_merging_keeps_the_merged_theme_in_the_trap_it_joined(
    planted, organisation, analyst, signed_in, other_analyst
):
    discovery.run_discovery(organisation=organisation)
    into = _trap_for(planted["chronology"])
    merged = _trap_for(planted["transfer"])
    client = signed_in(analyst)
    url = reverse("learning:trap", args=[into.reference])
    # A bad choice is a clear error.
    response = client.post(url, {"action": "merge", "other": "not-a-trap"})
    assert response.status_code == 400
    assert "Choose an open error trap" in response.content.decode()
    with pytest.raises(ValidationError):
        trap_service.merge(user=analyst, trap=into, other_reference=str(into.reference))
    # Another authority's analyst cannot merge into it.
    assert (
        signed_in(other_analyst)
        .post(url, {"action": "merge", "other": str(merged.reference)})
        .status_code
        == 404
    )
    response = client.post(url, {"action": "merge", "other": str(merged.reference)})
    assert response.status_code == 302
    merged.refresh_from_db()
    into.refresh_from_db()
    assert (merged.status, merged.merged_into_id) == (TrapStatus.CLOSED, into.pk)
    transfer_ids = {r.pk for r in planted["transfer"]}
    in_into = set(
        into.memberships.filter(state=Membership.State.MEMBER).values_list("report_id", flat=True)
    )
    assert len(transfer_ids & in_into) >= 6
    numbers = set(ErrorTrap.objects.values_list("number", flat=True))
    # The next run sends the transfer theme to the trap it joined: no new candidate for it.
    discovery.run_discovery(organisation=organisation)
    assert set(ErrorTrap.objects.values_list("number", flat=True)) == numbers
    into.refresh_from_db()
    assert into.size >= 12
    merged.refresh_from_db()
    assert merged.status == TrapStatus.CLOSED
    with pytest.raises(ValidationError, match="cannot reopen it"):
        trap_service.change_status(user=analyst, trap=merged, event="reopen")
    assert (
        "was merged into"
        in client.get(reverse("learning:trap", args=[merged.reference])).content.decode()
    )


def test_splitting_makes_a_new_trap_that_survives_a_run(
    planted, organisation, analyst, signed_in, other_analyst, intake
):
    discovery.run_discovery(organisation=organisation)
    trap = _trap_for(planted["discharge"])
    members = list(trap.memberships.filter(state=Membership.State.MEMBER).select_related("report"))
    moving = [m.report.reference for m in members[:3]]
    client = signed_in(analyst)
    url = reverse("learning:split_trap", args=[trap.reference])
    assert moving[0] in client.get(url).content.decode()
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Choose the reports to move" in response.content.decode()
    response = client.post(url, {"reports": [m.report.reference for m in members]})
    assert response.status_code == 400
    assert "Leave at least one report" in response.content.decode()
    assert signed_in(other_analyst).post(url, {"reports": moving}).status_code == 404
    assert signed_in(intake).get(url).status_code in {403, 404}
    response = client.post(url, {"reports": moving})
    assert response.status_code == 302
    new = ErrorTrap.objects.get(
        organisation=organisation, number=max(ErrorTrap.objects.values_list("number", flat=True))
    )
    assert response["Location"] == reverse("learning:trap", args=[new.reference])
    assert new.status == TrapStatus.CANDIDATE
    assert sorted(
        new.memberships.filter(state=Membership.State.MEMBER).values_list(
            "report__reference", flat=True
        )
    ) == sorted(moving)
    assert not trap.memberships.filter(
        report__reference__in=moving, state=Membership.State.MEMBER
    ).exists()
    discovery.run_discovery(organisation=organisation)
    assert sorted(
        new.memberships.filter(state=Membership.State.MEMBER).values_list(
            "report__reference", flat=True
        )
    ) == sorted(moving)
    assert not trap.memberships.filter(
        report__reference__in=moving, state=Membership.State.MEMBER
    ).exists()


def test_search_filters_by_error_trap(planted, organisation, analyst, signed_in, other_analyst):
    discovery.run_discovery(organisation=organisation)
    trap = _trap_for(planted["discharge"])
    members = set(
        trap.memberships.filter(state=Membership.State.MEMBER).values_list(
            "report__reference", flat=True
        )
    )
    found = search(user=analyst, query=None, filters=Filters(trap=str(trap.reference)))
    assert {row.reference for row in found} == members
    # Another organisation's analyst gets nothing from this trap's reference.
    assert not search(user=other_analyst, query=None, filters=Filters(trap=str(trap.reference)))
    page = signed_in(analyst).get(reverse("learning:search"), {"trap": str(trap.reference)})
    assert page.status_code == 200
    assert f"{len(members)} reports found" in page.content.decode()
    # Another organisation's analyst asking for this trap gets none of its reports.
    page = signed_in(other_analyst).get(reverse("learning:search"), {"trap": str(trap.reference)})
    assert page.status_code == 200
    assert not any(reference in page.content.decode() for reference in members)
