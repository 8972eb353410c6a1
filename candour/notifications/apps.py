from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "candour.notifications"
    label = "notifications"
    verbose_name = "Notifications and background jobs"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app registers its job handlers in <app>/jobs.py.
        autodiscover_modules("jobs")
