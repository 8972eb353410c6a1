"""RFC 9457 problem+json answers for the JSON API: every error has a type, title and status.

`install(api)` also makes the OpenAPI schema say so: every error response is documented as
application/problem+json, and every operation lists the errors any request can meet before
it reaches the operation (an unreadable request, a URL or headers over the server's limits,
missing credentials, a body over the size limit), so a client, or schemathesis, finds no
answer the schema does not describe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

CONTENT_TYPE = "application/problem+json"
# Where a parameter was (ninja's error location) is not part of its name.
_LOCATIONS: Final = frozenset({"body", "payload", "query", "path", "header", "cookie"})

# Errors any operation can answer, whatever it does (ASVS 16.5: every error in one format):
# a request the WSGI server cannot read (400), a request line or headers over its limits
# (414, 431; candour.config.gunicorn_conf), and a body over CANDOUR_MAX_REQUEST_BYTES (413).
EVERY_OPERATION: Final[dict[int, str]] = {
    400: "The request could not be read (malformed HTTP, JSON or header)",
    414: "The URL is longer than the server accepts",
    431: "The request's headers are too many or too large",
}
WITH_A_BODY: Final[dict[int, str]] = {413: "The body is larger than the server accepts"}
WITH_CREDENTIALS: Final[dict[int, str]] = {401: "No valid credentials were sent"}


class FieldError(Schema):
    field: str
    message: str


class ProblemOut(Schema):
    """RFC 9457 problem details (sent as application/problem+json), for OpenAPI responses."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = None


def problem(*, status: int, title: str, detail: str | None = None, **extra: Any) -> JsonResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JsonResponse(body, status=status, content_type=CONTENT_TYPE)


def _field_errors(exc: ValidationError) -> list[dict[str, str]]:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in _LOCATIONS]
        errors.append({"field": ".".join(location) or "body", "message": str(error.get("msg", ""))})
    return errors


def install(api: NinjaAPI) -> None:
    """Register problem+json handlers for the errors an API call can end in."""

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return problem(
            status=422,
            title="The request has errors",
            detail="Correct the fields listed in errors and send it again.",
            errors=_field_errors(exc),
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem(status=401, title="Sign in or send valid credentials")
        # RFC 9110 §15.5.2: a 401 names the scheme that would work.
        response["WWW-Authenticate"] = 'Bearer realm="candour"'
        return response

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(status=404, title="Not found")

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        response = problem(status=exc.status_code, title=str(exc.message))
        if isinstance(exc, Throttled) and exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    schema_of: Callable[..., Any] = api.get_openapi_schema

    def documented_schema(**kwargs: Any) -> Any:
        return document(schema_of(**kwargs))

    api.get_openapi_schema = documented_schema  # type: ignore[method-assign]


def document(schema: Any) -> Any:
    """Describe every error response as problem+json, and add the errors every operation
    can answer (`EVERY_OPERATION`, and 401 and 413 where they apply) to each."""
    reference = {"$ref": "#/components/schemas/ProblemOut"}
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ProblemOut" not in components:
        problem_schema = ProblemOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(problem_schema.pop("$defs", {}))
        components["ProblemOut"] = problem_schema
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            # Ninja keys responses by int; JSON keys are strings. One key per status, so a
            # status ninja documents is not listed twice once serialised.
            responses = {str(status): r for status, r in operation.get("responses", {}).items()}
            operation["responses"] = responses
            extra = dict(EVERY_OPERATION)
            if "requestBody" in operation:
                extra.update(WITH_A_BODY)
            if operation.get("security"):
                extra.update(WITH_CREDENTIALS)
            for status, description in extra.items():
                responses.setdefault(str(status), {"description": description})
            for key, response in responses.items():
                if int(key) >= 400:
                    response["content"] = {CONTENT_TYPE: {"schema": reference}}
    return schema
