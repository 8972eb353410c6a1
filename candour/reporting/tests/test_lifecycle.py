"""The report's lifecycle: every move it allows and every move it refuses, and the services
and the queue that follow it. The expected table is written out here, not read from the
machine, so a change to the machine fails until this table is changed too."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from candour.audit.models import AuditEntry
from candour.core.lifecycle import IllegalMove
from candour.reporting import selectors
from candour.reporting.lifecycle import REPORT
from candour.reporting.models import Report, Status
from candour.reporting.selectors import QueueFilters
from candour.reporting.services import conversation as conversation_service
from candour.reporting.services import inbox as inbox_service
from candour.reporting.services import intake as intake_service
from candour.reporting.services import retention as retention_service
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import submission as make_submission

pytestmark = pytest.mark.django_db

S = Status
OPEN = [S.RECEIVED, S.IN_REVIEW, S.WAITING_FOR_REPORTER, S.RELEASED, S.FEEDBACK_GIVEN]
# (event, from) -> to, for an intact report that was released where the state implies it.
ALLOWED = {
    ("start_review", S.RECEIVED): S.IN_REVIEW,
    ("ask", S.RECEIVED): S.WAITING_FOR_REPORTER,
    ("ask", S.IN_REVIEW): S.WAITING_FOR_REPORTER,
    ("ask", S.WAITING_FOR_REPORTER): S.WAITING_FOR_REPORTER,
    ("ask", S.RELEASED): S.RELEASED,
    ("ask", S.FEEDBACK_GIVEN): S.FEEDBACK_GIVEN,
    ("reporter_replies", S.RECEIVED): S.RECEIVED,
    ("reporter_replies", S.IN_REVIEW): S.IN_REVIEW,
    ("reporter_replies", S.WAITING_FOR_REPORTER): S.IN_REVIEW,
    ("reporter_replies", S.RELEASED): S.RELEASED,
    ("reporter_replies", S.FEEDBACK_GIVEN): S.FEEDBACK_GIVEN,
    ("release", S.IN_REVIEW): S.RELEASED,
    ("release", S.WAITING_FOR_REPORTER): S.RELEASED,
    ("correct_release", S.RELEASED): S.RELEASED,
    ("correct_release", S.FEEDBACK_GIVEN): S.FEEDBACK_GIVEN,
    ("give_feedback", S.RELEASED): S.FEEDBACK_GIVEN,
    ("give_feedback", S.FEEDBACK_GIVEN): S.FEEDBACK_GIVEN,
    **{("close", state): S.CLOSED for state in OPEN},
}
EVENTS = sorted({event for event, _state in ALLOWED} | {"reopen"})
TODAY = date(2026, 6, 15)


def _report(status: str, *, released: bool = False, intact: bool = True) -> Report:
    return Report(
        reference="R-TEST-0001",
        status=status,
        released={"what_happened": "x"} if released else None,
        narrative_key=b"wrapped" if intact else None,
    )


def test_the_machine_has_exactly_the_moves_of_this_table():
    moves = REPORT.table()
    assert {(m.event, m.source): m.target for m in moves if m.event != "reopen"} == ALLOWED
    reopen = sorted((m.source, m.target) for m in moves if m.event == "reopen")
    assert reopen == sorted([(S.CLOSED, S.RELEASED), (S.CLOSED, S.IN_REVIEW)])


@pytest.mark.parametrize("state", [*OPEN, S.CLOSED])
@pytest.mark.parametrize("event", EVENTS)
def test_every_move_is_allowed_or_refused_with_a_message(event, state):
    released = state in (S.RELEASED, S.FEEDBACK_GIVEN)
    report = _report(state, released=released)
    expected = ALLOWED.get((event, state))
    if event == "reopen" and state == S.CLOSED:
        expected = S.IN_REVIEW
    if expected is None:
        assert not REPORT.allows(report, event)
        with pytest.raises(IllegalMove) as refused:
            REPORT.check(report, event)
        assert str(refused.value).startswith(f"This report is {REPORT.state_label(state).lower()}")
    else:
        assert REPORT.allows(report, event)
        assert REPORT.check(report, event) == expected
    assert report.status == state  # checking never moves the object


def test_a_closed_report_that_was_released_reopens_released():
    assert REPORT.check(_report(S.CLOSED, released=True), "reopen") == S.RELEASED
    assert REPORT.check(_report(S.CLOSED, released=False), "reopen") == S.IN_REVIEW


def test_a_destroyed_report_cannot_be_reopened():
    report = _report(S.CLOSED, released=True, intact=False)
    assert not REPORT.allows(report, "reopen")
    with pytest.raises(IllegalMove):
        REPORT.check(report, "reopen")


# --- The services follow the lifecycle ------------------------------------------------------


@pytest.fixture
def filed(programme) -> tuple[Report, str]:
    return submission_service.submit_report(programme=programme, submission=make_submission())


def _open_and_release(report: Report, officer) -> None:
    intake_service.open_narrative(user=officer, report=report, reason="Reviewing before release")
    intake_service.release_report(user=officer, report=report, texts={"what_happened": "Released."})


def test_after_release_a_question_and_a_reply_never_move_the_report_back(filed, intake_officer):
    report, _receipt = filed
    _open_and_release(report, intake_officer)
    intake_service.ask_reporter(user=intake_officer, report=report, body="Which team was it?")
    assert Report.objects.get(pk=report.pk).status == S.RELEASED
    inbox_service.reply_as_reporter(report=Report.objects.get(pk=report.pk), body="Assessment.")
    assert Report.objects.get(pk=report.pk).status == S.RELEASED


@pytest.mark.clock
def test_release_twice_is_a_correction_that_keeps_the_first_release_date(filed, intake_officer):
    report, _receipt = filed
    with time_machine.travel(TODAY):
        _open_and_release(report, intake_officer)
    with time_machine.travel(TODAY + timedelta(days=3)):
        intake_service.release_report(
            user=intake_officer, report=report, texts={"what_happened": "Corrected."}
        )
    stored = Report.objects.get(pk=report.pk)
    assert stored.status == S.RELEASED
    assert stored.released == {"what_happened": "Corrected."}
    assert stored.released_on == TODAY
    actions = list(
        AuditEntry.objects.filter(object_ref=report.reference).values_list("action", flat=True)
    )
    assert "reporting.report.release_corrected" in actions


def test_release_of_an_unread_report_is_refused(filed, intake_officer):
    report, _receipt = filed
    with pytest.raises(ValidationError, match="received, so you cannot release it"):
        intake_service.release_report(
            user=intake_officer, report=report, texts={"what_happened": "x"}
        )
    assert Report.objects.get(pk=report.pk).released is None


def test_a_closed_report_takes_no_question_feedback_or_reply(filed, intake_officer):
    report, _receipt = filed
    _open_and_release(report, intake_officer)
    intake_service.close_report(user=intake_officer, report=report)
    with pytest.raises(ValidationError, match="closed, so you cannot ask"):
        intake_service.ask_reporter(user=intake_officer, report=report, body="Anything else?")
    with pytest.raises(ValidationError, match="closed, so you cannot send feedback"):
        intake_service.give_feedback(user=intake_officer, report=report, body="We changed it.")
    with pytest.raises(inbox_service.ReportClosed):
        inbox_service.reply_as_reporter(report=report, body="One more thing.")
    assert conversation_service.read_messages(report=report) == []


@pytest.mark.clock
def test_closing_twice_never_restarts_the_retention_clock(filed, intake_officer):
    report, _receipt = filed
    with time_machine.travel(TODAY):
        intake_service.close_report(user=intake_officer, report=report)
    with (
        time_machine.travel(TODAY + timedelta(days=5)),
        pytest.raises(ValidationError, match="closed, so you cannot close it"),
    ):
        intake_service.close_report(user=intake_officer, report=Report.objects.get(pk=report.pk))
    assert Report.objects.get(pk=report.pk).closed_on == TODAY


@pytest.mark.clock
def test_reopening_stops_the_retention_clock_and_closing_restarts_it(
    filed, intake_officer, programme
):
    report, _receipt = filed
    with time_machine.travel(TODAY):
        intake_service.close_report(user=intake_officer, report=report)
    with time_machine.travel(TODAY + timedelta(days=10)):
        intake_service.reopen_report(user=intake_officer, report=report)
    stored = Report.objects.get(pk=report.pk)
    assert (stored.status, stored.closed_on) == (S.IN_REVIEW, None)
    due = TODAY + timedelta(days=programme.retention_days + 1)
    assert retention_service.shred_due_reports(today=due) == 0  # open: kept, however long ago
    with time_machine.travel(due):
        intake_service.close_report(user=intake_officer, report=stored)
    assert Report.objects.get(pk=report.pk).closed_on == due
    assert retention_service.shred_due_reports(today=due + timedelta(days=1)) == 0
    later = due + timedelta(days=programme.retention_days)
    assert retention_service.shred_due_reports(today=later) == 1
    with pytest.raises(ValidationError, match="destroyed"):
        intake_service.reopen_report(user=intake_officer, report=Report.objects.get(pk=report.pk))


def test_a_move_on_a_stale_copy_is_checked_again_not_overwritten(filed, intake_officer):
    report, _receipt = filed
    stale = Report.objects.get(pk=report.pk)
    intake_service.close_report(user=intake_officer, report=report)
    with pytest.raises(ValidationError, match="closed, so you cannot ask"):
        intake_service.ask_reporter(user=intake_officer, report=stale, body="A question")
    assert Report.objects.get(pk=report.pk).status == S.CLOSED
    assert not report.messages.exists()


def test_a_stale_copy_s_move_applies_to_the_state_someone_else_left(filed, intake_officer):
    report, _receipt = filed
    stale = Report.objects.get(pk=report.pk)  # read while "received"
    intake_service.open_narrative(user=intake_officer, report=report, reason="Reviewing the report")
    intake_service.ask_reporter(user=intake_officer, report=stale, body="Which team was it?")
    assert Report.objects.get(pk=report.pk).status == S.WAITING_FOR_REPORTER
    assert stale.status == S.WAITING_FOR_REPORTER


def test_a_saved_review_comes_back_and_is_cleared_by_release(filed, intake_officer):
    report, _receipt = filed
    intake_service.open_narrative(user=intake_officer, report=report, reason="Starting the review")
    intake_service.save_review_draft(
        user=intake_officer, report=report, texts={"what_happened": "Half done [Child 1]"}
    )
    opened = intake_service.open_narrative(
        user=intake_officer, report=report, reason="Finishing it"
    )
    assert opened["review"] == {"what_happened": "Half done [Child 1]"}
    assert b"Half done" not in bytes(Report.objects.get(pk=report.pk).review_draft)
    intake_service.release_report(
        user=intake_officer, report=report, texts={"what_happened": "Done."}
    )
    assert Report.objects.get(pk=report.pk).review_draft is None


# --- The queue ------------------------------------------------------------------------------


def _row(programme, reference: str, status: str, received: date) -> Report:
    return Report.objects.create(
        reference=reference,
        organisation=programme.organisation,
        status=status,
        received_on=received,
        kind="near_miss",
        service_area="assessment",
        occurred_month=1,
        occurred_year=2026,
        harm="none",
        reporter_role="social_worker",
        confidentiality="anonymous",
        receipt_hash=reference,
        closed_on=received if status == S.CLOSED else None,
    )


def test_the_queue_puts_open_reports_first_oldest_first_on_every_database(
    programme, intake_officer
):
    _row(programme, "R-CLOS-OLD1", S.CLOSED, TODAY - timedelta(days=40))
    _row(programme, "R-OPEN-NEW1", S.RECEIVED, TODAY - timedelta(days=1))
    _row(programme, "R-CLOS-NEW1", S.CLOSED, TODAY - timedelta(days=2))
    _row(programme, "R-OPEN-OLD1", S.IN_REVIEW, TODAY - timedelta(days=20))
    _row(programme, "R-OPEN-OLD2", S.RELEASED, TODAY - timedelta(days=20))
    everything = selectors.list_queue(user=intake_officer, filters=QueueFilters(state="all"))
    assert [r.reference for r in everything] == [
        "R-OPEN-OLD1",
        "R-OPEN-OLD2",
        "R-OPEN-NEW1",
        "R-CLOS-OLD1",
        "R-CLOS-NEW1",
    ]
    open_only = selectors.list_queue(user=intake_officer, filters=QueueFilters())
    assert [r.reference for r in open_only] == ["R-OPEN-OLD1", "R-OPEN-OLD2", "R-OPEN-NEW1"]
    aged = selectors.list_queue(
        user=intake_officer, filters=QueueFilters(older_than_days=14), today=TODAY
    )
    assert [r.reference for r in aged] == ["R-OPEN-OLD1", "R-OPEN-OLD2"]
    closed = selectors.list_queue(user=intake_officer, filters=QueueFilters(state=S.CLOSED))
    assert [r.reference for r in closed] == ["R-CLOS-OLD1", "R-CLOS-NEW1"]


@pytest.fixture
def intake_officer(intake):
    return intake
