import sys

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured

PRODUCTION_SETTINGS = "candour.config.settings.production"


class DemoConfig(AppConfig):
    """Fictitious demo data and the demo mailbox. Installed by the dev, demo and test
    settings only; production settings refuse to start with it."""

    name = "candour.demo"
    label = "demo"

    def ready(self) -> None:
        # Loaded while the settings were (directly, or by a module that builds on them):
        # these are production settings, where a public mailbox and demo data must not exist.
        if PRODUCTION_SETTINGS in sys.modules:
            raise ImproperlyConfigured(
                "candour.demo is in INSTALLED_APPS, but these are production settings "
                f"({PRODUCTION_SETTINGS}). The demo app serves a public mailbox and fictitious "
                "data; remove it from INSTALLED_APPS."
            )
