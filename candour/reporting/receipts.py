"""Receipt codes: 16 digits from a CSPRNG, stored only as an Argon2id hash.

The hash uses a system-wide salt (derived from ``CANDOUR_RECEIPT_PEPPER``) so a report can
be found by its receipt without storing the receipt; the Argon2id cost makes offline
guessing of a stolen table slow, and online guessing is slowed per client
(``services/inbox.py``, ADR 0016).
"""

from __future__ import annotations

import hmac
import re
import secrets

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings

from candour.core import keys

DIGITS = 16
_NON_DIGITS = re.compile(r"[\s-]")


def new_receipt() -> str:
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def display(receipt: str) -> str:
    """Group as 4 blocks, the way people copy phone numbers: "1234 5678 9012 3456"."""
    return " ".join(receipt[i : i + 4] for i in range(0, DIGITS, 4))


def normalise(value: str) -> str | None:
    """Digits only, or None when the input cannot be a receipt."""
    digits = _NON_DIGITS.sub("", value or "")
    if len(digits) != DIGITS or not digits.isdigit():
        return None
    return digits


def _salt() -> bytes:
    return keys.derive("reporting.receipt-salt")[:16]


def receipt_hash(receipt: str) -> str:
    raw = hash_secret_raw(
        secret=receipt.encode(),
        salt=_salt(),
        time_cost=settings.CANDOUR_RECEIPT_ARGON2_TIME_COST,
        memory_cost=settings.CANDOUR_RECEIPT_ARGON2_MEMORY_KIB,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    )
    return raw.hex()


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
