from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Migrate, load demo data into an empty database (demo mode), then serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Prepare, but do not serve.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            call_command("migrate", interactive=False, verbosity=0)
        except Exception as exc:
            raise CommandError(
                f"Start-up stopped: the database migration failed ({type(exc).__name__}). "
                "Check DATABASE_URL and that the database is writable; nothing was served."
            ) from exc
        self.stdout.write("Database is up to date.")
        if settings.CANDOUR_DEMO_MODE:
            from candour.demo import services
            from candour.demo.management.commands.seed_demo import print_accounts

            if services.database_is_empty():
                services.seed()
                self.stdout.write("Loaded fictitious demo data.")
            self.stdout.write(f"\nSign in at http://{options['addrport']}/sign-in as any of:")
            print_accounts(self, services.demo_accounts())
            self.stdout.write(
                "Report a near miss without signing in (one link per local authority):"
            )
            for slug in services.demo_reporting_slugs():
                self.stdout.write(f"    http://{options['addrport']}/report/{slug}")
            self.stdout.write(f"Reporters' inbox: http://{options['addrport']}/inbox")
            self.stdout.write(
                "Fictitious flagged children (never-issued test NHS numbers) to look up as a "
                "health user: " + ", ".join(services.demo_flag_numbers()) + "\n"
            )
        if not options["no_serve"]:
            call_command("runserver", options["addrport"], use_reloader=False)
