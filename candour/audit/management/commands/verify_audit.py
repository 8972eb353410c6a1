from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from candour.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and name the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if result.ok:
            self.stdout.write(f"Audit chain intact: {result.entries} entries verified.")
            return
        where = (
            f"entry #{result.first_broken.sequence} ({result.first_broken.reference})"
            if result.first_broken is not None
            else "the end of the log"
        )
        raise CommandError(
            f"Audit chain broken at {where}: {result.problem}. "
            f"{result.entries} entries before it verified."
        )
