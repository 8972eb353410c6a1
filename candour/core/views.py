"""Service-wide pages: the start page or staff home, feedback, health check, error pages."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from candour.core import notices, selectors
from candour.core.access import public
from candour.core.middleware import too_large


@public
def home(request: HttpRequest) -> HttpResponse:
    """Signed-in staff see their home; anyone else, how to report (no account needed)."""
    user = request.user
    if user.is_authenticated and user.is_verified():
        return render(request, "core/home.html")
    links = selectors.list_reporting_links()
    return render(request, "core/start.html", {"reporting_links": links})


@public
def feedback(request: HttpRequest) -> HttpResponse:
    return render(
        request, "core/feedback.html", {"feedback_email": settings.CANDOUR_FEEDBACK_EMAIL}
    )


@public
def healthz(request: HttpRequest) -> JsonResponse:
    """Tell a load balancer whether this process can reach its database."""
    ok = selectors.database_answers()
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "database": "ok" if ok else "unavailable"},
        status=200 if ok else 503,
    )


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    context = {
        "operator": notices.operator(),
        "idle_timeout_minutes": settings.CANDOUR_IDLE_TIMEOUT_SECONDS // 60,
    }
    return render(request, "core/accessibility.html", context)


@public
def privacy(request: HttpRequest) -> HttpResponse:
    facts = notices.get_privacy_facts(user=request.user)
    return render(request, "core/privacy.html", {"facts": facts})


@public
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    return render(request, "errors/400.html", status=400)


@public
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


@public
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


@public
def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


@public
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form older than its session, or posted from elsewhere: explain, never the reason."""
    return render(request, "errors/csrf.html", status=403)
