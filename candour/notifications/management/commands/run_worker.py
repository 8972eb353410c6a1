from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections, connection

from candour.notifications.schedule import ensure_daily_jobs
from candour.notifications.services import run_due_jobs

logger = logging.getLogger("candour.jobs")
SCHEDULE_EVERY_SECONDS = 60


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

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            if options["once"]:
                # One job at a time, so SIGTERM is honoured between jobs here too.
                ran = 0
                while not stopping and run_due_jobs(limit=1):
                    ran += 1
                self.stdout.write(f"Ran {ran} job(s).")
                return
            self.stdout.write("Worker started.")
            scheduled_at = -float(SCHEDULE_EVERY_SECONDS)
            while not stopping:
                try:
                    schedule = settings.CANDOUR_SCHEDULE_DAILY_JOBS
                    if schedule and time.monotonic() - scheduled_at >= SCHEDULE_EVERY_SECONDS:
                        ensure_daily_jobs()  # today's daily jobs, checked once a minute
                        scheduled_at = time.monotonic()
                    ran = run_due_jobs(limit=1)
                except DatabaseError as exc:
                    # The database restarted or stayed locked: drop the connection and keep
                    # going; a leased job is retried when its lease expires.
                    logger.warning("worker.database_error", extra={"error": type(exc).__name__})
                    close_old_connections()
                    connection.close()
                    ran = 0
                if ran == 0:
                    time.sleep(options["poll_seconds"])
            self.stdout.write("Worker stopped.")
        finally:
            # Put back the caller's handlers (call_command from tests or a shell).
            for sig, handler in previous.items():
                if handler is not None:
                    signal.signal(sig, handler)
