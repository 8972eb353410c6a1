from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Fictitious demo data. Installed by the dev and test settings only, never production."""

    name = "candour.demo"
    label = "demo"
