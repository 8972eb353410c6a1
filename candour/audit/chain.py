"""The hash of an audit entry: HMAC-SHA256 over its canonical fields and the previous hash."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING

from candour.core import keys

if TYPE_CHECKING:
    from candour.audit.models import AuditEntry

GENESIS_HASH = "0" * 64


def _key() -> bytes:
    return keys.derive("audit.chain")


def entry_hash(entry: AuditEntry) -> str:
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
