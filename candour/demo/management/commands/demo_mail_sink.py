from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.demo.sink import mail_sink


class Command(BaseCommand):
    help = (
        "Run the demo's local SMTP server, keeping every message in a Maildir. Stop with SIGTERM."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.CANDOUR_DEMO_SMTP_PORT)
        parser.add_argument("--maildir", type=Path, default=settings.CANDOUR_DEMO_MAIL_DIR)

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = threading.Event()

        def stop(signum: int, frame: FrameType | None) -> None:
            stopping.set()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        server = mail_sink(directory=options["maildir"], host=options["host"], port=options["port"])
        try:
            server.start()
        except (OSError, RuntimeError) as exc:
            raise CommandError(
                f"The mail sink could not listen on {options['host']}:{options['port']} "
                f"({type(exc).__name__}): is something else using that port?"
            ) from exc
        try:
            self.stdout.write(
                f"Mail sink listening on {options['host']}:{options['port']}, "
                f"keeping messages in {options['maildir']}"
            )
            self.stdout.flush()
            stopping.wait()
        finally:
            server.stop()
            for sig, handler in previous.items():
                if handler is not None:
                    signal.signal(sig, handler)
        self.stdout.write("Mail sink stopped.")
