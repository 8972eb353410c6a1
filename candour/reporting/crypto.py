"""Envelope encryption for raw narratives and contact details (AES-256-GCM).

Each report has its own data keys; each data key is stored only wrapped (encrypted) by the
key-encryption key, which lives outside the database (``CANDOUR_REPORT_KEK``, base64 of 32
bytes, from the environment or ``CANDOUR_REPORT_KEK_FILE``). Deleting a wrapped key makes
its ciphertext unrecoverable for good (crypto-shredding), backups included.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_VERSION = b"\x01"
_NONCE_BYTES = 12


def _kek() -> AESGCM:
    raw = settings.CANDOUR_REPORT_KEK
    try:
        key = base64.b64decode(raw, validate=True)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("CANDOUR_REPORT_KEK must be base64 of 32 random bytes.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured("CANDOUR_REPORT_KEK must be base64 of exactly 32 bytes.")
    return AESGCM(key)


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap_key(data_key: bytes, *, purpose: str) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return _VERSION + nonce + _kek().encrypt(nonce, data_key, purpose.encode())


def unwrap_key(wrapped: bytes, *, purpose: str) -> bytes:
    nonce = wrapped[1 : 1 + _NONCE_BYTES]
    return _kek().decrypt(nonce, wrapped[1 + _NONCE_BYTES :], purpose.encode())


def encrypt(data_key: bytes, value: Any, *, aad: str) -> bytes:
    """Encrypt a JSON-serialisable value; ``aad`` binds it to its report and field."""
    nonce = os.urandom(_NONCE_BYTES)
    plaintext = json.dumps(value, ensure_ascii=False).encode()
    return _VERSION + nonce + AESGCM(data_key).encrypt(nonce, plaintext, aad.encode())


def decrypt(data_key: bytes, blob: bytes, *, aad: str) -> Any:
    nonce = blob[1 : 1 + _NONCE_BYTES]
    return json.loads(AESGCM(data_key).decrypt(nonce, blob[1 + _NONCE_BYTES :], aad.encode()))
