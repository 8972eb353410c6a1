"""The hash of an audit entry: HMAC-SHA256 over its canonical fields and the previous hash."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Protocol

from django.conf import settings

GENESIS_HASH = "0" * 64


class HasAuditFields(Protocol):
    sequence: int
    reference: object
    occurred_at: datetime
    actor_ref: str
    organisation_ref: str
    action: str
    object_type: str
    object_ref: str
    reason: str
    prev_hash: str


def _key() -> bytes:
    key = getattr(settings, "CANDOUR_AUDIT_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(b"candour-audit-chain:" + key.encode()).digest()


def entry_hash(entry: HasAuditFields) -> str:
    payload = json.dumps(
        [
            entry.sequence,
            str(entry.reference),
            entry.occurred_at.isoformat(timespec="microseconds"),
            entry.actor_ref,
            entry.organisation_ref,
            entry.action,
            entry.object_type,
            entry.object_ref,
            entry.reason,
            entry.prev_hash,
        ],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hmac.new(_key(), payload.encode(), hashlib.sha256).hexdigest()
