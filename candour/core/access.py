"""Access policies declared on every view; a view without one is refused (deny by default).

``AccessPolicyMiddleware`` reads the policy before the view runs. Object-level checks (same
organisation, else 404) stay in selectors; these policies only decide who may call a view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

ATTRIBUTE = "candour_access"


@dataclass(frozen=True)
class Policy:
    """Who may call a view: anyone, a half-signed-in user (before 2FA), or verified users."""

    kind: str  # "public" | "pending_2fa" | "staff" | "api"
    roles: frozenset[str] = frozenset()
    auditor: bool = False

    def allows(self, *, role: str, is_auditor: bool) -> bool:
        if self.kind != "staff":
            return True
        if self.auditor:
            return is_auditor
        return not self.roles or role in self.roles


def _mark(policy: Policy) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        setattr(view, ATTRIBUTE, policy)
        return view

    return decorator


def public(view: F) -> F:
    """Anyone, signed in or not (sign-in page, health check, error pages)."""
    return _mark(Policy("public"))(view)


def pending_two_factor(view: F) -> F:
    """Users who have passed the password step but not yet two-factor authentication."""
    return _mark(Policy("pending_2fa"))(view)


def staff(*roles: str) -> Callable[[F], F]:
    """Signed-in, two-factor-verified users; with roles, only users holding one of them."""
    return _mark(Policy("staff", frozenset(roles)))


def auditor(view: F) -> F:
    """Verified users who hold the auditor permission, whatever their role."""
    return _mark(Policy("staff", auditor=True))(view)


def machine(view: F) -> F:
    """Systems calling with a key (the FHIR API): the view authenticates every call itself."""
    return _mark(Policy("api"))(view)


def policy_of(view: Callable[..., Any]) -> Policy | None:
    return getattr(view, ATTRIBUTE, None)
