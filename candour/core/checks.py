"""System checks: every routed view declares who may call it (deny by default, checked)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.checks import Error, register
from django.urls import URLPattern, URLResolver, get_resolver

from candour.core.access import policy_of


def iter_patterns(
    patterns: list[Any] | None = None, prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    """Yield (route, pattern) for every URL pattern in the project."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from iter_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


@register()
def check_views_declare_access(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    for route, pattern in iter_patterns():
        if policy_of(pattern.callback) is None:
            errors.append(
                Error(
                    f"The view for '{route}' declares no access policy, so it always answers 404.",
                    hint="Decorate it with candour.core.access.public, staff(...) or auditor.",
                    id="candour.E001",
                )
            )
    return errors


@register(deploy=True)
def check_keys(app_configs: Any, **kwargs: Any) -> list[Error]:
    """``check --deploy`` fails on a key start-up would refuse. Static files are checked at
    start-up and by ``/healthz`` only: a build runs this check before ``collectstatic``."""
    from candour.core import readiness

    return [
        Error(problem, id="candour.E002") for problem in readiness.key_problems(production=True)
    ]
