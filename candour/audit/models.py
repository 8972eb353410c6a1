"""Append-only, hash-chained audit log. Entries carry references, never content.

Each entry's hash is an HMAC over its fields and the previous entry's hash, so editing or
removing any row breaks every hash after it. The key lives outside the database, so a
database-only attacker cannot rebuild the chain after tampering.
"""

from __future__ import annotations

import uuid

from django.db import models


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True)
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField()
    actor_ref = models.CharField(max_length=64)
    organisation_ref = models.CharField(max_length=64, blank=True, db_index=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_ref = models.CharField(max_length=100, blank=True, db_index=True)
    reason = models.CharField(max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-sequence"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries are append-only.")


class ChainHead(models.Model):
    """The last sequence number and hash; locking this row serialises appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"chain head #{self.last_sequence}"
