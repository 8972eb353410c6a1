from django.apps import AppConfig


class FlagsConfig(AppConfig):
    name = "candour.flags"
    label = "flags"
    verbose_name = "Child protection flags"
