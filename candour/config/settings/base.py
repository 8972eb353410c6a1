"""Settings shared by every environment. Secure by default: dev.py opts out, never the reverse."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from candour.config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = BASE_DIR / "candour"

DEBUG = False
# Dev-only conveniences (2FA code hint on the sign-in page, demo data). production.py refuses it.
CANDOUR_DEMO_MODE = False
SERVICE_NAME = "candour"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "crispy_forms",
    "crispy_forms_gds",
    "csp",
    "candour.core",
    "candour.audit",
    "candour.accounts",
    "candour.notifications",
    "candour.deidentify",
    "candour.reporting",
    "candour.flags",
    "candour.learning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "candour.core.middleware.HeadAsGetMiddleware",
    "candour.core.middleware.ApiProblemMiddleware",
    "candour.core.middleware.RequestSizeLimitMiddleware",
    "candour.core.middleware.ResponseHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "candour.accounts.middleware.IdleTimeoutMiddleware",
    "candour.core.middleware.AccessPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Innermost, so the page it renders passes through every header middleware above.
    "candour.core.middleware.MethodNotAllowedMiddleware",
]

ROOT_URLCONF = "candour.config.urls"
WSGI_APPLICATION = "candour.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Searched before the apps: our fixes to third-party templates (crispy-forms-gds's
        # error summary links radios to an id that does not exist).
        "DIRS": [PACKAGE_DIR / "core" / "template_overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "candour.core.context_processors.service",
            ],
        },
    },
]

# DATABASE_URL unset -> the embedded SQLite file; set -> usually PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections persist on SQLite too: opening one runs the PRAGMAs below, which cost a
    # gunicorn worker about 1 ms a request (benchmarks/flags.py).
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so
        # a read transaction never has to upgrade (and fail with "database is locked").
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Random reads cost little more than sequential ones on solid-state storage; with the
    # default (4) PostgreSQL walks every authority's reports for one authority's search
    # instead of that authority's index (ADR 0019). PostgreSQL's manual suggests 1.1 there.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault(
        "options", f"-c random_page_cost={env_str('DATABASE_RANDOM_PAGE_COST', '1.1')}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["candour.accounts.backends.EmailBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:home"

# Sessions: a browser-session cookie with an absolute cap from sign-in (SESSION_COOKIE_AGE,
# kept in the session and in its row's expiry by candour.accounts.sessions); the caps are
# enforced by IdleTimeoutMiddleware so the user can be told why they were signed out.
SESSION_ENGINE = "candour.accounts.sessions"
SESSION_COOKIE_AGE = env_int("CANDOUR_SESSION_MAX_AGE_SECONDS", 8 * 3600, minimum=60)
CANDOUR_IDLE_TIMEOUT_SECONDS = env_int("CANDOUR_IDLE_TIMEOUT_SECONDS", 30 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "candour_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "candour_csrftoken"
# A browser-session cookie, not Django's one-year default: a reporter's shared computer
# keeps no trace of the reporting pages after the browser closes.
CSRF_COOKIE_AGE = None
CSRF_FAILURE_VIEW = "candour.core.views.csrf_failure"

# Sign-in throttling: see the block "Lock-outs nobody else can cause" at the end.
OTP_TOTP_ISSUER = "candour"

# Request limits: refuse large bodies before reading them (413).
CANDOUR_MAX_REQUEST_BYTES = env_int("CANDOUR_MAX_REQUEST_BYTES", 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = CANDOUR_MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = CANDOUR_MAX_REQUEST_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
# Not "no-referrer": with it browsers send "Origin: null" on every form POST, which Django's
# CSRF origin check refuses. "same-origin" still sends nothing to any other site.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CANDOUR_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Static files: the real GOV.UK Frontend from npm, served by WhiteNoise. The precompiled
# CSS looks for fonts and images under /assets/, so that is the static URL.
STATIC_URL = "/assets/"
STATIC_ROOT = BASE_DIR / "var" / "static"
GOVUK_FRONTEND_DIST = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
STATICFILES_DIRS = [
    GOVUK_FRONTEND_DIST / "assets",
    ("govuk", GOVUK_FRONTEND_DIST),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_GDS_FRONTEND_VERSION = "5.14.0"
# Widgets crispy-forms-gds does not map to a GOV.UK class by itself.
CRISPY_CLASS_CONVERTERS = {
    "dateinput": "govuk-input govuk-input--width-10",
    "numberinput": "govuk-input govuk-input--width-5",
    "urlinput": "govuk-input",
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# E-mail goes out only through the outbox worker.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "candour <no-reply@candour.invalid>")
CANDOUR_BASE_URL = env_str("CANDOUR_BASE_URL", "http://127.0.0.1:8000")
# The phase banner's feedback link opens a page that gives this address.
CANDOUR_FEEDBACK_EMAIL = env_str("CANDOUR_FEEDBACK_EMAIL", "feedback@candour.example")
if "@" not in CANDOUR_FEEDBACK_EMAIL:
    raise ImproperlyConfigured(
        f"CANDOUR_FEEDBACK_EMAIL must be an e-mail address, not {CANDOUR_FEEDBACK_EMAIL!r}."
    )
# The demo's local mail sink (candour.demo, started by `manage.py start`): port and Maildir.
CANDOUR_DEMO_SMTP_PORT = env_int("CANDOUR_DEMO_SMTP_PORT", 8025, minimum=1)
CANDOUR_DEMO_MAIL_DIR = Path(
    env_str("CANDOUR_DEMO_MAIL_DIR", str(BASE_DIR / "var" / "demo-mail"))
).resolve()

# The longest text (characters) the de-identification engine accepts in one go.
CANDOUR_DEIDENTIFY_MAX_CHARS = env_int("CANDOUR_DEIDENTIFY_MAX_CHARS", 100_000, minimum=1000)

# Confidential reporting. The key-encryption key wraps every report's data keys; it must
# live outside the database (environment or <NAME>_FILE). Production requires its own.
CANDOUR_REPORT_KEK = env_str("CANDOUR_REPORT_KEK", "")
CANDOUR_RECEIPT_PEPPER = env_str("CANDOUR_RECEIPT_PEPPER", "")
CANDOUR_RECEIPT_ARGON2_TIME_COST = env_int("CANDOUR_RECEIPT_ARGON2_TIME_COST", 3, minimum=1)
CANDOUR_RECEIPT_ARGON2_MEMORY_KIB = env_int("CANDOUR_RECEIPT_ARGON2_MEMORY_KIB", 65536, minimum=8)
CANDOUR_REPORT_FIELD_MAX_CHARS = env_int("CANDOUR_REPORT_FIELD_MAX_CHARS", 20_000, minimum=100)

# Roots of candour's own keys (candour.core.keys, ADR 0013); none comes from SECRET_KEY, so
# rotating SECRET_KEY (with DJANGO_SECRET_KEY_FALLBACKS) leaves API keys, FHIR ids, receipts
# and the audit chain intact. Production requires each; start-up refuses without them.
CANDOUR_KEY_SECRET = env_str("CANDOUR_KEY_SECRET", "")
CANDOUR_AUDIT_KEY = env_str("CANDOUR_AUDIT_KEY", "")

# Child protection flags (issue 5): lookup limits per person (reference: 60 an hour, 200 a day)
# and per system (default 5 a second, the NHS API platform's default), and the hourly number of
# lookups finding nothing that raises an enumeration alert.
CANDOUR_FLAGS_PERSON_HOURLY_LIMIT = env_int("CANDOUR_FLAGS_PERSON_HOURLY_LIMIT", 60, minimum=1)
CANDOUR_FLAGS_PERSON_DAILY_LIMIT = env_int("CANDOUR_FLAGS_PERSON_DAILY_LIMIT", 200, minimum=1)
CANDOUR_FLAGS_SYSTEM_HOURLY_LIMIT = env_int("CANDOUR_FLAGS_SYSTEM_HOURLY_LIMIT", 18_000, minimum=1)
CANDOUR_FLAGS_SYSTEM_DAILY_LIMIT = env_int("CANDOUR_FLAGS_SYSTEM_DAILY_LIMIT", 200_000, minimum=1)
CANDOUR_FLAGS_PERSON_MISS_ALERT_PER_HOUR = env_int(
    "CANDOUR_FLAGS_PERSON_MISS_ALERT_PER_HOUR", 20, minimum=1
)
CANDOUR_FLAGS_SYSTEM_MISS_ALERT_PER_HOUR = env_int(
    "CANDOUR_FLAGS_SYSTEM_MISS_ALERT_PER_HOUR", 2_000, minimum=1
)
# NHS numbers 900 000 0000-999 999 9999 are never issued; accept them only for demonstrations
# and integration tests (dev settings and the demo turn this on).
CANDOUR_FLAGS_ACCEPT_TEST_NUMBERS = env_bool("CANDOUR_FLAGS_ACCEPT_TEST_NUMBERS", False)
# How long a worker trusts a system key it has checked; a revoked key stops working in the
# revoking process at once and in every other within this many seconds (0: check every call).
CANDOUR_FLAGS_KEY_CACHE_SECONDS = env_int("CANDOUR_FLAGS_KEY_CACHE_SECONDS", 5, minimum=0)
# Webhooks may go to this machine only in tests and development (SSRF: candour.flags.webhooks).
CANDOUR_FLAGS_WEBHOOK_ALLOW_LOOPBACK = env_bool("CANDOUR_FLAGS_WEBHOOK_ALLOW_LOOPBACK", False)
CANDOUR_FLAGS_WEBHOOK_TIMEOUT_SECONDS = env_int(
    "CANDOUR_FLAGS_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1
)

# Outbox worker.
# The long-running worker enqueues each daily job (flag retention) once a day itself.
CANDOUR_SCHEDULE_DAILY_JOBS = env_bool("CANDOUR_SCHEDULE_DAILY_JOBS", True)
CANDOUR_JOB_MAX_ATTEMPTS = env_int("CANDOUR_JOB_MAX_ATTEMPTS", 8, minimum=1)
CANDOUR_JOB_LEASE_SECONDS = env_int("CANDOUR_JOB_LEASE_SECONDS", 60, minimum=1)
CANDOUR_JOB_BACKOFF_BASE_SECONDS = env_int("CANDOUR_JOB_BACKOFF_BASE_SECONDS", 10, minimum=1)

# Structured logs that carry references only: no IP, user agent, body or exception message.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"references_only": {"()": "candour.core.logging.ReferencesOnlyFilter"}},
    "formatters": {"json": {"()": "candour.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["references_only"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.security.DisallowedHost": {"level": "ERROR"},
        # Presidio logs recogniser housekeeping at INFO; nothing of it is needed.
        "presidio-analyzer": {"level": "WARNING"},
        "presidio-anonymizer": {"level": "WARNING"},
    },
}

# Privacy notice and accessibility statement: who runs this deployment (a processor; each
# local authority or NHS trust is the controller of its own users' data, reports and flags)
# and where to write. Blank addresses send people to their own organisation instead.
CANDOUR_OPERATOR_NAME = env_str("CANDOUR_OPERATOR_NAME", "the organisation that hosts this service")
CANDOUR_OPERATOR_EMAIL = env_str("CANDOUR_OPERATOR_EMAIL", "")
CANDOUR_ACCESSIBILITY_EMAIL = env_str("CANDOUR_ACCESSIBILITY_EMAIL", "")

# Lock-outs nobody else can cause (issue 10, ADR 0016). Clients are counted in memory by
# digests under short-lived random keys; no address is stored anywhere.
# Reverse proxies in front of the app that each append to X-Forwarded-For (0: none, clients
# connect to gunicorn directly). Behind a proxy this must be set, or every request looks as
# if it came from the proxy and one attacker would slow everyone.
CANDOUR_TRUSTED_PROXY_HOPS = env_int("CANDOUR_TRUSTED_PROXY_HOPS", 0)
# Sign-in: a client may get an address's password (or code) wrong this many times, then waits
# 2 s, 4 s, 8 s ... up to the maximum before each further try; other clients are not slowed.
CANDOUR_SIGN_IN_CLIENT_FREE_FAILURES = env_int("CANDOUR_SIGN_IN_CLIENT_FREE_FAILURES", 3, minimum=1)
CANDOUR_SIGN_IN_CLIENT_MAX_DELAY_SECONDS = env_int(
    "CANDOUR_SIGN_IN_CLIENT_MAX_DELAY_SECONDS", 15 * 60, minimum=1
)
# After this many failures for an address from anywhere, each within the memory of the one
# before, signing in to it needs the security code with the password (a step-up, never a
# lock) for CANDOUR_SIGN_IN_STEP_UP_SECONDS, and the user and their administrators are told.
CANDOUR_SIGN_IN_STEP_UP_AFTER = env_int("CANDOUR_SIGN_IN_STEP_UP_AFTER", 5, minimum=1)
CANDOUR_SIGN_IN_FAILURE_MEMORY_SECONDS = env_int(
    "CANDOUR_SIGN_IN_FAILURE_MEMORY_SECONDS", 15 * 60, minimum=1
)
CANDOUR_SIGN_IN_STEP_UP_SECONDS = env_int("CANDOUR_SIGN_IN_STEP_UP_SECONDS", 24 * 3600, minimum=1)
# Receipts: a client may enter this many wrong receipts, then waits 2 s, 4 s ... up to the
# maximum before each further one. Past the alert rate (wrong receipts a minute, all clients,
# one worker process) the administrators of the programmes are told, once an hour.
CANDOUR_RECEIPT_CLIENT_FREE_FAILURES = env_int("CANDOUR_RECEIPT_CLIENT_FREE_FAILURES", 5, minimum=1)
CANDOUR_RECEIPT_CLIENT_MAX_DELAY_SECONDS = env_int(
    "CANDOUR_RECEIPT_CLIENT_MAX_DELAY_SECONDS", 15 * 60, minimum=1
)
CANDOUR_RECEIPT_ALERT_FAILURES_PER_MINUTE = env_int(
    "CANDOUR_RECEIPT_ALERT_FAILURES_PER_MINUTE", 100, minimum=1
)

# Per cent of released reports coded a second time, blind, where an authority's
# administrator has not chosen (issue 11).
CANDOUR_DOUBLE_CODING_DEFAULT_SHARE = env_int("CANDOUR_DOUBLE_CODING_DEFAULT_SHARE", 10)

# De-identification under load, and the ceiling on filing reports (issue 10, ADR 0014).
# Seconds the automatic draft of one report may take; an answer it has not finished by then
# is left for the intake officer to de-identify by hand (the report is filed all the same).
# Keep it well under gunicorn's worker timeout (30 s): one answer already started may run
# on for a few seconds after it.
CANDOUR_DEIDENTIFY_BUDGET_SECONDS = env_int("CANDOUR_DEIDENTIFY_BUDGET_SECONDS", 8, minimum=1)
# Each client (never stored: candour.core.ceilings) may use this many seconds of a worker's
# time filing reports at once, and regains this many an hour; a report costs what it took
# (at least 1 s). Per worker process, so a client's real ceiling is W times these.
CANDOUR_REPORT_CLIENT_BURST_SECONDS = env_int("CANDOUR_REPORT_CLIENT_BURST_SECONDS", 20, minimum=1)
CANDOUR_REPORT_CLIENT_SECONDS_PER_HOUR = env_int(
    "CANDOUR_REPORT_CLIENT_SECONDS_PER_HOUR", 120, minimum=1
)
# What one report can cost at most: the budget, plus an answer already started and sealing.
CANDOUR_REPORT_MAX_SECONDS = CANDOUR_DEIDENTIFY_BUDGET_SECONDS + 4
if CANDOUR_REPORT_CLIENT_BURST_SECONDS < CANDOUR_REPORT_MAX_SECONDS:
    raise ImproperlyConfigured(
        f"CANDOUR_REPORT_CLIENT_BURST_SECONDS must be at least {CANDOUR_REPORT_MAX_SECONDS} "
        "(CANDOUR_DEIDENTIFY_BUDGET_SECONDS + 4), or nobody could file a report."
    )
