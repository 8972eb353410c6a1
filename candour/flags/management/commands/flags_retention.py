from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from candour.flags import services


class Command(BaseCommand):
    help = (
        "Daily: delete flag subjects a year past their last plan's end (with their access "
        "history and notifications), and expired lookup counters."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        purged = services.purge_expired(today=timezone.localdate())
        counters = services.purge_counters(now=timezone.now())
        self.stdout.write(
            f"Deleted {purged} flag subject(s) past retention and {counters} expired counter(s)."
        )
