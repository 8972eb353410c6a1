"""Reading the demo mail sink's Maildir: no database, the files are the record."""

from __future__ import annotations

import email
import email.policy
import hashlib
import mailbox
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path


@dataclass(frozen=True)
class DemoMail:
    ident: str
    sender: str
    to: str
    subject: str
    sent_at: datetime
    body: str


def ident_of(key: str) -> str:
    """A short, URL-safe name for a Maildir key (keys may hold a host name's odd characters)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def read_mail(directory: Path) -> list[DemoMail]:
    """Return every message in the Maildir, newest first; an absent Maildir is empty."""
    if not (directory / "new").is_dir() and not (directory / "cur").is_dir():
        return []
    box = mailbox.Maildir(directory, create=False)
    found = []
    for key in list(box.iterkeys()):
        try:
            delivered = box.get_message(key).get_date()
            raw = box.get_bytes(key)
        except (KeyError, FileNotFoundError):
            continue  # removed while we read
        found.append(_parse(key, raw, delivered))
    return sorted(found, key=lambda mail: (mail.sent_at, mail.ident), reverse=True)


def _parse(key: str, raw: bytes, delivered: float) -> DemoMail:
    message = email.message_from_bytes(raw, _class=EmailMessage, policy=email.policy.default)
    # When the sink stored it (to the microsecond, unlike the Date header), so that e-mails
    # sent in the same second still list in order.
    sent_at = datetime.fromtimestamp(delivered, tz=UTC)
    part = message.get_body(preferencelist=("plain", "html"))
    body = part.get_content() if isinstance(part, EmailMessage) else ""
    return DemoMail(
        ident=ident_of(key),
        sender=str(message["From"] or ""),
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or "(no subject)"),
        sent_at=sent_at,
        body=body,
    )
