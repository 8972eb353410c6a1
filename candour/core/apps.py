from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "candour.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from candour.core import checks  # noqa: F401  (registers system checks)
