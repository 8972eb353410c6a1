"""Is this process able to serve? Checked at start-up (refusing to start, naming the setting)
and by ``/healthz`` (503 when not), so a misconfigured deployment never looks healthy while
every page fails.

- Every key candour needs is present and well-formed: the key-encryption key of reports
  (base64 of 32 bytes) and the roots of derived keys (candour.core.keys).
- Static files can be served: with a manifest storage (production), ``collectstatic`` has run
  and the GOV.UK stylesheet every page links is in the manifest.
"""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

from candour.core import keys

# Every page links this; if it cannot be resolved, no page can be rendered.
PAGE_ASSET = "govuk/govuk-frontend.min.css"
# Long enough to carry 256 bits of randomness even when written as hex.
MIN_SECRET_CHARACTERS = 32


def key_problems(*, production: bool) -> list[str]:
    """What is wrong with the keys, one sentence per setting ("" when all is well)."""
    problems = []
    raw = settings.CANDOUR_REPORT_KEK or ""
    try:
        decoded = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) != 32:
        problems.append(
            "CANDOUR_REPORT_KEK must be base64 of exactly 32 random bytes, e.g. the output of "
            'python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"'
        )
    for name in sorted(set(keys.ROOT_SETTINGS.values())):
        value = str(getattr(settings, name, "") or "")
        if not value:
            problems.append(f"{name} is not set")
        elif production and len(value) < MIN_SECRET_CHARACTERS:
            problems.append(
                f"{name} is too short: at least {MIN_SECRET_CHARACTERS} random characters"
            )
    return problems


def static_problem() -> str:
    """Why pages cannot link their assets, or ""."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return ""  # assets come straight from the finders (dev, test, demo)
    try:
        staticfiles_storage.url(PAGE_ASSET)
    except ValueError:
        return (
            "Static files have not been collected (no manifest entry for "
            f"{PAGE_ASSET}): run 'manage.py collectstatic --noinput' before starting"
        )
    return ""
