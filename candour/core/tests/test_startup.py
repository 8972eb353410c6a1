"""Start-up refuses unsafe or broken configuration with a message naming what is wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CANDOUR_"))}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "candour.config.settings.production",
    "DJANGO_SECRET_KEY": "k" * 60 + "-not-a-real-secret-but-long-and-random-enough-9f8e7d",
    "CANDOUR_AUDIT_KEY": "a-separate-audit-chain-key-for-this-test-3c9d1f0e7b",
    "CANDOUR_KEY_SECRET": "a-separate-derivation-root-for-this-test-5e2a8b4c",
    "CANDOUR_REPORT_KEK": "c3RhcnR1cC10ZXN0LWtleS1lbmNyeXB0aW9uLWtleSE=",
    "CANDOUR_RECEIPT_PEPPER": "startup-test-pepper-long-enough-7d3f9a1c2e8b",
    "DJANGO_ALLOWED_HOSTS": "candour.example",
}


def test_production_settings_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_is_named():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_secret_may_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("f" * 60 + "-file-based-secret-value-long-and-random-1a2b3c\n")
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_SECRET_KEY_FILE"] = str(secret)
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr


def test_unreadable_secret_file_is_named(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_SECRET_KEY_FILE"] = str(tmp_path / "missing")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY_FILE" in result.stderr


def test_production_refuses_demo_mode():
    result = _manage("check", env={**PRODUCTION, "CANDOUR_DEMO_MODE": "true"})
    assert result.returncode != 0
    assert "CANDOUR_DEMO_MODE is on" in result.stderr


def test_bad_boolean_is_named():
    result = _manage("check", env={**PRODUCTION, "SECURE_SSL_REDIRECT": "perhaps"})
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT must be true or false" in result.stderr


def test_production_has_debug_off():
    result = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env=PRODUCTION
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_failed_migration_stops_start_up(tmp_path):
    database = tmp_path / "readonly.sqlite3"
    database.write_bytes(b"this is not a SQLite database file at all" * 10)
    result = _manage("start", "--no-serve", env={"DATABASE_URL": f"sqlite:///{database}"})
    assert result.returncode != 0
    assert "Start-up stopped: the database migration failed" in result.stderr
    assert "Traceback" not in result.stderr


def test_start_prepares_an_empty_database_with_demo_data(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    result = _manage("start", "--no-serve", env={"DATABASE_URL": f"sqlite:///{database}"})
    assert result.returncode == 0, result.stderr
    assert "Loaded fictitious demo data." in result.stdout
    assert "practitioner@northbrook.example" in result.stdout
    mode = _manage(
        "shell",
        "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
        env={"DATABASE_URL": f"sqlite:///{database}"},
    )
    assert mode.stdout.strip().splitlines()[-1] == "wal"
    again = _manage("start", "--no-serve", env={"DATABASE_URL": f"sqlite:///{database}"})
    assert "Loaded fictitious demo data." not in again.stdout


def test_wsgi_refuses_a_database_with_pending_migrations(tmp_path):
    database = tmp_path / "empty.sqlite3"
    code = "import candour.config.wsgi"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CANDOUR_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **PRODUCTION, "DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "unapplied migration" in result.stderr
    assert "manage.py migrate" in result.stderr


def test_production_refuses_to_start_with_the_demo_app(tmp_path):
    """The demo app serves a public mailbox: production settings (or settings built on them)
    stop start-up, for manage.py and for the WSGI application alike."""
    (tmp_path / "with_demo.py").write_text(
        "from candour.config.settings.production import *  # noqa: F403\n"
        "from candour.config.settings.production import INSTALLED_APPS\n"
        "INSTALLED_APPS = [*INSTALLED_APPS, 'candour.demo']\n"
    )
    env = {**PRODUCTION, "DJANGO_SETTINGS_MODULE": "with_demo", "PYTHONPATH": str(tmp_path)}
    message = "candour.demo is in INSTALLED_APPS, but these are production settings"
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CANDOUR_"))}
    wsgi = subprocess.run(
        [sys.executable, "-c", "import candour.config.wsgi"],
        cwd=ROOT,
        env={**base, **env, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert wsgi.returncode != 0
    assert message in wsgi.stderr


def test_production_does_not_route_the_demo_mailbox():
    code = (
        "from django.test import Client; from django.urls import Resolver404, resolve\n"
        "try:\n    resolve('/demo/mail'); print('routed')\n"
        "except Resolver404:\n    print('not routed')\n"
        # Without collectstatic's manifest: the page's asset URLs need no hashed names here.
        "from django.conf import settings; from django.test import override_settings\n"
        "plain = {**settings.STORAGES, 'staticfiles': "
        "{'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}\n"
        "with override_settings(STORAGES=plain):\n"
        "    r = Client().get('/demo/mail', secure=True, HTTP_HOST='candour.example')\n"
        "print(r.status_code, 'Page not found' in r.content.decode())"
    )
    result = _manage("shell", "-c", code, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-2:] == ["not routed", "404 True"]


def test_a_feedback_address_that_is_not_one_is_named():
    result = _manage("check", env={**PRODUCTION, "CANDOUR_FEEDBACK_EMAIL": "the team"})
    assert result.returncode != 0
    assert "CANDOUR_FEEDBACK_EMAIL must be an e-mail address" in result.stderr
