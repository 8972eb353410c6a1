"""The life of a report: the one place that says which moves are allowed (ADR 0013).

- received → in_review when an intake officer first opens the original account;
- a question moves received or in_review to waiting_for_reporter, and the reporter's reply
  moves it back to in_review; after release neither changes the state;
- in_review or waiting_for_reporter → released; released → feedback_given;
- any open state → closed; closed → released (if it was) or in_review, by reopening, while
  the report's keys still exist.

A report never goes backwards: once released it stays released, and only an explicit reopen
leaves "closed". Closing sets the date the retention period runs from and reopening clears
it, so shredding follows the transitions. A closed report takes no messages.
"""

from __future__ import annotations

from statemachine import Event, State, StateMachine

from candour.core.lifecycle import Lifecycle
from candour.reporting.models import Report, Status


class ReportMachine(StateMachine):
    received = State(Status.RECEIVED.label, value=Status.RECEIVED, initial=True)
    in_review = State(Status.IN_REVIEW.label, value=Status.IN_REVIEW)
    waiting_for_reporter = State(
        Status.WAITING_FOR_REPORTER.label, value=Status.WAITING_FOR_REPORTER
    )
    released = State(Status.RELEASED.label, value=Status.RELEASED)
    feedback_given = State(Status.FEEDBACK_GIVEN.label, value=Status.FEEDBACK_GIVEN)
    closed = State(Status.CLOSED.label, value=Status.CLOSED)

    start_review = Event(received.to(in_review), name="start reviewing it")
    ask = Event(
        received.to(waiting_for_reporter)
        | in_review.to(waiting_for_reporter)
        | waiting_for_reporter.to.itself()
        | released.to.itself()
        | feedback_given.to.itself(),
        name="ask the reporter a question",
    )
    reporter_replies = Event(
        waiting_for_reporter.to(in_review)
        | received.to.itself()
        | in_review.to.itself()
        | released.to.itself()
        | feedback_given.to.itself(),
        name="send a reply",
    )
    release = Event(
        in_review.to(released) | waiting_for_reporter.to(released),
        name="release it for analysis",
    )
    correct_release = Event(
        released.to.itself() | feedback_given.to.itself(), name="correct the released account"
    )
    give_feedback = Event(
        released.to(feedback_given) | feedback_given.to.itself(), name="send feedback"
    )
    close = Event(
        received.to(closed)
        | in_review.to(closed)
        | waiting_for_reporter.to(closed)
        | released.to(closed)
        | feedback_given.to(closed),
        name="close it",
    )
    reopen = Event(
        closed.to(released, cond=["is_intact", "was_released"])
        | closed.to(in_review, cond="is_intact", unless="was_released"),
        name="reopen it",
    )

    # Conditions, read from the report the machine is bound to.
    def is_intact(self) -> bool:
        return bool(self.model.is_intact)

    def was_released(self) -> bool:
        return bool(self.model.was_released)


REPORT = Lifecycle(ReportMachine, model=Report, noun="report")

# What each state means to the person who made the report: (tag, tag colour, detail).
REPORTER_VIEW: dict[str, tuple[str, str, str]] = {
    Status.RECEIVED: (
        "Received",
        "govuk-tag--blue",
        "Your report has arrived. No one has read it yet.",
    ),
    Status.IN_REVIEW: (
        "Being read",
        "govuk-tag--light-blue",
        "An intake officer is reading your report and removing anything that could "
        "identify anyone.",
    ),
    Status.WAITING_FOR_REPORTER: (
        "Waiting for your reply",
        "govuk-tag--yellow",
        "The intake officer has asked you a question. Reply below.",
    ),
    Status.RELEASED: (
        "Being analysed",
        "govuk-tag--turquoise",
        "A version of your report without names or other identifying details is being "
        "analysed with others like it.",
    ),
    Status.FEEDBACK_GIVEN: (
        "Feedback given",
        "govuk-tag--green",
        "We have told you what we learned and what we are doing about it.",
    ),
    Status.CLOSED: (
        "Closed",
        "govuk-tag--grey",
        "Your report is closed. Thank you for making it. Messages can no longer be sent about it.",
    ),
}

# The states in which intake officers still work on a report (the queue's "open" reports).
OPEN_STATES = (
    Status.RECEIVED,
    Status.IN_REVIEW,
    Status.WAITING_FOR_REPORTER,
    Status.RELEASED,
    Status.FEEDBACK_GIVEN,
)
