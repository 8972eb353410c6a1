"""Request-wide handling: body size limit, response headers, default-deny access policy, and
HTTP methods (HEAD wherever GET works; a GOV.UK page or redirect instead of a bare 405)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control

from candour.core.access import policy_of

GetResponse = Callable[[HttpRequest], HttpResponse]


class RequestSizeLimitMiddleware:
    """Refuse a declared-oversized body with 413 before anything reads it."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.CANDOUR_MAX_REQUEST_BYTES:
            return too_large(request)
        return self.get_response(request)


def too_large(request: HttpRequest) -> HttpResponse:
    limit_kb = settings.CANDOUR_MAX_REQUEST_BYTES // 1024
    return render(request, "errors/413.html", {"limit_kb": limit_kb}, status=413)


class ResponseHeadersMiddleware:
    """No page is ever cached (shared computers, back button); add Permissions-Policy."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True, max_age=0)
        response.headers.setdefault("Permissions-Policy", settings.CANDOUR_PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


class AccessPolicyMiddleware:
    """Apply each view's declared policy; a view that declares none answers 404."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        policy = policy_of(view_func)
        if policy is None:
            return render(request, "errors/404.html", status=404)
        if policy.kind in ("public", "api"):
            return None  # the API authenticates each call itself and answers problem+json
        user = request.user
        if not user.is_authenticated:
            return _to_sign_in(request)
        if policy.kind == "pending_2fa":
            return None
        if not user.is_verified():
            return HttpResponseRedirect(reverse("accounts:two_factor"))
        if not policy.allows(role=user.role, is_auditor=user.is_auditor):
            return render(request, "errors/403.html", status=403)
        return None


def _to_sign_in(request: HttpRequest) -> HttpResponse:
    target = reverse("accounts:sign_in")
    if request.method == "GET":
        target += "?next=" + quote(request.get_full_path())
    return HttpResponseRedirect(target)


class ApiProblemMiddleware:
    """Every error under /api/ is problem+json, and under /fhir/ a FHIR OperationOutcome, even
    those Django or ninja answer in HTML (unknown path, wrong method, request too large)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400:
            return response
        content_type = response.get("Content-Type", "")
        replacement: HttpResponse
        if request.path.startswith("/api/") and "json" not in content_type:
            from http import HTTPStatus

            from candour.core.problems import problem

            title = HTTPStatus(response.status_code).phrase
            replacement = problem(status=response.status_code, title=title)
        elif request.path.startswith("/fhir/") or request.path == "/fhir":
            from candour.flags.fhir_http import is_fhir_answer, outcome_for_status

            if is_fhir_answer(content_type):
                return response
            replacement = outcome_for_status(response.status_code)
        else:
            return response
        for name in _KEPT_ERROR_HEADERS:
            if response.has_header(name):
                replacement[name] = response[name]
        return replacement


# What a client needs from an error whatever its format: what else to try, when, and how.
_KEPT_ERROR_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


# Interfaces that answer errors in their own format (problem+json, FHIR OperationOutcome).
MACHINE_PREFIXES = ("/api/", "/fhir/")


class HeadAsGetMiddleware:
    """Answer HEAD wherever GET works, with GET's status and headers and no body.

    Many views accept only GET and POST (``require_http_methods``), which refuses HEAD with
    405; link checkers and monitors send HEAD. Running the request as GET keeps one code path.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = request.META["REQUEST_METHOD"] = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = request.META["REQUEST_METHOD"] = "HEAD"
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = []
        else:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response


# A form's address opened directly (a restored tab, a bookmark) goes to the page the form is
# on, where there is an obvious one: (that page, the URL arguments it takes).
GET_REDIRECTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "reporting:inbox_reply": ("reporting:inbox", ()),
    "reporting:inbox_leave": ("reporting:inbox", ()),
    "reporting:intake_release": ("reporting:intake_report", ("reference",)),
    "flags:acknowledge": ("flags:notification", ("reference",)),
    "flags:review_alert": ("flags:alerts", ()),
    "flags:revoke_client": ("flags:clients", ()),
    "accounts:sign_out_everywhere": ("accounts:account", ()),
}


class MethodNotAllowedMiddleware:
    """Replace Django's empty 405 with the form's page (GET) or a GOV.UK page that explains.

    Innermost, after the access policy: a user who may not use the address is still refused
    (sign-in, 403 or 404) before this runs. The JSON API and FHIR keep their own 405 bodies.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or request.path.startswith(MACHINE_PREFIXES):
            return response
        target = _form_page(request) if request.method == "GET" else None
        if target is not None:
            return HttpResponseRedirect(target)
        page = render(request, "errors/405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page


def _form_page(request: HttpRequest) -> str | None:
    match = request.resolver_match
    if match is None or match.view_name not in GET_REDIRECTS:
        return None
    name, arguments = GET_REDIRECTS[match.view_name]
    try:
        return reverse(name, kwargs={key: match.kwargs[key] for key in arguments})
    except (KeyError, NoReverseMatch):
        return None  # a renamed route: the explaining page is still right
