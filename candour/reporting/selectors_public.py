"""Reads for the reporter's pages, which have no user to scope by: the receipt that opened
the inbox is the only permission, and the session holds just the report it opened."""

from __future__ import annotations

from candour.reporting.models import Report


def get_report_by_pk(pk: int) -> Report | None:
    """The report an inbox session opened, while its receipt still opens it (else None)."""
    return Report.objects.filter(pk=pk, receipt_active=True).first()
