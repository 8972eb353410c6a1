"""Every route is in this table, so a new route cannot ship without deciding who may use it.

For each route and each role the test makes a real request and checks the answer: public
pages answer everyone, staff pages send anonymous users to sign in, role pages refuse other
roles with 403, and the API answers problem+json without a verified session.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from candour.accounts.models import Role
from candour.core.access import policy_of
from candour.core.checks import iter_patterns
from candour.reporting.models import Programme

pytestmark = pytest.mark.django_db

PUBLIC, PENDING, ANY_STAFF, AUDITOR, API = "public", "pending", "staff", "auditor", "api"
ADMIN = frozenset({Role.ADMINISTRATOR})
INTAKE = frozenset({Role.INTAKE_OFFICER})
ANALYST = frozenset({Role.ANALYST})
FLAG_MANAGER = frozenset({Role.FLAG_MANAGER})
HEALTH = frozenset({Role.HEALTH_UNSCHEDULED, Role.HEALTH_SCHEDULED})
LEADER = frozenset({Role.LEADER})

EXPECTED: dict[str, object] = {
    # The start page for everyone; signed-in staff see their home there.
    "core:home": PUBLIC,
    "core:feedback": PUBLIC,
    "core:healthz": PUBLIC,
    "core:accessibility": PUBLIC,
    "core:privacy": PUBLIC,
    "accounts:sign_in": PUBLIC,
    "accounts:two_factor": PENDING,
    "accounts:sign_out": PENDING,
    "accounts:session_ended": PUBLIC,
    "accounts:keep_alive": ANY_STAFF,
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
    "reporting:edit_programme": ADMIN,
    # The reporter's journey and inbox: no sign-in, never linked to an account.
    "reporting:start": PUBLIC,
    "reporting:immediate_risk": PUBLIC,
    "reporting:emergency": PUBLIC,
    "reporting:question": PUBLIC,
    "reporting:check": PUBLIC,
    "reporting:submit": PUBLIC,
    "reporting:inbox": PUBLIC,
    "reporting:inbox_messages": PUBLIC,
    "reporting:inbox_reply": PUBLIC,
    "reporting:inbox_leave": PUBLIC,
    # The confidential programme.
    "reporting:intake_queue": INTAKE,
    "reporting:intake_report": INTAKE,
    "reporting:intake_review": INTAKE,
    "reporting:intake_release": INTAKE,
    "reporting:intake_question": INTAKE,
    "reporting:intake_feedback": INTAKE,
    "reporting:intake_alert": INTAKE,
    "reporting:intake_close": INTAKE,
    "reporting:intake_reopen": INTAKE,
    "reporting:intake_contact": INTAKE,
    "reporting:intake_disclosure": INTAKE,
    "reporting:intake_disclosure_decide": INTAKE,
    "reporting:analysis_list": ANALYST,
    "reporting:analysis_report": ANALYST,
    "learning:search": ANALYST,
    "learning:dashboard": LEADER,
    "learning:dashboard_csv": LEADER,
    "learning:report": ANALYST,
    "learning:saved": ANALYST,
    "learning:save_search": ANALYST,
    "learning:saved_one": ANALYST,
    "learning:sharing": ADMIN,
    "learning:traps": ANALYST,
    "learning:trap": ANALYST,
    "learning:split_trap": ANALYST,
    "learning:double_coding_list": ANALYST,
    "learning:double_coding_second": ANALYST,
    "learning:double_coding_reconcile": ANALYST,
    # Agreement figures are aggregates: leaders may see them, never a report or a coding.
    "learning:double_coding_agreement": frozenset({Role.ANALYST, Role.LEADER}),
    "learning:double_coding_settings": ADMIN,
    # Child protection flags: local authorities' flag managers, health users, administrators.
    "flags:uploads": FLAG_MANAGER,
    "flags:new_upload": FLAG_MANAGER,
    "flags:sent_elsewhere": FLAG_MANAGER,
    "flags:upload": FLAG_MANAGER,
    "flags:contact": FLAG_MANAGER,
    "flags:notifications": FLAG_MANAGER,
    "flags:notification": FLAG_MANAGER,
    "flags:acknowledge": FLAG_MANAGER,
    "flags:lookup": HEALTH,
    "flags:alerts": ADMIN,
    "flags:review_alert": ADMIN,
    "flags:clients": ADMIN,
    "flags:new_client": ADMIN,
    "flags:revoke_client": ADMIN,
    # FHIR for clinical systems: a per-system key on every call, checked by the view.
    "fhir:metadata": PUBLIC,
    "fhir:flag": API,
    "fhir:audit_event": API,
    # The demo mailbox (installed by dev, demo and test settings; never production).
    "demo:mail": PUBLIC,
    "demo:mail_message": PUBLIC,
}
POST_ONLY = {
    "reporting:inbox_reply",
    "reporting:inbox_leave",
    "flags:acknowledge",
    "flags:review_alert",
    "flags:revoke_client",
}
# Public routes that need an object; the made-up one in _url is not found.
NOT_FOUND = {"demo:mail_message"}
MODULE_NAMESPACES = {
    "candour.core.views": "core",
    "candour.accounts.views": "accounts",
    "candour.audit.views": "audit",
    "candour.flags.fhir": "fhir",
    "candour.demo.views": "demo",
}


def _route_names() -> dict[str, object]:
    names = {}
    for route, pattern in iter_patterns():
        callback = pattern.callback
        module = getattr(callback, "__module__", "")
        if route.startswith("api/"):
            names[f"api:{pattern.name}"] = callback
            continue
        namespace = MODULE_NAMESPACES.get(module) or next(
            (
                app
                for app in ("reporting", "flags", "learning")
                if module.startswith(f"candour.{app}.")
            ),
            None,
        )
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
        kind: object = {"public": PUBLIC, "pending_2fa": PENDING, "api": API}.get(policy.kind)
        if kind is None:
            kind = AUDITOR if policy.auditor else (policy.roles or ANY_STAFF)
        assert kind == expected, name


@pytest.fixture
def report_reference(organisation) -> str:
    """A real report in the main organisation, for routes that take a reference."""
    from candour.reporting.services import submission as submission_service
    from candour.reporting.tests.conftest import submission

    programme = Programme.objects.create(
        organisation=organisation, slug="northbrook", duty_contact="d", emergency_contact="e"
    )
    report, _ = submission_service.submit_report(programme=programme, submission=submission())
    return report.reference


def _url(name: str, bob, reference: str) -> str:
    kwargs: dict[str, object] = {}
    if name in {"accounts:show_user", "accounts:edit_user"}:
        kwargs = {"reference": bob.reference}
    elif name == "accounts:user_action":
        kwargs = {"reference": bob.reference, "action": "deactivate"}
    elif name in {"accounts:activate", "accounts:activate_set_password"}:
        return ""
    elif name in {
        "reporting:start",
        "reporting:immediate_risk",
        "reporting:emergency",
        "reporting:check",
        "reporting:submit",
    }:
        kwargs = {"slug": "northbrook"}
    elif name == "reporting:question":
        kwargs = {"slug": "northbrook", "question": "kind"}
    elif name == "demo:mail_message":
        kwargs = {"ident": "0" * 20}
    elif name in {
        "reporting:intake_disclosure_decide",
        "flags:upload",
        "flags:notification",
        "flags:acknowledge",
        "flags:review_alert",
        "flags:revoke_client",
        "learning:saved_one",
        "learning:trap",
        "learning:split_trap",
    }:
        kwargs = {"reference": "00000000-0000-4000-8000-000000000000"}
    elif name in {
        "learning:report",
        "learning:double_coding_second",
        "learning:double_coding_reconcile",
    } or (
        name.startswith(("reporting:intake_", "reporting:analysis_"))
        and name
        not in {
            "reporting:intake_queue",
            "reporting:analysis_list",
        }
    ):
        kwargs = {"reference": reference}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_anonymous_users_reach_only_public_pages(client, bob, report_reference, name):
    url = _url(name, bob, report_reference)
    if not url:
        return
    response = client.get(url)
    if EXPECTED[name] == API:
        assert response.status_code == 401, name
        assert response["Content-Type"].startswith("application/fhir+json")
    elif EXPECTED[name] == PUBLIC:
        # A POST-only address opened directly goes to its form's page (core middleware).
        redirects = POST_ONLY | {"reporting:inbox_messages"}
        expected = 302 if name in redirects else (404 if name in NOT_FOUND else 200)
        assert response.status_code == expected, name
        assert not response.get("Location", "").startswith("/sign-in")
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in")


ROLE_LEVELS = sorted(n for n, level in EXPECTED.items() if isinstance(level, frozenset))


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize(
    "name",
    sorted(n for n, level in EXPECTED.items() if level in (AUDITOR, ANY_STAFF)) + ROLE_LEVELS,
)
def test_each_role_reaches_only_what_its_level_allows(
    signed_in, make_user, bob, report_reference, role, name
):
    user = make_user(role, is_auditor=False)
    url = _url(name, bob, report_reference)
    method = "post" if name == "accounts:sign_out_everywhere" else "get"
    response = getattr(signed_in(user), method)(url)
    level = EXPECTED[name]
    allowed = level == ANY_STAFF or (isinstance(level, frozenset) and role in level)
    assert (response.status_code != 403) == allowed, (role, name, response.status_code)


def test_api_routes_refuse_anonymous_with_problem_json(client):
    callback_patterns = {
        f"api:{pattern.name}": route
        for route, pattern in iter_patterns()
        if route.startswith("api/")
    }
    for name, callback in _route_names().items():
        if not name.startswith("api:") or name in ("api:openapi-json", "api:api-root"):
            continue
        kwargs: dict[str, object] = {}
        pattern = callback_patterns[name]
        if "sequence" in pattern:
            kwargs = {"sequence": 1}
        elif "reference" in pattern:
            kwargs = {"reference": "00000000-0000-4000-8000-000000000000"}
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code in (401, 405), name
        assert response["Content-Type"] == "application/problem+json"
        assert policy_of(callback) is not None
