"""Service-wide pages: the start page or staff home, feedback, health check, error pages."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from candour.core import notices, readiness, selectors
from candour.core.access import public
from candour.core.middleware import too_large

PLAIN_500 = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
    "<title>Sorry, there is a problem with the service</title></head><body>"
    "<h1>Sorry, there is a problem with the service</h1><p>Try again later. Anything you had "
    "not yet sent has not been saved.</p><p>If a child is at risk now, call your local "
    "authority's children's services or, out of hours, the emergency duty team. In an "
    "emergency call 999.</p></body></html>"
)


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
    """Tell a load balancer whether this process can serve: its database answers and its
    pages can link their assets (a missing static manifest fails every page, not this one)."""
    database = selectors.database_answers()
    pages = not readiness.static_problem()
    ok = database and pages
    return JsonResponse(
        {
            "status": "ok" if ok else "unavailable",
            "database": "ok" if database else "unavailable",
            "pages": "ok" if pages else "unavailable",
        },
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
    """The GOV.UK 500 page; if even it cannot be drawn (its assets are what failed), a plain
    one, so the error is answered by the service and not by the WSGI server."""
    try:
        return render(request, "errors/500.html", status=500)
    except Exception:  # the last resort must not raise
        return HttpResponse(PLAIN_500, status=500, content_type="text/html; charset=utf-8")


@public
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form older than its session, or posted from elsewhere: explain, never the reason."""
    return render(request, "errors/csrf.html", status=403)
