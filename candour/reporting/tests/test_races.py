"""Two people acting on one report at the same moment, in two real database connections:
nothing is lost, nothing is overwritten, nothing answers 500. Run on SQLite and, in CI, on
PostgreSQL, where the faults were (a unique-constraint error, a last-write-wins decision).

A barrier releases both threads together; each outcome asserted holds for any interleaving,
so the tests do not depend on timing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from candour.reporting.models import Disclosure, Message, Report, Status
from candour.reporting.services import disclosure as disclosure_service
from candour.reporting.services import inbox as inbox_service
from candour.reporting.services import intake as intake_service
from candour.reporting.services import submission as submission_service
from candour.reporting.tests.conftest import confidential_submission, submission

pytestmark = pytest.mark.django_db(transaction=True)
REASON = "Reviewing the report before release"


def at_once(*actions: Callable[[], Any]) -> list[Any]:
    """Run each action in its own thread and database connection, released together; return
    each one's result or the exception it raised."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = action()
        except Exception as exc:  # the outcome under test, whatever it is
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def fresh(report: Report) -> Report:
    return Report.objects.get(pk=report.pk)


@pytest.mark.parametrize("round_", range(3))
def test_a_question_and_a_reply_at_once_both_keep_their_messages(programme, intake, round_):
    report, _receipt = submission_service.submit_report(
        programme=programme, submission=submission()
    )
    intake_service.open_narrative(user=intake, report=report, reason=REASON)
    intake_service.release_report(user=intake, report=report, texts={"what_happened": "x"})
    results = at_once(
        lambda: intake_service.ask_reporter(user=intake, report=fresh(report), body="Which?"),
        lambda: inbox_service.reply_as_reporter(report=fresh(report), body="One more thing."),
    )
    assert all(isinstance(result, Message) for result in results), results
    sequences = sorted(Message.objects.filter(report=report).values_list("sequence", flat=True))
    assert sequences == [1, 2]
    assert fresh(report).status == Status.RELEASED


def test_two_officers_deciding_one_disclosure_one_wins(programme, intake, intake2, make_user):
    from candour.accounts.models import Role

    third = make_user(Role.INTAKE_OFFICER, full_name="Iris Intake")
    report, _receipt = submission_service.submit_report(
        programme=programme, submission=confidential_submission()
    )
    asked = disclosure_service.request_disclosure(
        user=intake, report=report, reason="Police request under section 29"
    )
    results = at_once(
        lambda: disclosure_service.decide_disclosure(
            user=intake2, disclosure=Disclosure.objects.get(pk=asked.pk), approve=True
        ),
        lambda: disclosure_service.decide_disclosure(
            user=third, disclosure=Disclosure.objects.get(pk=asked.pk), approve=False
        ),
    )
    winners = [result for result in results if isinstance(result, Disclosure)]
    losers = [result for result in results if isinstance(result, ValidationError)]
    assert (len(winners), len(losers)) == (1, 1), results
    stored = Disclosure.objects.get(pk=asked.pk)
    assert stored.state == winners[0].state
    assert stored.decided_by_ref == winners[0].decided_by_ref


def test_two_releases_at_once_are_a_release_and_a_correction_or_a_refusal(programme, intake):
    report, _receipt = submission_service.submit_report(
        programme=programme, submission=submission()
    )
    intake_service.open_narrative(user=intake, report=report, reason=REASON)
    texts = ({"what_happened": "First."}, {"what_happened": "Second."})
    results = at_once(
        *(
            (lambda t=t: intake_service.release_report(user=intake, report=fresh(report), texts=t))
            for t in texts
        )
    )
    assert not [r for r in results if not isinstance(r, Report | ValidationError)], results
    assert any(isinstance(result, Report) for result in results)
    stored = fresh(report)
    assert stored.status == Status.RELEASED
    assert stored.released in texts


def test_closing_while_the_reporter_replies_never_loses_a_reply_silently(programme, intake):
    report, _receipt = submission_service.submit_report(
        programme=programme, submission=submission()
    )
    results = at_once(
        lambda: intake_service.close_report(user=intake, report=fresh(report)),
        lambda: inbox_service.reply_as_reporter(report=fresh(report), body="Something new."),
    )
    assert results[0] is None  # the close always succeeds
    stored = Message.objects.filter(report=report).count()
    # Either the reply came first (kept) or the close did (the reporter is told it is closed).
    assert (stored, type(results[1])) in {(1, Message), (0, inbox_service.ReportClosed)}
    assert fresh(report).status == Status.CLOSED
    assert not isinstance(results[1], PermissionDenied)
