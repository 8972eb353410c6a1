"""Request-wide security: body size limit, response headers, default-deny access policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
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
        elif request.path.startswith("/fhir/") and "fhir+json" not in content_type:
            from candour.flags.fhir import outcome_for_status

            replacement = outcome_for_status(response.status_code)
        else:
            return response
        if response.has_header("Allow"):
            replacement["Allow"] = response["Allow"]
        return replacement
