"""Production: every secret from the environment (or <NAME>_FILE), HTTPS only."""

from django.core.exceptions import ImproperlyConfigured

from candour.config.env import env_bool, env_int, env_list, env_str
from candour.config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
# Rotation: the new key in DJANGO_SECRET_KEY, the old one here until sessions have ended.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])
CANDOUR_KEY_SECRET = env_str("CANDOUR_KEY_SECRET")
CANDOUR_AUDIT_KEY = env_str("CANDOUR_AUDIT_KEY")
CANDOUR_REPORT_KEK = env_str("CANDOUR_REPORT_KEK")
CANDOUR_RECEIPT_PEPPER = env_str("CANDOUR_RECEIPT_PEPPER")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. Set it to the host names the service answers on."
    )
CANDOUR_DEMO_MODE = env_bool("CANDOUR_DEMO_MODE", False)
if CANDOUR_DEMO_MODE:
    raise ImproperlyConfigured(
        "CANDOUR_DEMO_MODE is on. It shows demo two-factor codes and must never run in production."
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if env_bool("CANDOUR_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
