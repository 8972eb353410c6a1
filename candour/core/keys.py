"""Every key candour derives, in one place: one purpose, one key (ADR 0013).

Django's ``SECRET_KEY`` signs what Django signs (sessions, password-reset links) and can be
rotated with ``SECRET_KEY_FALLBACKS``. Nothing of candour's own comes from it, because
rotating it would then silently invalidate every system API key, change every FHIR Flag id
and stop every receipt from opening its inbox. candour's keys come from three roots of their
own, each a setting read from the environment (or ``<NAME>_FILE``):

- ``CANDOUR_KEY_SECRET``: identifiers that must stay stable (API key digests, FHIR ids,
  idempotency digests, sign-in counters);
- ``CANDOUR_AUDIT_KEY``: the audit chain and the digests of identifiers kept in audit
  entries, so an auditor holding it can ask "was this child looked up?";
- ``CANDOUR_RECEIPT_PEPPER``: reporters' receipts.

Each purpose gets its own 256-bit key by HKDF-SHA256 from its root, so no two purposes share
a key and a new purpose never needs a new secret.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ROOT_SETTINGS = {
    "stable": "CANDOUR_KEY_SECRET",
    "audit": "CANDOUR_AUDIT_KEY",
    "receipt": "CANDOUR_RECEIPT_PEPPER",
}


@dataclass(frozen=True)
class Purpose:
    root: str
    why: str


PURPOSES: dict[str, Purpose] = {
    "flags.client-key": Purpose("stable", "digest of a system's API key (only it is stored)"),
    "flags.fhir-flag-id": Purpose("stable", "namespace of the name-based UUIDs of FHIR Flags"),
    "reporting.idempotency": Purpose("stable", "digests of API callers' Idempotency-Keys"),
    "accounts.sign-in-throttle": Purpose("stable", "per-address sign-in failure counters"),
    "learning.double-coding": Purpose("stable", "choosing released reports to code twice"),
    "audit.chain": Purpose("audit", "HMAC chain over the audit log"),
    "flags.identifier-ref": Purpose("audit", "digest of a child's identifier in audit entries"),
    "reporting.receipt-salt": Purpose("receipt", "system salt of receipt hashes (Argon2id)"),
    "reporting.inbox-pass": Purpose("receipt", "sealing the inbox pass a reporter's browser holds"),
}


def root_secret(root: str) -> bytes:
    """The root secret, refusing to go on without it (no fallback to SECRET_KEY)."""
    name = ROOT_SETTINGS[root]
    value = getattr(settings, name, "")
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. Set the environment variable {name} "
            f"(or {name}_FILE with the path of a file that holds it)."
        )
    return str(value).encode()


@lru_cache(maxsize=64)
def _derive(purpose: str, secret: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"candour:{purpose}".encode()
    ).derive(secret)


def derive(purpose: str) -> bytes:
    """The 32-byte key of one registered purpose (a typo is an error, not a new key)."""
    try:
        entry = PURPOSES[purpose]
    except KeyError:
        raise ValueError(f"No key purpose {purpose!r}; register it in candour.core.keys") from None
    return _derive(purpose, root_secret(entry.root))


def digest(purpose: str, message: str | bytes) -> str:
    """HMAC-SHA256 of ``message`` under the purpose's key, as hex."""
    data = message.encode() if isinstance(message, str) else message
    return hmac.new(derive(purpose), data, hashlib.sha256).hexdigest()
