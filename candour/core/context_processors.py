from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from candour.core.navigation import navigation_for


def service(request: HttpRequest) -> dict[str, Any]:
    """Service name, phase and the navigation the signed-in user may see."""
    return {
        "service_name": settings.SERVICE_NAME,
        "demo_mode": settings.CANDOUR_DEMO_MODE,
        "navigation": navigation_for(request),
    }
