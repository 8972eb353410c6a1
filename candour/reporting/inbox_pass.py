"""The inbox pass: what keeps a reporter's inbox open between pages, held by their browser.

A server-side session would be a row in ``django_session`` with the report's key in it
(readable by anyone with the database, signed but not encrypted) and an expiry to the
microsecond: a time stamp of the reporter's visit. The pass is instead a cookie sealed with
AES-256-GCM under a key derived from ``CANDOUR_RECEIPT_PEPPER`` (never in the database):
it holds the report's key and when the pass stops working, and the server keeps nothing.
Leaving the inbox deletes the cookie; a copy taken before then works until it expires, as
the receipt itself would (ADR 0016).
"""

from __future__ import annotations

import base64
import binascii
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils import timezone

from candour.core import keys

COOKIE = "candour_inbox"
# Every inbox page is under /inbox, so the browser sends the pass nowhere else.
COOKIE_PATH = "/inbox"
_AAD = b"candour:inbox-pass:v1"
_NONCE_BYTES = 12


def _cipher() -> AESGCM:
    return AESGCM(keys.derive("reporting.inbox-pass"))


def issue(*, report_pk: int) -> str:
    """A sealed pass to the report's inbox, good for ``SESSION_COOKIE_AGE`` seconds."""
    expires = int(timezone.now().timestamp()) + settings.SESSION_COOKIE_AGE
    body = json.dumps({"r": report_pk, "e": expires}, separators=(",", ":")).encode()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = nonce + _cipher().encrypt(nonce, body, _AAD)
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def read(value: str) -> int | None:
    """The report key of a pass, or None if it is missing, forged, altered or expired."""
    if not value or len(value) > 200:
        return None
    try:
        sealed = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        body = json.loads(_cipher().decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _AAD))
    except (binascii.Error, ValueError, InvalidTag):
        return None
    if not isinstance(body, dict):
        return None
    report, expires = body.get("r"), body.get("e")
    if not isinstance(report, int) or not isinstance(expires, int):
        return None
    if timezone.now().timestamp() >= expires:
        return None
    return report
