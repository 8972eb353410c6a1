"""``manage.py similar_reports``: each report's most similar reports in any CSV corpus."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.learning.management.commands.error_traps import add_corpus_arguments, read_corpus
from candour.learning.method import neighbours


class Command(BaseCommand):
    help = (
        "Print, for each report of a CSV file, the ids of its most similar reports, best "
        "first, as JSON {id: [ids]}. Progress goes to stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_corpus_arguments(parser)
        parser.add_argument("--top", type=int, default=10, help="How many (default 10)")

    def handle(self, *args: Any, **options: Any) -> None:
        top = options["top"]
        if top < 1:
            raise CommandError("--top must be at least 1.")
        reports = read_corpus(self, options)
        try:
            found = neighbours.similar_reports(
                reports.texts,
                top=top,
                codes=reports.codes,
                progress=lambda message: self.stderr.write(message),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        ids = reports.ids
        payload = {ids[i]: [ids[nb.index] for nb in row] for i, row in enumerate(found)}
        self.stdout.write(json.dumps(payload))
