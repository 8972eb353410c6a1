"""System API keys: their shape and their digest. Shared by the selector that checks a key
and the service that issues one, so neither imports the other."""

from __future__ import annotations

import secrets
from typing import Final

from candour.core import keys

KEY_PREFIX_LENGTH: Final = 12


def new_key() -> tuple[str, str]:
    """A new key and its public prefix (``cnd_`` + 8 hex), shown once to the administrator."""
    prefix = "cnd_" + secrets.token_hex(4)
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


def hash_key(key: str) -> str:
    """Keys are 256 random bits, so a keyed SHA-256 is enough (no slow hash): a stolen table
    cannot be turned back into keys, and checking costs microseconds per call."""
    return keys.digest("flags.client-key", key)


def looks_like_a_key(key: str) -> bool:
    return len(key) >= KEY_PREFIX_LENGTH + 10 and key[:KEY_PREFIX_LENGTH].startswith("cnd_")
