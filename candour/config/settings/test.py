"""Test settings: the same stack as production, made fast and self-contained."""

import os

from candour.config.settings.base import *  # noqa: F403
from candour.config.settings.base import BASE_DIR, DATABASES, INSTALLED_APPS

SECRET_KEY = "test-only-not-secret-" + "y" * 40
CANDOUR_DEMO_MODE = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Static files straight from the finders: no collectstatic step before the suite.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A test-only app with a model and a job handler for the outbox crash tests.
INSTALLED_APPS = [*INSTALLED_APPS, "candour.demo", "candour.testapp"]
# A file (not :memory:) so worker subprocesses in tests share the test database; one per
# pytest process so parallel runs do not collide.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")
    }
CANDOUR_REPORT_KEK = "dGVzdC1vbmx5LXJlcG9ydC1rZXktbm90LXNlY3JldCE="
CANDOUR_RECEIPT_PEPPER = "test-only-receipt-pepper"
CANDOUR_KEY_SECRET = "test-only-key-secret"  # noqa: S105
CANDOUR_AUDIT_KEY = "test-only-audit-key"
# Cheap receipt hashing in tests; production uses Argon2id at 64 MiB.
CANDOUR_RECEIPT_ARGON2_TIME_COST = 1
CANDOUR_RECEIPT_ARGON2_MEMORY_KIB = 1024
# Tests that count jobs run the worker; they schedule daily jobs explicitly when they mean to.
CANDOUR_SCHEDULE_DAILY_JOBS = False
CANDOUR_FLAGS_WEBHOOK_ALLOW_LOOPBACK = True  # the tests' webhook receivers are on loopback
# The per-client ceiling on filing reports (ADR 0014) is tested with its own settings;
# elsewhere every test's reports come from one client and must not meet it.
CANDOUR_REPORT_CLIENT_BURST_SECONDS = 1_000_000
CANDOUR_REPORT_CLIENT_SECONDS_PER_HOUR = 1_000_000
# Report references are random, so the default share of double coding (10%) would pick a
# random tenth of every test's reports and hide their coding from other analysts: tests
# that want double coding set the share themselves.
CANDOUR_DOUBLE_CODING_DEFAULT_SHARE = 0
