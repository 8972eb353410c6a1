"""Reading input for the command line: refuse what is not plain UTF-8 text, clearly."""

from __future__ import annotations

import re

from candour.deidentify.types import KnownEntity


class InputError(ValueError):
    """Bad input; the message never quotes the input itself."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A separator's spaces are taken from the start of their run only, so a long run of spaces
# is not scanned again from each of its positions (ADR 0014).
_KNOWN_SEPARATOR = re.compile(r"(?<!\s)\s+[—–-]\s+|\t|(?<!\s)\s*[—–]\s*")


def decode_text(data: bytes, *, max_chars: int, what: str = "The input") -> str:
    """Return the text, or raise InputError for empty, binary, non-UTF-8 or oversized input."""
    if not data.strip():
        raise InputError(f"{what} is empty. Give some text to de-identify.")
    if b"\x00" in data[:8192]:
        raise InputError(f"{what} looks like a binary file, not text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{what} is not valid UTF-8 (the first bad byte is at position {exc.start}). "
            "Save it as UTF-8 and try again."
        ) from None
    if len(_CONTROL.findall(text[:8192])) > 8:
        raise InputError(f"{what} looks like a binary file, not text.")
    if len(text) > max_chars:
        raise InputError(
            f"{what} has {len(text):,} characters; the maximum is {max_chars:,}. "
            "Split it into smaller parts."
        )
    return text


def parse_known(text: str) -> list[KnownEntity]:
    """Parse lines such as "Kayden Walsh — child" or "27 Elm Grove - address"."""
    known = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = _KNOWN_SEPARATOR.split(line, maxsplit=1)
        name = parts[0].strip()
        role = parts[1].strip() if len(parts) > 1 else ""
        if len(name) < 2:
            raise InputError(f"Line {number} of the known-names file has no name before the role.")
        known.append(KnownEntity(text=name, role=role))
    return known
