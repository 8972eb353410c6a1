"""``manage.py error_traps``: candidate error traps in any CSV corpus, no database needed."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.learning.method import clusters, corpus

FORMATS = ["json"]


def add_corpus_arguments(parser: CommandParser) -> None:
    """The CSV options both learning commands take."""
    parser.add_argument("--csv", required=True, metavar="FILE", help="A UTF-8 CSV file")
    parser.add_argument("--id-column", required=True, metavar="ID")
    parser.add_argument("--text-column", required=True, metavar="TEXT")
    parser.add_argument(
        "--codes-column",
        metavar="CODES",
        help='Analyst codes to use with the text, "; "-separated (optional)',
    )
    parser.add_argument("--format", default="json", help="Output format: json (the only one)")


def read_corpus(command: BaseCommand, options: dict[str, Any]) -> corpus.Corpus:
    """Check the format and read the corpus, turning bad input into a ``CommandError``."""
    if options["format"] not in FORMATS:
        raise CommandError(f"Unknown --format {options['format']!r}: the only format is json.")
    try:
        return corpus.read_csv(
            options["csv"],
            id_column=options["id_column"],
            text_column=options["text_column"],
            codes_column=options.get("codes_column"),
            progress=lambda message: command.stderr.write(message),
        )
    except corpus.CorpusError as exc:
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = (
        "Find recurring patterns (candidate error traps) in the reports of a CSV file and "
        'print {"clusters": [{"id", "size", "terms", "members"}], "assignments": {id: '
        "cluster id}} as JSON. Progress goes to stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_corpus_arguments(parser)
        parser.add_argument(
            "--k", type=int, help="Number of clusters (default: round(sqrt(reports / 2)))"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        k = options.get("k")
        if k is not None and k < 1:
            raise CommandError("--k must be at least 1.")
        reports = read_corpus(self, options)
        try:
            found = clusters.discover(
                reports.texts,
                k=k,
                codes=reports.codes,
                progress=lambda message: self.stderr.write(message),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        out_clusters = []
        assignments: dict[str, str] = {}
        # Ids follow size (largest "1"); the app keeps ids across runs with match_to_previous.
        for position, found_cluster in enumerate(found.clusters, start=1):
            cluster_id = str(position)
            members = [reports.ids[m] for m in found_cluster.members]
            out_clusters.append(
                {
                    "id": cluster_id,
                    "size": found_cluster.size,
                    "terms": found_cluster.terms,
                    "members": members,
                }
            )
            assignments.update(dict.fromkeys(members, cluster_id))
        ordered = {report_id: assignments[report_id] for report_id in reports.ids}
        self.stdout.write(json.dumps({"clusters": out_clusters, "assignments": ordered}))
        self.stderr.write(f"Found {len(out_clusters)} candidate traps.")
