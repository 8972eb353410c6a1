from django.apps import AppConfig


class DeidentifyConfig(AppConfig):
    """Registers the ``deidentify`` management command; the library itself needs no Django."""

    name = "candour.deidentify"
    label = "deidentify"
    verbose_name = "De-identification"
