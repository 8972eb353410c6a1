from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.notifications.schedule import bring_forward, daily_kinds
from candour.notifications.services import run_due_jobs


class Command(BaseCommand):
    help = (
        "Run today's daily jobs now (crypto-shredding, flag retention, digests) instead of at "
        "their time; each still runs once a day. The worker normally does this by itself."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kinds", nargs="*", help=f"Some of: {', '.join(daily_kinds())}")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            due = bring_forward(options["kinds"] or None)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        ran = run_due_jobs()
        if due:
            self.stdout.write(f"Ran today's {', '.join(due)} ({ran} job(s) in all).")
        else:
            self.stdout.write(f"Today's daily jobs had already run ({ran} other job(s) ran).")
