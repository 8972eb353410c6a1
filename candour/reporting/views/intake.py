"""Views: intake (filled in by the journey that owns it)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
