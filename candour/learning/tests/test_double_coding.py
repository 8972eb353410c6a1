"""Double coding's rules: which reports are chosen, the lifecycle's moves, the first coding's
copy, the different-analyst rule and a reconciliation that keeps both originals."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from candour.accounts.models import Role
from candour.accounts.tests.factories import UserFactory
from candour.audit.models import AuditEntry
from candour.core.lifecycle import IllegalMove
from candour.learning.lifecycle import DOUBLE_CODING
from candour.learning.models.double_coding import (
    DEFAULT_SHARE,
    DoubleCoding,
    DoubleCodingPolicy,
    DoubleCodingStatus,
)
from candour.learning.selectors import double_coding as selectors
from candour.learning.services import double_coding as service
from candour.learning.tests.conftest import code
from candour.reporting.models import Coding
from candour.reporting.services import intake as intake_service

S = DoubleCodingStatus
TEXT = "The chronology was not read before the strategy meeting."
SECOND = {
    "scie_patterns": ["human_judgement"],
    "london_factors": ["team", "individual"],
    "detection": "colleague",
    "mitigation": "",
    "harm": "low",
    "synopsis": "Second coder's synopsis.",
}


@pytest.fixture
def analyst2(make_user):
    return make_user(Role.ANALYST, full_name="Ben Analyst")


@pytest.fixture
def everything_chosen(admin):
    service.set_share(admin=admin, share_percent=100)


@pytest.fixture
def chosen(everything_chosen, programme, intake, release):
    report = release(programme, intake, TEXT)
    return selectors.find_for_report(report=report)


@pytest.fixture
def first_coded(chosen, analyst):
    code(analyst, chosen.report, scie_patterns=["human_tool"], synopsis="First synopsis.")
    chosen.refresh_from_db()
    return chosen


@pytest.fixture
def paired(first_coded, analyst2):
    return service.record_second_coding(user=analyst2, double_coding=first_coded, **SECOND)


# Choosing reports.


def test_the_share_is_respected_over_many_references(settings):
    references = [f"NB-{n:05d}" for n in range(5000)]
    for share in (0, 10, 37, 100):
        chosen = [r for r in references if service.is_chosen(r, share_percent=share)]
        assert abs(len(chosen) / len(references) - share / 100) < 0.02, share
    # Deterministic: the same references are chosen every time...
    again = [r for r in references if service.is_chosen(r, share_percent=10)]
    assert again == [r for r in references if service.is_chosen(r, share_percent=10)]
    # ...and a larger share keeps every report a smaller share chose.
    ten = {r for r in references if service.is_chosen(r, share_percent=10)}
    twenty = {r for r in references if service.is_chosen(r, share_percent=20)}
    assert ten < twenty


def test_the_choice_depends_on_candour_key(settings):
    references = [f"NB-{n:05d}" for n in range(200)]
    before = [service.bucket(r) for r in references]
    settings.CANDOUR_KEY_SECRET = "another-secret-for-this-test-only"
    assert [service.bucket(r) for r in references] != before


def test_the_default_share_is_ten_percent(organisation, settings):
    from candour.config.settings import base

    assert base.CANDOUR_DOUBLE_CODING_DEFAULT_SHARE == DEFAULT_SHARE == 10
    settings.CANDOUR_DOUBLE_CODING_DEFAULT_SHARE = base.CANDOUR_DOUBLE_CODING_DEFAULT_SHARE
    assert selectors.current_share(organisation=organisation) == 10


def test_a_chosen_report_is_recorded_on_first_release(chosen):
    assert chosen is not None
    assert chosen.status == S.AWAITING_FIRST
    assert chosen.share_percent == 100
    assert chosen.organisation_id == chosen.report.organisation_id
    assert chosen.first_coding is None


def test_no_report_is_chosen_at_a_share_of_zero(admin, programme, intake, release):
    service.set_share(admin=admin, share_percent=0)
    report = release(programme, intake, TEXT)
    assert selectors.find_for_report(report=report) is None


def test_a_correction_of_the_release_does_not_choose_again(admin, programme, intake, release):
    service.set_share(admin=admin, share_percent=0)
    report = release(programme, intake, TEXT)
    service.set_share(admin=admin, share_percent=100)
    intake_service.release_report(user=intake, report=report, texts={"what_happened": TEXT})
    assert selectors.find_for_report(report=report) is None


def test_the_administrator_sets_the_share_and_it_is_audited(admin, organisation, settings):
    settings.CANDOUR_DOUBLE_CODING_DEFAULT_SHARE = 10  # the production default
    policy = service.set_share(admin=admin, share_percent=25)
    assert policy.share_percent == 25
    assert selectors.current_share(organisation=organisation) == 25
    entry = AuditEntry.objects.get(action="learning.double_coding.share_changed")
    assert entry.reason == "share of released reports coded twice: from 10% to 25%"
    service.set_share(admin=admin, share_percent=5)
    assert DoubleCodingPolicy.objects.get().share_percent == 5


@pytest.mark.parametrize("share", [-1, 101, 1000])
def test_a_share_outside_0_to_100_is_refused(admin, share):
    with pytest.raises(ValidationError):
        service.set_share(admin=admin, share_percent=share)


def test_only_an_administrator_sets_the_share(analyst):
    with pytest.raises(PermissionDenied):
        service.set_share(admin=analyst, share_percent=50)


# The lifecycle's transition table.

ALLOWED = {
    ("record_first", S.AWAITING_FIRST, S.AWAITING_SECOND),
    ("record_first", S.AWAITING_SECOND, S.AWAITING_SECOND),
    ("record_second", S.AWAITING_SECOND, S.AWAITING_RECONCILIATION),
    ("reconcile", S.AWAITING_RECONCILIATION, S.RECONCILED),
}


def test_the_transition_table_is_as_documented():
    assert {(m.event, m.source, m.target) for m in DOUBLE_CODING.table()} == ALLOWED
    assert set(DOUBLE_CODING.events()) == {"record_first", "record_second", "reconcile"}


@pytest.mark.parametrize(
    ("state", "event"), list(itertools.product(S.values, DOUBLE_CODING.events()))
)
def test_every_move_is_allowed_or_refused_as_the_table_says(state, event):
    chosen = DoubleCoding(status=state)
    targets = {target for e, source, target in ALLOWED if e == event and source == state}
    if targets:
        assert DOUBLE_CODING.allows(chosen, event)
        assert DOUBLE_CODING.check(chosen, event) in targets
    else:
        assert not DOUBLE_CODING.allows(chosen, event)
        with pytest.raises(IllegalMove, match="This double coding is"):
            DOUBLE_CODING.check(chosen, event)
    assert chosen.status == state  # checking never changes the object


# The first coding.


def test_the_first_coding_is_copied_when_the_report_is_coded(first_coded, analyst):
    assert first_coded.status == S.AWAITING_SECOND
    assert first_coded.first_coding["scie_patterns"] == ["human_tool"]
    assert first_coded.first_coding["synopsis"] == "First synopsis."
    assert first_coded.first_coded_by_ref == str(analyst.reference)
    assert first_coded.first_coded_on is not None


def test_the_first_coding_follows_changes_until_the_second_exists(first_coded, analyst, analyst2):
    code(analyst, first_coded.report, synopsis="Changed my mind.")
    first_coded.refresh_from_db()
    assert first_coded.first_coding["synopsis"] == "Changed my mind."
    service.record_second_coding(user=analyst2, double_coding=first_coded, **SECOND)
    code(analyst, first_coded.report, synopsis="Too late to change the original.")
    first_coded.refresh_from_db()
    assert first_coded.first_coding["synopsis"] == "Changed my mind."
    assert first_coded.status == S.AWAITING_RECONCILIATION


def test_coding_a_report_that_was_not_chosen_changes_nothing(
    admin, programme, intake, release, analyst
):
    service.set_share(admin=admin, share_percent=0)
    report = release(programme, intake, TEXT)
    code(analyst, report)
    assert not DoubleCoding.objects.exists()


# The blind second coding.


def test_another_analyst_records_the_second_coding(paired, analyst2):
    assert paired.status == S.AWAITING_RECONCILIATION
    assert paired.second_coding["london_factors"] == ["team", "individual"]
    assert paired.second_coding["synopsis"] == "Second coder's synopsis."
    assert paired.second_coded_by_ref == str(analyst2.reference)
    # The report's own coding is still the first coder's.
    assert Coding.objects.get(report=paired.report).synopsis == "First synopsis."
    assert AuditEntry.objects.filter(
        action="learning.double_coding.second_coded", object_ref=paired.report.reference
    ).exists()


def test_the_first_coder_cannot_make_the_second_coding(first_coded, analyst):
    with pytest.raises(ValidationError) as refused:
        service.record_second_coding(user=analyst, double_coding=first_coded, **SECOND)
    assert service.SAME_CODER in refused.value.messages
    first_coded.refresh_from_db()
    assert first_coded.status == S.AWAITING_SECOND


def test_no_second_coding_before_the_first(chosen, analyst2):
    with pytest.raises(IllegalMove, match="waiting for its first coding"):
        service.record_second_coding(user=analyst2, double_coding=chosen, **SECOND)


def test_no_third_coding(paired, make_user):
    third = make_user(Role.ANALYST)
    with pytest.raises(IllegalMove, match="waiting for reconciliation"):
        service.record_second_coding(user=third, double_coding=paired, **SECOND)


@pytest.mark.parametrize("role", [Role.LEADER, Role.INTAKE_OFFICER, Role.ADMINISTRATOR])
def test_only_analysts_code_a_second_time(first_coded, make_user, role):
    with pytest.raises(PermissionDenied):
        service.record_second_coding(user=make_user(role), double_coding=first_coded, **SECOND)


def test_an_analyst_of_another_organisation_cannot_code_it(first_coded, other_analyst):
    with pytest.raises(PermissionDenied):
        service.record_second_coding(user=other_analyst, double_coding=first_coded, **SECOND)
    with pytest.raises(PermissionDenied):
        service.reconcile(user=other_analyst, double_coding=first_coded, **SECOND)


def test_a_second_coding_outside_the_vocabulary_is_refused(first_coded, analyst2):
    with pytest.raises(ValidationError) as refused:
        service.record_second_coding(
            user=analyst2, double_coding=first_coded, **{**SECOND, "harm": "catastrophic"}
        )
    assert "harm" in refused.value.message_dict


# Reconciliation.


def test_reconciliation_keeps_both_originals_and_writes_the_agreed_coding(paired, analyst):
    first, second = dict(paired.first_coding), dict(paired.second_coding)
    agreed = {**SECOND, "synopsis": "Agreed synopsis.", "scie_patterns": ["human_tool"]}
    service.reconcile(user=analyst, double_coding=paired, **agreed)
    paired.refresh_from_db()
    assert paired.status == S.RECONCILED
    assert paired.first_coding == first
    assert paired.second_coding == second
    assert paired.agreed_coding["synopsis"] == "Agreed synopsis."
    assert paired.reconciled_by_ref == str(analyst.reference)
    coding = Coding.objects.get(report=paired.report)
    assert coding.synopsis == "Agreed synopsis."
    assert coding.scie_patterns == ["human_tool"]
    assert AuditEntry.objects.filter(action="learning.double_coding.reconciled").exists()
    # Both originals still count towards agreement.
    leader = UserFactory(role=Role.LEADER, organisation=paired.organisation)
    pairs = selectors.list_pairs(user=leader, period=selectors.Period())
    assert pairs == [(first, second)]


def test_a_reconciled_coding_is_final(paired, analyst):
    service.reconcile(user=analyst, double_coding=paired, **SECOND)
    with pytest.raises(IllegalMove, match="reconciled"):
        service.reconcile(user=analyst, double_coding=paired, **SECOND)
    code(analyst, paired.report, synopsis="A later change")
    paired.refresh_from_db()
    assert paired.status == S.RECONCILED
    assert paired.agreed_coding["synopsis"] == SECOND["synopsis"]


def test_no_reconciliation_before_both_codings(first_coded, analyst):
    with pytest.raises(IllegalMove, match="waiting for a second coding"):
        service.reconcile(user=analyst, double_coding=first_coded, **SECOND)
    assert Coding.objects.get(report=first_coded.report).synopsis == "First synopsis."


def test_a_refused_reconciliation_leaves_the_report_coding_alone(paired, analyst):
    with pytest.raises(ValidationError):
        service.reconcile(user=analyst, double_coding=paired, **{**SECOND, "synopsis": " "})
    paired.refresh_from_db()
    assert paired.status == S.AWAITING_RECONCILIATION
    assert Coding.objects.get(report=paired.report).synopsis == "First synopsis."


def test_pairs_are_only_for_analysts_and_leaders_of_the_organisation(
    paired, make_user, other_analyst
):
    period = selectors.Period()
    assert len(selectors.list_pairs(user=make_user(Role.ANALYST), period=period)) == 1
    assert selectors.list_pairs(user=make_user(Role.INTAKE_OFFICER), period=period) == []
    assert selectors.list_pairs(user=other_analyst, period=period) == []
    counts = selectors.count_by_status(user=other_analyst)
    assert counts[S.AWAITING_RECONCILIATION] == 0
