"""`manage.py start` (what `make run` runs) serves the demo as production runs: gunicorn with
DEBUG off, the outbox worker and the mail sink, so an invited user can activate their account
from the e-mail in /demo/mail. Ctrl-C stops all three; a child's death stops the rest."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow
START_SECONDS = 240  # migrate, seed (Argon2 at full cost), two gunicorn workers load spaCy
MAIL_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], object], *, seconds: float, what: str) -> object:
    """Poll ``condition`` until it returns something truthy or the deadline passes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie, exited but not yet reaped, does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


@dataclass
class Demo:
    process: subprocess.Popen[bytes]
    url: str
    env: dict[str, str]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def child_pids(self) -> dict[str, int]:
        found = re.findall(r"Started the (.+?) \(pid (\d+)\)\.", self.output())
        return {name: int(pid) for name, pid in found}

    def get(self, path: str, opener: urllib.request.OpenerDirector | None = None) -> Response:
        return fetch((opener or urllib.request.build_opener()), self.url + path)

    def shell(self, code: str) -> str:
        """Run Python in a separate `manage.py shell`, against the demo's database."""
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout


@dataclass
class Response:
    status: int
    url: str
    body: str


def fetch(opener: urllib.request.OpenerDirector, url: str, data: dict | None = None) -> Response:
    encoded = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=encoded, timeout=30) as response:
            return Response(response.status, response.url, response.read().decode())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.url, error.read().decode())


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CANDOUR_", "EMAIL_", "GUNICORN_"))
    }
    env.pop("DATABASE_URL", None)
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "candour.config.settings.demo",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "CANDOUR_DEMO_MAIL_DIR": str(tmp_path / "var" / "demo-mail"),
    }


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    """`manage.py start` on free ports with its own database and mail directory."""
    port, smtp_port = free_port(), free_port()
    env = _clean_env(tmp_path)
    log = tmp_path / "start.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "start",
                f"127.0.0.1:{port}",
                "--smtp-port",
                str(smtp_port),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    running = Demo(process, f"http://127.0.0.1:{port}", env, log)
    try:
        wait_for(
            lambda: "Press Ctrl-C" in running.output() or process.poll() is not None,
            seconds=START_SECONDS,
            what="the demo to start",
        )
        assert process.poll() is None, running.output()
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
        for pid in running.child_pids().values():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def _mailbox_with(demo: Demo, text: str) -> Callable[[], str | None]:
    def check() -> str | None:
        page = demo.get("/demo/mail")
        return page.body if page.status == 200 and text in page.body else None

    return check


def test_make_run_serves_like_production_and_delivers_mail_end_to_end(demo: Demo) -> None:
    children = demo.child_pids()
    assert set(children) == {"mail sink", "outbox worker", "site (gunicorn)"}
    output = demo.output()
    assert f"The demo is running at {demo.url}/" in output
    assert f"{demo.url}/demo/mail" in output

    assert demo.get("/healthz").status == 200
    missing = demo.get("/no-such-page")
    assert missing.status == 404
    assert "govuk-template" in missing.body
    assert "Page not found" in missing.body
    assert "URLconf" not in missing.body  # not Django's debug page, which lists every URL
    stylesheet = demo.get("/assets/govuk/govuk-frontend.min.css")
    assert stylesheet.status == 200  # WhiteNoise serves GOV.UK Frontend, no collectstatic step

    # An administrator invites someone (the accounts service, in another process).
    demo.shell(
        "from candour.accounts import services; from candour.accounts.models import User; "
        "services.invite_user(admin=User.objects.get(email='admin@northbrook.example'), "
        "email='newcomer@northbrook.example', full_name='Nia Newcomer', role='practitioner')"
    )
    # The worker sends the invitation over SMTP to the sink; the mailbox page shows it.
    page = wait_for(
        _mailbox_with(demo, "newcomer@northbrook.example"),
        seconds=MAIL_SECONDS,
        what="the invitation in /demo/mail",
    )
    assert isinstance(page, str)
    assert "Your candour account" in page
    ident = re.search(r'href="/demo/mail/([0-9a-f]{20})"', page)
    assert ident is not None
    opened = demo.get(f"/demo/mail/{ident.group(1)}")
    assert opened.status == 200
    link = re.search(
        r'<a class="govuk-link" href="(' + re.escape(demo.url) + r'/account/activate/[^"]+)"',
        opened.body,
    )
    assert link is not None, "the invitation's link should be clickable"

    # The newcomer follows the link and sets a password.
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    form = fetch(browser, link.group(1))
    assert form.status == 200
    assert "Create a password" in form.body
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
    assert token is not None
    password = "a long new demo passphrase 2026"
    done = fetch(
        browser,
        form.url,
        {"csrfmiddlewaretoken": token.group(1), "password": password, "confirm": password},
    )
    assert done.status == 200
    assert urllib.parse.urlsplit(done.url).path == "/sign-in"
    has_password = demo.shell(
        "from candour.accounts.models import User; "
        "print(User.objects.get(email='newcomer@northbrook.example').has_usable_password())"
    )
    assert has_password.strip().splitlines()[-1] == "True"

    # Another kind of e-mail through the same worker and sink: an A&E lookup of a child on a
    # plan tells the authority's flag manager.
    demo.shell(
        "from candour.flags.services import lookups as flags; "
        "from candour.accounts.models import User; "
        "flags.look_up(principal=flags.Principal.for_user("
        "User.objects.get(email='ed@riverside-nhs.example')), "
        "identifier=flags.parse_identifier('9990000018'), care_setting='emergency_department')"
    )
    page = wait_for(
        _mailbox_with(demo, "Child protection flag viewed"),
        seconds=MAIL_SECONDS,
        what="the flag notification in /demo/mail",
    )
    assert isinstance(page, str)
    assert "flags@northbrook.example" in page
    assert page.index("Child protection flag viewed") < page.index("Your candour account")

    # Ctrl-C stops all three.
    demo.process.send_signal(signal.SIGINT)
    assert demo.process.wait(60) == 0, demo.output()
    assert "Stopped the site, the outbox worker and the mail sink." in demo.output()
    for name, pid in children.items():
        assert not alive(pid), f"the {name} is still running"


def test_a_child_that_dies_stops_the_others_and_is_named(demo: Demo) -> None:
    children = demo.child_pids()
    os.kill(children["outbox worker"], signal.SIGKILL)
    assert demo.process.wait(60) != 0
    assert "The outbox worker stopped unexpectedly" in demo.output()
    for name, pid in children.items():
        assert not alive(pid), f"the {name} is still running"
