"""What every service benchmark needs: the production environment with throwaway secrets, a
migrated database, Django in the measuring process, and gunicorn started as production starts
it. Shared by report_crash.py, flags.py and flags_faults.py."""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import secrets
import socket
import subprocess
from pathlib import Path
from typing import IO

REPO_ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = REPO_ROOT / ".venv" / "bin"
SETTINGS = "candour.config.settings.production"
HOST = "127.0.0.1"
# Variables of the caller's shell that must not leak into a run's service.
_OWN_PREFIXES = ("DJANGO_", "CANDOUR_", "DATABASE_", "GUNICORN_", "SECURE_", "EMAIL_")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def production_env(database_url: str, port: int, workers: int, **extra: str) -> dict[str, str]:
    """The production environment, with fresh throwaway secrets for this run.

    Plain HTTP on loopback, so SECURE_SSL_REDIRECT is off (production terminates TLS in
    front). `extra` adds or overrides variables (a benchmark's own settings).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OWN_PREFIXES)}
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        CANDOUR_AUDIT_KEY=secrets.token_urlsafe(32),
        CANDOUR_KEY_SECRET=secrets.token_urlsafe(32),
        CANDOUR_REPORT_KEK=base64.b64encode(secrets.token_bytes(32)).decode(),
        CANDOUR_RECEIPT_PEPPER=secrets.token_urlsafe(32),
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        GUNICORN_BIND=f"{HOST}:{port}",
        GUNICORN_WORKERS=str(workers),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def migrate(env: dict[str, str], log: IO[bytes], timeout: float = 600) -> None:
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "migrate", "--no-input"],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        timeout=timeout,
        check=True,
    )


def setup_django(env: dict[str, str]) -> None:
    """Configure Django in this process with the service's settings (to load and count)."""
    os.environ.update({k: v for k, v in env.items() if not k.startswith("GUNICORN_")})
    import django

    django.setup()


def close_db() -> None:
    from django.db import connections

    connections.close_all()


def start_gunicorn(
    env: dict[str, str], log: IO[bytes], control_socket: Path
) -> subprocess.Popen[bytes]:
    """gunicorn as production runs it, in its own session so one killpg reaches the arbiter
    and its workers; its control socket in the run's directory, not ~/.gunicorn (a SIGKILL
    leaves it behind, and other gunicorns may share the default)."""
    return subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "-c",
            "candour/config/gunicorn_conf.py",
            "--control-socket",
            str(control_socket),
            "candour.config.wsgi",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def healthz_ok(port: int, timeout: float) -> bool:
    """Whether /healthz answers 200 now (False while the service is not listening yet)."""
    with contextlib.suppress(OSError, http.client.HTTPException):
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        try:
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        finally:
            conn.close()
    return False
