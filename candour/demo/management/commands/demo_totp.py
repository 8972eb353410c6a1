from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.demo import services


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.CANDOUR_DEMO_MODE:
            raise CommandError("demo_totp works only with CANDOUR_DEMO_MODE on (the dev settings).")
        code = services.current_code(email=options["email"])
        if code is None:
            raise CommandError("That user has no authenticator set up.")
        self.stdout.write(code)
