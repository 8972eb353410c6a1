"""The audit log is append-only and hash-chained; tampering is detected and named."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from candour.audit import services as audit
from candour.audit.models import AuditEntry
from candour.audit.services import verify_chain

pytestmark = pytest.mark.django_db


def _three_entries(alice):
    return [
        audit.record(actor=alice, action=f"test.action_{i}", object_ref=f"ref-{i}")
        for i in range(3)
    ]


def _without_update_trigger(sql: str, params: list[object]) -> None:
    """Edit a row the way a database administrator could, bypassing the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_no_update")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")
            cursor.execute(sql, params)
            cursor.execute(
                "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry "
                "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
            )


def test_entries_chain_to_each_other(alice):
    first, second, third = _three_entries(alice)
    assert first.prev_hash == "0" * 64
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert verify_chain().ok


def test_entry_records_who_what_which_and_why(alice):
    entry = audit.record(
        actor=alice,
        action="test.opened",
        object_type="report",
        object_ref="R-1",
        reason="Checking a follow-up question",
    )
    assert entry.actor_ref == str(alice.reference)
    assert entry.organisation_ref == str(alice.organisation.reference)
    assert (entry.action, entry.object_type, entry.object_ref) == ("test.opened", "report", "R-1")
    assert entry.reason == "Checking a follow-up question"


def test_overlong_reason_is_refused(alice):
    with pytest.raises(ValueError, match="at most 500"):
        audit.record(actor=alice, action="test.x", reason="x" * 501)


def test_orm_refuses_to_change_or_delete(alice):
    entry = audit.record(actor=alice, action="test.x")
    entry.action = "test.changed"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_database_refuses_update(alice):
    audit.record(actor=alice, action="test.x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.update(action="test.changed")
    assert AuditEntry.objects.get().action == "test.x"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL also refuses DELETE")
def test_postgresql_refuses_delete(alice):
    audit.record(actor=alice, action="test.x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all()._raw_delete(using="default")
    assert AuditEntry.objects.count() == 1


def test_direct_edit_is_detected_and_named(alice):
    _first, second, _third = _three_entries(alice)
    _without_update_trigger(
        "UPDATE audit_auditentry SET object_ref = %s WHERE sequence = %s", ["forged", 2]
    )
    result = verify_chain()
    assert not result.ok
    assert result.first_broken is not None
    assert result.first_broken.sequence == 2
    assert result.entries == 1
    with pytest.raises(CommandError, match=rf"entry #2 \({second.reference}\)"):
        call_command("verify_audit")


def test_rehashing_an_edited_row_still_breaks_the_next_link(alice):
    _three_entries(alice)
    _without_update_trigger(
        "UPDATE audit_auditentry SET entry_hash = %s WHERE sequence = %s", ["f" * 64, 2]
    )
    result = verify_chain()
    assert result.first_broken is not None
    assert result.first_broken.sequence == 2


def test_deleted_row_is_detected(alice):
    _three_entries(alice)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update")
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = 2")
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_no_update")
    result = verify_chain()
    assert result.first_broken is not None
    assert result.first_broken.sequence == 3
    assert "sequence 2 is missing" in result.problem


def test_truncated_tail_is_detected(alice):
    _three_entries(alice)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update")
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = 3")
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_no_update")
    result = verify_chain()
    assert not result.ok
    assert "should end at entry #3" in result.problem


def test_verify_command_reports_an_intact_chain(alice, capsys):
    _three_entries(alice)
    call_command("verify_audit")
    assert "Audit chain intact: 3 entries verified." in capsys.readouterr().out


def test_chain_key_matters(alice, settings):
    _three_entries(alice)
    settings.CANDOUR_AUDIT_KEY = "a-different-key"
    assert verify_chain().first_broken.sequence == 1
