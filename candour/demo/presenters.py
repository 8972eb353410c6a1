"""Display of demo e-mails: plain-text bodies as paragraphs with the service's links live."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from candour.demo.mailbox_reader import DemoMail

URL = re.compile(r"https?://[^\s<>\"']+")
TRAILING = ".,;:!?)]}'\""


@dataclass(frozen=True)
class Part:
    text: str
    href: str = ""


@dataclass(frozen=True)
class PresentedMail:
    ident: str
    sender: str
    to: str
    subject: str
    sent_at: datetime
    paragraphs: list[list[list[Part]]]  # paragraphs of lines of parts


def _is_service_link(url: str, base_url: str) -> bool:
    base = base_url.rstrip("/")
    # The character after the base must end the authority, so that
    # http://127.0.0.1:8000@elsewhere.example is not taken for the service.
    return url == base or url.startswith(base + "/")


def line_parts(line: str, *, base_url: str) -> list[Part]:
    """Split a line into text and links; only links to the service itself are clickable."""
    parts: list[Part] = []
    position = 0
    for match in URL.finditer(line):
        url = match.group(0).rstrip(TRAILING)
        start, end = match.start(), match.start() + len(url)
        if not _is_service_link(url, base_url):
            continue
        if start > position:
            parts.append(Part(line[position:start]))
        parts.append(Part(url, href=url))
        position = end
    if position < len(line) or not parts:
        parts.append(Part(line[position:]))
    return parts


def present(mail: DemoMail, *, base_url: str) -> PresentedMail:
    """Return the e-mail with its body split into paragraphs (blank lines) and lines."""
    text = mail.body.replace("\r\n", "\n").strip()
    paragraphs = [
        [line_parts(line, base_url=base_url) for line in block.split("\n")]
        for block in re.split(r"\n\s*\n", text)
        if block.strip()
    ]
    return PresentedMail(
        ident=mail.ident,
        sender=mail.sender,
        to=mail.to,
        subject=mail.subject,
        sent_at=mail.sent_at,
        paragraphs=paragraphs,
    )
