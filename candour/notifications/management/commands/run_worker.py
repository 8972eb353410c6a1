from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from candour.notifications.services import run_due_jobs


class Command(BaseCommand):
    help = "Run outbox jobs: at-least-once, with retries and backoff. Stop with SIGTERM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run the due jobs, then exit.")
        parser.add_argument("--poll-seconds", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True  # finish the current job, then leave

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if options["once"]:
            ran = run_due_jobs()
            self.stdout.write(f"Ran {ran} job(s).")
            return
        self.stdout.write("Worker started.")
        while not stopping:
            if run_due_jobs(limit=1) == 0:
                time.sleep(options["poll_seconds"])
        self.stdout.write("Worker stopped.")
