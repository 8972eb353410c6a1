"""Service navigation: only links the current user's role can open."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import resolve, reverse

from candour.core.access import policy_of


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    active: bool


_ITEMS = (
    ("Home", "core:home"),
    ("Dashboard", "learning:dashboard"),
    ("Intake queue", "reporting:intake_queue"),
    ("Released reports", "reporting:analysis_list"),
    ("Search reports", "learning:search"),
    ("Saved searches", "learning:saved"),
    ("Error traps", "learning:traps"),
    ("Double coding", "learning:double_coding_list"),
    ("Coding agreement", "learning:double_coding_agreement"),
    ("Look up a child", "flags:lookup"),
    ("Flag uploads", "flags:uploads"),
    ("Flag notifications", "flags:notifications"),
    ("Lookup alerts", "flags:alerts"),
    ("Connected systems", "flags:clients"),
    ("Users", "accounts:list_users"),
    ("National learning", "learning:sharing"),
    ("Double coding", "learning:double_coding_settings"),
    ("Audit log", "audit:list_entries"),
)


def navigation_for(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return []
    items = []
    for text, name in _ITEMS:
        href = reverse(name)
        policy = policy_of(resolve(href).func)
        if policy is not None and policy.allows(role=user.role, is_auditor=user.is_auditor):
            items.append(
                NavItem(
                    text,
                    href,
                    request.path == href or (href != "/" and request.path.startswith(href)),
                )
            )
    return items
