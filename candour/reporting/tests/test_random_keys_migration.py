"""Migration 0003 gives existing reports and messages random keys, and every row that points
at a report (messages, coding, disclosures, safety alerts) moves with it, on SQLite and on
PostgreSQL (where the foreign keys are checked when the migration commits)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("reporting", "0002_review_draft_disclosure_reference")
AFTER = ("reporting", "0003_random_keys_no_receipt_throttle")
TODAY = dt.date(2026, 3, 2)


def _migrate(target: tuple[str, str]):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


def _make_rows(state) -> None:
    organisation = state.get_model("accounts", "Organisation").objects.create(
        name="Northbrook", kind="local_authority", ods_code="XLA01"
    )
    report_model = state.get_model("reporting", "Report")
    for n in range(3):
        report = report_model.objects.create(
            reference=f"R-TEST-000{n}",
            organisation=organisation,
            received_on=TODAY,
            kind="near_miss",
            service_area="assessment",
            occurred_month=1,
            occurred_year=2026,
            harm="none",
            reporter_role="social_worker",
            confidentiality="anonymous",
            receipt_hash=f"{n:064d}",
        )
        for sequence in (1, 2):
            state.get_model("reporting", "Message").objects.create(
                report=report,
                direction="to_reporter",
                purpose="question",
                body=b"sealed",
                sent_on=TODAY,
                sequence=sequence,
            )
        state.get_model("reporting", "Coding").objects.create(
            report=report,
            detection="other",
            harm="none",
            synopsis="s",
            coded_by_ref="a",
            coded_on=TODAY,
        )
        state.get_model("reporting", "Disclosure").objects.create(
            report=report, requested_by_ref="a", reason="r" * 20
        )
        state.get_model("reporting", "SafetyAlert").objects.create(
            report=report, summary="s", raised_by_ref="a", raised_on=TODAY
        )


def test_existing_rows_get_random_keys_and_their_dependants_follow():
    try:
        old = _migrate(BEFORE)
        _make_rows(old)
        sequential = set(old.get_model("reporting", "Report").objects.values_list("pk", flat=True))
        references = dict(
            old.get_model("reporting", "Report").objects.values_list("reference", "pk")
        )
        children = {
            name: sorted(
                references_of
                for references_of in old.get_model("reporting", name).objects.values_list(
                    "report__reference", flat=True
                )
            )
            for name in ("Message", "Coding", "Disclosure", "SafetyAlert")
        }
        old_messages = set(
            old.get_model("reporting", "Message").objects.values_list("pk", flat=True)
        )
        assert max(sequential) < 100  # sequential before

        new = _migrate(AFTER)
        report_model = new.get_model("reporting", "Report")
        rekeyed = dict(report_model.objects.values_list("reference", "pk"))
        assert set(rekeyed) == set(references)
        assert not set(rekeyed.values()) & sequential
        assert all(0 < key < 2**63 for key in rekeyed.values())
        for name, before in children.items():
            after = sorted(
                new.get_model("reporting", name).objects.values_list("report__reference", flat=True)
            )
            assert after == before, name  # every row still points at its own report
        new_messages = set(
            new.get_model("reporting", "Message").objects.values_list("pk", flat=True)
        )
        assert len(new_messages) == len(old_messages)
        assert not new_messages & old_messages
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA foreign_key_check")
                assert cursor.fetchall() == []
        # New rows get random keys from the model's default.
        created = report_model.objects.create(
            reference="R-TEST-NEW1",
            organisation=report_model.objects.first().organisation,
            received_on=TODAY,
            kind="near_miss",
            service_area="assessment",
            occurred_month=1,
            occurred_year=2026,
            harm="none",
            reporter_role="social_worker",
            confidentiality="anonymous",
            receipt_hash="f" * 64,
        )
        assert created.pk > 10**6
    finally:
        _migrate(AFTER)
