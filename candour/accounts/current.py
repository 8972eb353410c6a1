from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from candour.accounts.models import User


def current_user(request: HttpRequest) -> User:
    """Return the signed-in user; the access policy has already required one."""
    user = getattr(request, "auth", None) or request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
