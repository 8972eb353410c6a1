from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.deidentify.cli import InputError, decode_text, parse_known


class Command(BaseCommand):
    help = (
        "De-identify UTF-8 text from FILE (or - for standard input) and print it, "
        "or with --format json one object {text, entities}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default="-", help="A text file, or - (default)")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--known",
            metavar="FILE",
            help='People and places to replace first, one a line: "Kayden Walsh — child"',
        )
        parser.add_argument(
            "--case-reference-pattern",
            action="append",
            default=[],
            metavar="REGEX",
            help="A regular expression for the organisation's case references (repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        max_chars = settings.CANDOUR_DEIDENTIFY_MAX_CHARS
        try:
            text = decode_text(self._read(options["file"]), max_chars=max_chars)
            known = []
            if options["known"]:
                known_text = decode_text(
                    self._read(options["known"]), max_chars=max_chars, what="The known-names file"
                )
                known = parse_known(known_text)
        except InputError as exc:
            raise CommandError(str(exc)) from None

        from candour.deidentify.engine import shared_engine

        try:
            engine = shared_engine(tuple(options["case_reference_pattern"]))
        except ValueError as exc:
            raise CommandError(
                f"A case reference pattern is not a valid regular expression: {exc}"
            ) from None
        result = engine.deidentify(text, known=known)
        if options["format"] == "json":
            payload = {
                "text": result.text,
                "entities": [
                    {
                        "type": e.type.value,
                        "start": e.start,
                        "end": e.end,
                        "replacement": e.replacement,
                        "score": e.score,
                        "source": e.source,
                        "suspect": e.suspect,
                    }
                    for e in result.entities
                ],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.stdout.write(result.text, ending="" if result.text.endswith("\n") else "\n")

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        path = Path(name)
        try:
            size = path.stat().st_size
        except OSError:
            raise InputError(f"The file {name} cannot be read: it does not exist.") from None
        if size > 8 * settings.CANDOUR_DEIDENTIFY_MAX_CHARS:
            raise InputError(f"The file {name} is too large ({size:,} bytes).")
        try:
            return path.read_bytes()
        except OSError as exc:
            raise InputError(f"The file {name} cannot be read ({exc.strerror}).") from None
