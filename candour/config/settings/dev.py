"""Local development (``make dev``: Django's debug server) on the embedded SQLite database
with fictitious demo data. ``make run`` uses demo.py, which builds on this with DEBUG off."""

from candour.config.settings.base import *  # noqa: F403
from candour.config.settings.base import INSTALLED_APPS, STORAGES

DEBUG = True
CANDOUR_DEMO_MODE = True
SECRET_KEY = "dev-only-not-secret-" + "x" * 40
# Plain HTTP on 127.0.0.1.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
INSTALLED_APPS = [*INSTALLED_APPS, "candour.demo"]
# Fixed, public, dev-only keys: demo data is fictitious.
CANDOUR_REPORT_KEK = "ZGV2LW9ubHktcmVwb3J0LWtleS1ub3Qtc2VjcmV0ISE="
CANDOUR_RECEIPT_PEPPER = "dev-only-receipt-pepper"
CANDOUR_KEY_SECRET = "dev-only-key-secret-not-secret"  # noqa: S105
CANDOUR_AUDIT_KEY = "dev-only-audit-key-not-secret"
CANDOUR_FLAGS_ACCEPT_TEST_NUMBERS = True  # demo children have never-issued 999 numbers
CANDOUR_FLAGS_WEBHOOK_ALLOW_LOOPBACK = True  # a receiver on this machine, for trying it
