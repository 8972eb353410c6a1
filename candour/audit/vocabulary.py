"""Plain-English descriptions of every action the audit log records.

Services record stable, dotted codes (``reporting.narrative.opened``); auditors read what
happened ("Opened a report's original account"). A test fails if the code records an action
that has no description here. Descriptions of actions no longer recorded stay, because old
entries still carry them.
"""

from __future__ import annotations

from typing import Final

AREAS: Final[dict[str, str]] = {
    "accounts": "Sign-in and user accounts",
    "reporting": "Confidential reporting",
    "flags": "Child protection flags",
    "learning": "Learning from reports",
    "demo": "Demonstration data",
}
OTHER_AREA: Final = "Other"

DESCRIPTIONS: Final[dict[str, str]] = {
    # Sign-in and user accounts
    "accounts.sign_in": "Signed in",
    "accounts.sign_in.password_failed": "Tried to sign in with a wrong email address or password",
    "accounts.sign_in.two_factor_failed": "Tried to sign in with a wrong security code",
    # No longer recorded (ADR 0016), kept to describe older entries.
    "accounts.sign_in.locked": "Sign-in locked after too many failed attempts",
    "accounts.sign_in.stepped_up": (
        "Asked for the security code with the password after many failed sign-ins"
    ),
    "accounts.two_factor.set_up": "Set up two-factor authentication",
    "accounts.sign_out": "Signed out",
    "accounts.sign_out_everywhere": "Signed out on every device",
    "accounts.session_timed_out": "Signed out automatically after a period without activity",
    "accounts.session_expired": "Signed out automatically at the end of the longest session",
    "accounts.password.set": "Set a password from an invitation",
    "accounts.user.invited": "Invited a new user",
    "accounts.user.invitation_resent": "Sent a user's invitation again",
    "accounts.user.updated": "Changed a user's details, role or permissions",
    "accounts.user.deactivated": "Deactivated a user's account",
    "accounts.user.reactivated": "Reactivated a user's account",
    "accounts.user.two_factor_reset": "Reset a user's two-factor authentication",
    # Confidential reporting
    "reporting.narrative.opened": "Opened a report's original account",
    "reporting.contact.opened": "Opened a reporter's sealed contact details",
    "reporting.review.draft_saved": "Saved a draft of a report's de-identification review",
    "reporting.report.released": "Released a de-identified report for analysis",
    "reporting.question.sent": "Sent the reporter a question",
    "reporting.feedback.given": "Sent the reporter feedback on what changed",
    "reporting.report.closed": "Closed a report",
    "reporting.report.reopened": "Reopened a closed report",
    "reporting.report.coded": "Coded a released report for analysis",
    "reporting.report.shredded": (
        "Destroyed a closed report's original account and contact details (retention)"
    ),
    "reporting.alert.raised": "Alerted the safety lead to a hazard in a report",
    "reporting.disclosure.requested": (
        "Asked to disclose a reporter's identity outside the programme"
    ),
    "reporting.disclosure.approved": "Approved disclosing a reporter's identity",
    "reporting.disclosure.refused": "Refused to disclose a reporter's identity",
    "reporting.programme.updated": "Changed the reporting programme's settings",
    "reporting.programme.disclosure_threshold_changed": (
        "Changed the smallest number shown to leaders and in published lessons"
    ),
    # Learning from reports
    "learning.sharing.changed": "Changed whether released reports are shared nationally",
    "learning.dashboard.viewed": "Looked at the leaders' dashboard for a year",
    "learning.dashboard.downloaded": "Downloaded the leaders' dashboard figures for a year",
    "learning.search.saved": "Saved a search of released reports",
    "learning.search.deleted": "Deleted a saved search",
    "learning.double_coding.second_coded": "Coded a released report a second time, blind",
    "learning.double_coding.reconciled": "Kept one agreed coding of a report coded twice",
    "learning.double_coding.share_changed": "Changed the share of released reports coded twice",
    "learning.traps.discovered": "Looked for error traps in released reports",
    "learning.traps.requested": "Asked for error traps to be looked for now",
    "learning.trap.confirmed": "Confirmed a candidate as a named error trap",
    "learning.trap.described": "Changed an error trap's name or description",
    "learning.trap.dismiss": "Dismissed a candidate error trap",
    "learning.trap.monitor": "Started monitoring an error trap",
    "learning.trap.resume": "Stopped monitoring an error trap",
    "learning.trap.close": "Closed an error trap",
    "learning.trap.reopen": "Reopened an error trap",
    "learning.trap.report_linked": "Linked a released report to an error trap",
    "learning.trap.report_unlinked": "Took a released report out of an error trap",
    "learning.trap.suggested": "Suggested an error trap for a newly released report",
    "learning.trap.suggestion_accepted": "Added a suggested report to an error trap",
    "learning.trap.suggestion_rejected": "Said a suggested report is not part of an error trap",
    "learning.trap.merged": "Merged an error trap into another one",
    "learning.trap.merged_into": "Took in the reports of an error trap merged into this one",
    "learning.trap.split": "Split some reports out of an error trap",
    "learning.trap.split_from": "Made a new error trap from reports split out of another",
    "reporting.receipt_guessing_suspected": (
        "Many wrong receipts were tried: someone may be guessing them"
    ),
    # Child protection flags
    "flags.upload.applied": "Processed a child protection flag upload",
    "flags.upload.resent": "Received an upload again (already processed, not applied twice)",
    "flags.upload.received": "Received a child protection flag upload, to be applied",
    "flags.upload.malformed": "Refused an upload that could not be read (nothing applied)",
    "flags.retention.purged": "Deleted child protection flags past their retention period",
    "flags.lookup.hit": (
        "Looked up a child in unscheduled care: flag shown and the local authority told"
    ),
    "flags.lookup.silent": "Looked up a child in scheduled care: flag shown",
    "flags.lookup.miss": "Looked up a child: no flag found",
    "flags.lookup.refused": "A child lookup was refused: lookup limit reached",
    "flags.history.viewed": "Viewed a child's flag access history",
    "flags.history.miss": "Asked for a child's flag access history: no flag found",
    "flags.alert.raised": "Raised a lookup alert for administrators",
    "flags.alert.reviewed": "Reviewed a lookup alert",
    "flags.notification.acknowledged": "Acknowledged a notification that a child was looked up",
    "flags.notification.escalated": "Escalated an unacknowledged lookup notification",
    "flags.contact.updated": "Changed whom clinicians should call about flags",
    "flags.client.issued": "Registered a clinical system and issued its key",
    "flags.client.revoked": "Revoked a clinical system's key",
    # Demonstration data
    "demo.seeded": "Loaded the fictitious demonstration data",
}


def describe(action: str) -> str:
    """Return the plain-English description of an action code (the code itself if unknown)."""
    return DESCRIPTIONS.get(action, action)


def area_of(action: str) -> str:
    return AREAS.get(action.split(".", 1)[0], OTHER_AREA)


def grouped_choices(actions: list[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices for a select, grouped by area (in AREAS' order) and sorted by description."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for action in actions:
        groups.setdefault(area_of(action), []).append((action, describe(action)))
    order = [*AREAS.values(), OTHER_AREA]
    return [
        (area, sorted(groups[area], key=lambda choice: choice[1].lower()))
        for area in order
        if area in groups
    ]
