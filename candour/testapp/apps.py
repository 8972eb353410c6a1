from django.apps import AppConfig


class TestappConfig(AppConfig):
    """Models and job handlers used only by the test suite (installed by test settings)."""

    name = "candour.testapp"
    label = "testapp"
