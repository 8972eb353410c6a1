"""Writing the audit log. Call ``record`` inside the transaction of the change it records."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from candour.audit.chain import GENESIS_HASH, entry_hash
from candour.audit.models import AuditEntry, ChainHead

if TYPE_CHECKING:
    from candour.accounts.models import Organisation, User

SYSTEM = "system"
ANONYMOUS = "anonymous"
MAX_REASON = 500


@dataclass(frozen=True)
class Verification:
    entries: int
    first_broken: AuditEntry | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken is None and not self.problem


def record(
    *,
    actor: User | str | None,
    action: str,
    object_type: str = "",
    object_ref: object = "",
    organisation: Organisation | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append an entry: who (a user reference), did what, to which object, and why."""
    if actor is None:
        actor_ref = ANONYMOUS
    elif isinstance(actor, str):
        actor_ref = actor
    else:
        actor_ref = str(actor.reference)
        if organisation is None:
            organisation = actor.organisation
    if len(reason) > MAX_REASON:
        raise ValueError(f"An audit reason is at most {MAX_REASON} characters.")
    # No savepoint: an entry that fails to write must abort the caller's whole change anyway.
    with transaction.atomic(savepoint=False):
        last_sequence, last_hash = _lock_head()
        entry = AuditEntry(
            sequence=last_sequence + 1,
            reference=uuid.uuid4(),
            occurred_at=timezone.now(),
            actor_ref=actor_ref,
            organisation_ref=str(organisation.reference) if organisation is not None else "",
            action=action,
            object_type=object_type,
            object_ref=str(object_ref),
            reason=reason,
            prev_hash=last_hash,
        )
        entry.entry_hash = entry_hash(entry)
        entry.save()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_HEAD} SET last_sequence = %s, last_hash = %s WHERE id = 1",  # noqa: S608
                [entry.sequence, entry.entry_hash],
            )
    return entry


_HEAD = ChainHead._meta.db_table


def _lock_head() -> tuple[int, str]:
    """Read (and on PostgreSQL lock) the chain head, creating it for the first entry.

    Plain SQL: every audited change passes here, and the ORM's query compilation cost more
    than the statement (benchmarks/flags.py). On SQLite the IMMEDIATE transaction already
    holds the database's only write lock, so FOR UPDATE is left out there.
    """
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_sequence, last_hash FROM {_HEAD} WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        ChainHead.objects.create(pk=1, last_sequence=0, last_hash=GENESIS_HASH)
        return 0, GENESIS_HASH
    return int(row[0]), str(row[1])


def verify_chain(*, batch_size: int = 2000) -> Verification:
    """Recompute every hash in order; name the first entry that does not match."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    count = 0
    last = None
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=batch_size):
        if entry.sequence != expected_sequence:
            return Verification(count, entry, f"sequence {expected_sequence} is missing")
        if entry.prev_hash != expected_prev:
            return Verification(count, entry, "it does not follow the entry before it")
        if entry_hash(entry) != entry.entry_hash:
            return Verification(count, entry, "its content does not match its hash")
        expected_prev = entry.entry_hash
        expected_sequence += 1
        count += 1
        last = entry
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_sequence != (last.sequence if last else 0):
        return Verification(count, None, f"the log should end at entry #{head.last_sequence}")
    if head is not None and last is not None and head.last_hash != last.entry_hash:
        return Verification(count, last, "the last entry does not match the chain head")
    return Verification(count, None)
