"""The demo's local SMTP server: accepts every message and keeps it in a Maildir.

The demo sends real e-mail, through the outbox worker and Django's SMTP backend, so a
newcomer sees what production would send; nothing leaves the machine. The Maildir is read
by the demo mailbox page (``/demo/mail``).
"""

from __future__ import annotations

import logging
import mailbox
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

# aiosmtpd logs each peer's address at INFO: no IP addresses in candour's logs.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class MaildirHandler:
    """Store each message exactly as received, without the peer headers aiosmtpd's own
    Mailbox handler adds (X-Peer carries an IP address)."""

    def __init__(self, directory: Path) -> None:
        # Maildir(create=True) makes tmp/, new/ and cur/ only when the directory is new.
        for part in ("tmp", "new", "cur"):
            (directory / part).mkdir(parents=True, exist_ok=True)
        self.mailbox = mailbox.Maildir(directory, create=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        # Maildir writes into tmp/ and renames into new/: a reader never sees half a message.
        self.mailbox.add(content)
        return "250 Message accepted for delivery"


def mail_sink(*, directory: Path, host: str = "127.0.0.1", port: int) -> Controller:
    """Return a (not yet started) SMTP server on host:port that stores into directory."""
    return Controller(MaildirHandler(directory), hostname=host, port=port)
