"""Every route is in this table, so a new route cannot ship without deciding who may use it.

For each route and each role the test makes a real request and checks the answer: public
pages answer everyone, staff pages send anonymous users to sign in, role pages refuse other
roles with 403, and the API answers problem+json 401 without a verified session.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from candour.accounts.models import Role
from candour.core.access import policy_of
from candour.core.checks import iter_patterns

pytestmark = pytest.mark.django_db

PUBLIC, PENDING, ANY_STAFF, ADMIN, AUDITOR, API = (
    "public",
    "pending",
    "staff",
    "admin",
    "auditor",
    "api",
)
EXPECTED = {
    "core:home": ANY_STAFF,
    "core:healthz": PUBLIC,
    "core:accessibility": PUBLIC,
    "core:privacy": PUBLIC,
    "accounts:sign_in": PUBLIC,
    "accounts:two_factor": PENDING,
    "accounts:sign_out": PENDING,
    "accounts:account": ANY_STAFF,
    "accounts:sign_out_everywhere": ANY_STAFF,
    "accounts:activate": PUBLIC,
    "accounts:activate_set_password": PUBLIC,
    "accounts:list_users": ADMIN,
    "accounts:invite_user": ADMIN,
    "accounts:show_user": ADMIN,
    "accounts:edit_user": ADMIN,
    "accounts:user_action": ADMIN,
    "audit:list_entries": AUDITOR,
}


def _route_names() -> dict[str, object]:
    names = {}
    for route, pattern in iter_patterns():
        callback = pattern.callback
        module = getattr(callback, "__module__", "")
        if route.startswith("api/"):
            names[f"api:{pattern.name}"] = callback
            continue
        namespace = {
            "candour.core.views": "core",
            "candour.accounts.views": "accounts",
            "candour.audit.views": "audit",
        }.get(module)
        names[f"{namespace}:{pattern.name}"] = callback
    return names


def test_every_route_is_in_the_table():
    names = _route_names()
    site_routes = {n for n in names if not n.startswith("api:")}
    assert site_routes == set(EXPECTED), "add new routes to EXPECTED with their access level"
    for name, callback in names.items():
        policy = policy_of(callback)
        assert policy is not None, name
        expected = API if name.startswith("api:") else EXPECTED[name]
        kind = {"public": PUBLIC, "pending_2fa": PENDING, "api": API}.get(policy.kind)
        if kind is None:
            kind = AUDITOR if policy.auditor else (ADMIN if policy.roles else ANY_STAFF)
        assert kind == expected, name
        if kind == ADMIN:
            assert policy.roles == frozenset({Role.ADMINISTRATOR}), name


def _url(name: str, bob) -> str:
    kwargs = {}
    if name in {"accounts:show_user", "accounts:edit_user"}:
        kwargs = {"reference": bob.reference}
    elif name == "accounts:user_action":
        kwargs = {"reference": bob.reference, "action": "deactivate"}
    elif name in {"accounts:activate", "accounts:activate_set_password"}:
        return ""
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_anonymous_users_reach_only_public_pages(client, bob, name):
    url = _url(name, bob)
    if not url:
        return
    response = client.get(url)
    if EXPECTED[name] == PUBLIC:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in")


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize(
    "name", sorted(n for n, level in EXPECTED.items() if level in (ADMIN, AUDITOR, ANY_STAFF))
)
def test_each_role_reaches_only_what_its_level_allows(signed_in, make_user, bob, role, name):
    user = make_user(role, is_auditor=False)
    url = _url(name, bob)
    method = "post" if name == "accounts:sign_out_everywhere" else "get"
    response = getattr(signed_in(user), method)(url)
    level = EXPECTED[name]
    allowed = level == ANY_STAFF or (level == ADMIN and role == Role.ADMINISTRATOR)
    assert (response.status_code != 403) == allowed, (role, name, response.status_code)


def test_api_routes_refuse_anonymous_with_problem_json(client):
    for name in _route_names():
        if not name.startswith("api:") or name in ("api:openapi-json", "api:api-root"):
            continue
        response = client.get(reverse(name))
        assert response.status_code == 401, name
        assert response["Content-Type"] == "application/problem+json"
