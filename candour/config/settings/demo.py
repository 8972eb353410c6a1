"""The demo as production runs it (``make run``): DEBUG off, gunicorn, the outbox worker with
its daily jobs, and real SMTP to a local mail sink whose messages ``/demo/mail`` lists.

Fictitious data only: the fixed, public keys of dev.py, plain HTTP on 127.0.0.1.
"""

from candour.config.settings.dev import *  # noqa: F403
from candour.config.settings.dev import CANDOUR_DEMO_SMTP_PORT, STORAGES

DEBUG = False  # GOV.UK 404 and 500 pages, no debug page listing every URL
CANDOUR_DEMO_MODE = True
# Static files straight from the finders (GOV.UK Frontend in node_modules), so the demo needs
# no collectstatic step; the storage adds no hashed names, which only collectstatic makes.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
# Nothing is collected, and WhiteNoise warns of a STATIC_ROOT that does not exist.
STATIC_ROOT = None  # type: ignore[assignment]
# Real SMTP, as in production, to the sink `manage.py start` runs beside the site.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = CANDOUR_DEMO_SMTP_PORT
EMAIL_HOST_USER = ""
EMAIL_HOST_PASSWORD = ""  # the local sink takes no password
EMAIL_USE_TLS = False
# The worker enqueues the daily jobs (flag retention) itself, as in production.
CANDOUR_SCHEDULE_DAILY_JOBS = True
