from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo user (demo mode only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.CANDOUR_DEMO_MODE:
            raise CommandError("demo_totp works only with CANDOUR_DEMO_MODE on (the dev settings).")
        device = TOTPDevice.objects.filter(user__email=options["email"].lower()).first()
        if device is None:
            raise CommandError("That user has no authenticator set up.")
        self.stdout.write(f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
