"""The README's production steps, run as written on a copy of the checkout: the service they
start serves GOV.UK pages with their styles and says it is healthy; without a step, or with
a malformed key, it refuses to start and names what to fix.

Only the database, the host names and the port are replaced (a throwaway SQLite file,
127.0.0.1, a free port); ``make setup`` is what the test suite itself runs on, so the copy
shares this checkout's installed packages.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow
BLOCK = re.compile(r"<!-- production-steps -->\s*```sh\n(.*?)```", re.S)


def readme_steps() -> list[str]:
    match = BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert match, "README.md has no production-steps block"
    return [line for line in match.group(1).splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the files git knows (a fresh clone's), sharing the installed packages."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    copy = tmp_path / "candour"
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            target = copy / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for shared in (".venv", "node_modules"):
        (copy / shared).symlink_to(ROOT / shared)
    return copy


def script(steps: list[str], *, database: Path, port: int, upto: str) -> str:
    """The README's lines up to (not including) the one starting ``upto``, with the replaced
    values exported just before the first command; `make setup` is skipped (see above)."""
    replaced = [
        f"export DATABASE_URL=sqlite:///{database}",
        "export DJANGO_ALLOWED_HOSTS=127.0.0.1",
        f"export GUNICORN_BIND=127.0.0.1:{port}",
        "export GUNICORN_WORKERS=1",
    ]
    lines = ["set -euo pipefail"]
    for line in steps:
        if line.startswith(upto):
            break
        if line.startswith("make setup"):
            continue
        if line.startswith(".venv/") and replaced:
            lines += replaced
            replaced = []
        lines.append(line)
    return "\n".join(lines + replaced)


def _get(url: str) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  (loopback)
            return (
                response.status,
                response.headers.get("Content-Type", ""),
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


@pytest.fixture
def served(checkout: Path, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    steps = readme_steps()
    serve = next(line for line in steps if line.startswith(".venv/bin/gunicorn"))
    port = free_port()
    prepare = script(steps, database=tmp_path / "db.sqlite3", port=port, upto=".venv/bin/gunicorn")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CANDOUR_"))}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        ["bash", "-c", prepare], cwd=checkout, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    server = subprocess.Popen(  # the README's own gunicorn line, after the same exports
        ["bash", "-c", f"{prepare}\nexec {serve}"],
        cwd=checkout,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if _get(f"{base}/healthz")[0] in (200, 503):
                break
        except OSError:
            time.sleep(0.2)  # polling until gunicorn listens, with a deadline
    try:
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_readme_s_steps_serve_styled_pages_and_a_healthy_service(served):
    base, server = served
    assert server.poll() is None, server.stdout.read() if server.stdout else ""
    status, kind, body = _get(f"{base}/healthz")
    assert (status, kind) == (200, "application/json")
    assert '"pages": "ok"' in body
    status, _kind, page = _get(f"{base}/")
    assert status == 200
    stylesheet = re.search(r'href="(/assets/govuk/govuk-frontend\.min\.[0-9a-f]+\.css)"', page)
    assert stylesheet, "the start page links no collected, hashed GOV.UK stylesheet"
    assert _get(f"{base}{stylesheet.group(1)}")[0] == 200
    status, _kind, missing = _get(f"{base}/no-such-page")
    assert status == 404
    assert "Page not found" in missing


def _start(checkout: Path, tmp_path: Path, *, drop: str = "", extra: str = "") -> str:
    """Run the steps without the line starting ``drop``, then start gunicorn; return what it
    printed once it has exited (it must refuse to start)."""
    steps = [line for line in readme_steps() if not (drop and line.startswith(drop))]
    serve = next(line for line in steps if line.startswith(".venv/bin/gunicorn"))
    prepare = script(steps, database=tmp_path / "db.sqlite3", port=free_port(), upto=serve)
    prepare = prepare.replace(".venv/bin/python manage.py check --deploy --fail-level WARNING", "")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CANDOUR_"))}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        ["bash", "-c", f"{prepare}\n{extra}\nexec {serve}"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    return done.stdout + done.stderr


def test_without_collectstatic_the_service_refuses_to_start_and_says_why(checkout, tmp_path):
    said = _start(checkout, tmp_path, drop=".venv/bin/python manage.py collectstatic")
    assert "run 'manage.py collectstatic --noinput' before starting" in said


def test_a_malformed_report_key_stops_start_up_naming_it(checkout, tmp_path):
    said = _start(checkout, tmp_path, extra="export CANDOUR_REPORT_KEK=not-base64-of-32-bytes")
    assert "CANDOUR_REPORT_KEK must be base64 of exactly 32 random bytes" in said
    assert "not-base64-of-32-bytes" not in said  # a secret is never echoed
