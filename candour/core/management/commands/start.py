"""``manage.py start`` (``make run``): prepare the database, then run the demo as production
runs: gunicorn, the outbox worker (daily jobs scheduled) and the local mail sink, stopped
together by Ctrl-C or SIGTERM, and all stopped if any one of them dies."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

READY_SECONDS = 120  # gunicorn workers load the de-identification model before serving
STOP_SECONDS = 20


@dataclass
class Child:
    name: str
    command: list[str]
    ready: Callable[[], bool] | None = None  # answers once the child serves
    process: subprocess.Popen[bytes] | None = None

    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()


class Command(BaseCommand):
    help = (
        "Migrate, load demo data into an empty database (demo mode), then run the site "
        "(gunicorn), the outbox worker and the demo mail sink until Ctrl-C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Prepare, but do not serve.")
        parser.add_argument(
            "--smtp-port",
            type=int,
            default=settings.CANDOUR_DEMO_SMTP_PORT,
            help="Port of the local mail sink on 127.0.0.1 (CANDOUR_DEMO_SMTP_PORT).",
        )
        parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes.")

    def handle(self, *args: Any, **options: Any) -> None:
        addrport = options["addrport"]
        if addrport.isdigit():  # a port alone, as runserver takes it
            addrport = f"127.0.0.1:{addrport}"
        host, _, port = addrport.rpartition(":")
        if not host or not port.isdigit():
            raise CommandError(
                f"Give the address as HOST:PORT, e.g. 127.0.0.1:8000, not {addrport!r}."
            )
        # The address this machine reaches the site on (a wildcard bind: 127.0.0.1), and the
        # one links in e-mails carry (CANDOUR_BASE_URL, when set, for a demo behind a proxy).
        local_host = "127.0.0.1" if host in ("0.0.0.0", "[::]") else host  # noqa: S104
        local_url = f"http://{local_host}:{port}"
        url = os.environ.get("CANDOUR_BASE_URL") or local_url
        self._prepare(url)
        if options["no_serve"]:
            return
        if not settings.CANDOUR_DEMO_MODE or not apps.is_installed("candour.demo"):
            raise CommandError(
                "manage.py start serves the demo (demo or dev settings) only. In production run "
                "gunicorn and manage.py run_worker (README, Running in production)."
            )
        self._serve(
            addrport=addrport,
            url=url.rstrip("/"),
            local_url=local_url,
            smtp_port=options["smtp_port"],
            web_workers=options["web_workers"],
        )

    def _prepare(self, url: str) -> None:
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
            self.stdout.write(f"\nSign in at {url}/sign-in as any of:")
            print_accounts(self, services.demo_accounts())
            self.stdout.write(
                "Report a near miss without signing in (one link per local authority):"
            )
            for slug in services.demo_reporting_slugs():
                self.stdout.write(f"    {url}/report/{slug}")
            self.stdout.write(f"Reporters' inbox: {url}/inbox")
            self.stdout.write(
                "Fictitious flagged children (never-issued test NHS numbers) to look up as a "
                "health user: " + ", ".join(services.demo_flag_numbers()) + "\n"
            )
        self.stdout.flush()

    def _serve(
        self, *, addrport: str, url: str, local_url: str, smtp_port: int, web_workers: int
    ) -> None:
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        maildir = Path(settings.CANDOUR_DEMO_MAIL_DIR)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,  # wsgi.py defaults to production
            "CANDOUR_BASE_URL": url,
            "CANDOUR_DEMO_SMTP_PORT": str(smtp_port),
            "CANDOUR_DEMO_MAIL_DIR": str(maildir),
            "CANDOUR_SCHEDULE_DAILY_JOBS": "true",
            "GUNICORN_BIND": addrport,
            "GUNICORN_WORKERS": str(web_workers),
            "PYTHONUNBUFFERED": "1",
        }
        python = sys.executable
        children = [
            Child(
                "mail sink",
                [python, manage, "demo_mail_sink", "--port", str(smtp_port)],
                ready=lambda: _port_answers("127.0.0.1", smtp_port),
            ),
            Child("outbox worker", [python, manage, "run_worker"]),
            Child(
                "site (gunicorn)",
                [
                    python,
                    "-m",
                    "gunicorn",
                    "-c",
                    str(Path(settings.BASE_DIR) / "candour" / "config" / "gunicorn_conf.py"),
                    "--no-control-socket",  # two demos on one machine must not share one
                    "candour.config.wsgi",
                ],
                ready=lambda: _healthy(local_url),
            ),
        ]
        wake = threading.Event()
        stop_requested: list[str] = []

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop_requested.append(signal.Signals(signum).name)
            wake.set()

        def on_child(signum: int, frame: FrameType | None) -> None:
            wake.set()

        previous = {
            sig: signal.signal(sig, handler)
            for sig, handler in (
                (signal.SIGINT, on_signal),
                (signal.SIGTERM, on_signal),
                (signal.SIGCHLD, on_child),
            )
        }
        if settings.DEBUG:
            self.stderr.write(
                f"Note: {settings.SETTINGS_MODULE} has DEBUG on. `make run` uses "
                "candour.config.settings.demo, which serves as production does."
            )
        self.stdout.write(
            f"Starting, with settings {settings.SETTINGS_MODULE}:\n"
            f"    mail sink      127.0.0.1:{smtp_port}, messages kept in {maildir}\n"
            f"    outbox worker  e-mails, webhooks, escalations; daily jobs scheduled\n"
            f"    site           gunicorn on {addrport}, {web_workers} workers"
        )
        self.stdout.flush()
        try:
            died = self._start_all(children, env, wake, stop_requested)
            if died is None and not stop_requested:
                self.stdout.write(
                    f"\nThe demo is running at {url}/\n"
                    f"E-mails it sends (invitations, notifications) are at {url}/demo/mail\n"
                    "Press Ctrl-C to stop the site, the worker and the mail sink."
                )
                self.stdout.flush()
                died = self._supervise(children, wake, stop_requested)
        finally:
            self._stop_all(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if died is not None:
            raise CommandError(
                f"The {died.name} stopped unexpectedly (exit code {died.exit_code()}), so the "
                "others were stopped too. Its messages are above."
            )
        self.stdout.write("Stopped the site, the outbox worker and the mail sink.")

    def _start_all(
        self,
        children: list[Child],
        env: dict[str, str],
        wake: threading.Event,
        stop_requested: list[str],
    ) -> Child | None:
        """Start each child once the one before answers; return a child that died, if any."""
        for child in children:
            if stop_requested:
                return None
            # Own process group: Ctrl-C reaches this command only, which stops the children
            # in order (so a child's exit is never mistaken for a crash).
            child.process = subprocess.Popen(  # noqa: S603  (our own fixed commands)
                child.command, cwd=settings.BASE_DIR, env=env, process_group=0
            )
            self.stdout.write(f"Started the {child.name} (pid {child.process.pid}).")
            self.stdout.flush()
            deadline = time.monotonic() + READY_SECONDS
            while child.ready is not None and not child.ready():
                died = _first_dead(children)
                if died is not None:
                    return died
                if stop_requested:
                    return None
                if time.monotonic() > deadline:
                    raise CommandError(f"The {child.name} did not start within {READY_SECONDS} s.")
                wake.wait(0.2)
                wake.clear()
        return _first_dead(children)

    def _supervise(
        self, children: list[Child], wake: threading.Event, stop_requested: list[str]
    ) -> Child | None:
        """Wait for Ctrl-C, SIGTERM or a child's death (SIGCHLD wakes us at once)."""
        while not stop_requested:
            wake.clear()  # before looking, so a signal arriving meanwhile is not missed
            died = _first_dead(children)
            if died is not None:
                return died
            if not stop_requested:
                wake.wait(5)
        self.stdout.write(f"\n{stop_requested[0]} received: stopping.")
        return None

    def _stop_all(self, children: list[Child]) -> None:
        """SIGTERM each child, site first (finishes its requests), then worker, then sink."""
        for child in reversed(children):
            process = child.process
            if process is None or process.poll() is not None:
                continue
            process.terminate()
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.stderr.write(f"The {child.name} did not stop in {STOP_SECONDS} s: killed.")
                process.kill()
                process.wait()


def _first_dead(children: list[Child]) -> Child | None:
    return next((child for child in children if child.exit_code() is not None), None)


def _port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False
