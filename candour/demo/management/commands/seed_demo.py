from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from candour.demo import services


class Command(BaseCommand):
    help = "Load fictitious demo organisations and users in every role (empty database only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.CANDOUR_DEMO_MODE:
            raise CommandError("Demo data loads only with CANDOUR_DEMO_MODE on (the dev settings).")
        try:
            accounts = services.seed()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Loaded {len(accounts)} demo users.")
        print_accounts(self, accounts)


def print_accounts(command: BaseCommand, accounts: list[services.DemoAccount]) -> None:
    organisation = None
    for account in accounts:
        if account.organisation != organisation:
            organisation = account.organisation
            command.stdout.write(f"\n  {organisation}")
        command.stdout.write(f"    {account.role:<34} {account.email}")
    command.stdout.write(
        f"\n  Every demo password is: {services.DEMO_PASSWORD}\n"
        "  Two-factor: the security-code page shows the current demo code (dev settings only),\n"
        "  or run: .venv/bin/python manage.py demo_totp EMAIL\n"
    )
