"""A leader looking at the dashboard: the figures, and a record that they were asked for."""

from __future__ import annotations

from candour.accounts.models import User
from candour.audit import services as audit
from candour.learning.selectors import dashboard as selectors


def view_dashboard(*, user: User, year: int, download: bool = False) -> selectors.Dashboard:
    """The year's figures. Every view and download a leader asks for is recorded (the year
    only), so a pattern of requests can be reviewed (ADR 0021)."""
    figures = selectors.dashboard(user=user, year=year)
    audit.record(
        actor=user,
        action="learning.dashboard.downloaded" if download else "learning.dashboard.viewed",
        object_type="dashboard",
        object_ref=str(year),
    )
    return figures
