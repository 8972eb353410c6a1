"""Fictitious organisations and users in every role, for demos and manual testing.

Every name, address and code here is invented: ODS codes start with X (unused by NHS
England) and e-mail addresses use the reserved .example domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from candour.accounts.models import Organisation, OrganisationKind, Role, Team, User
from candour.audit import services as audit
from candour.reporting.models import Programme

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (fictitious demo accounts only)

LOCAL_AUTHORITIES = [
    ("Northbrook Council Children's Services", "XLA01", "northbrook", r"\bNB-\d{4}-\d{5}\b"),
    ("Eastmere County Council Children's Services", "XLA02", "eastmere", r"\bCR/\d{4}/\d{4,6}\b"),
    ("Westvale Borough Council Children's Services", "XLA03", "westvale", r"\bWV\d{7}\b"),
]
NHS_ORGANISATIONS = [
    ("Riverside University Hospitals NHS Trust", "XNH01", "riverside-nhs"),
    ("Hillcrest Community and Acute NHS Trust", "XNH02", "hillcrest-nhs"),
]
NATIONAL_PROGRAMME = ("Candour National Confidential Programme", "", "programme")

LA_TEAMS = ["Front door (MASH)", "Assessment", "Child protection", "Children in care"]
LA_USERS = [
    (Role.PRACTITIONER, "Sam Okafor", "practitioner", "Assessment"),
    (Role.INTAKE_OFFICER, "Priya Raman", "intake", None),
    (Role.ANALYST, "Tom Hughes", "analyst", None),
    (Role.LEADER, "Helen Marsh", "leader", None),
    (Role.FLAG_MANAGER, "Ade Bello", "flags", "Front door (MASH)"),
    (Role.ADMINISTRATOR, "Chris Doyle", "admin", None),
]
NHS_USERS = [
    (Role.HEALTH_UNSCHEDULED, "Dr Nia Evans", "ed"),
    (Role.HEALTH_SCHEDULED, "Jo Clarke", "clinic"),
    (Role.ADMINISTRATOR, "Alex Byrne", "admin"),
]
PROGRAMME_USERS = [
    (Role.INTAKE_OFFICER, "Morgan Lee", "intake"),
    (Role.INTAKE_OFFICER, "Rosa Diaz", "intake2"),
    (Role.ANALYST, "Kim Park", "analyst"),
    (Role.LEADER, "Pat Quinn", "leader"),
    (Role.ADMINISTRATOR, "Lee Carter", "admin"),
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    organisation: str


def _user(
    org: Organisation, domain: str, local: str, name: str, role: str, team: Team | None = None
) -> User:
    user = User.objects.create_user(
        email=f"{local}@{domain}.example",
        password=DEMO_PASSWORD,
        full_name=name,
        organisation=org,
        role=role,
        team=team,
        is_auditor=role == Role.ADMINISTRATOR,
    )
    TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
    return user


def database_is_empty() -> bool:
    return not Organisation.objects.exists()


@transaction.atomic
def seed() -> list[DemoAccount]:
    """Create the demo organisations and users; refuse if any organisation already exists."""
    if not database_is_empty():
        raise RuntimeError("The database already has organisations; demo data was not loaded.")
    for name, ods, domain, case_pattern in LOCAL_AUTHORITIES:
        org = Organisation.objects.create(
            name=name,
            kind=OrganisationKind.LOCAL_AUTHORITY,
            ods_code=ods,
            case_reference_patterns=case_pattern,
        )
        Programme.objects.create(
            organisation=org,
            slug=domain,
            duty_contact=f"{name} front door: 01632 960{ods[-2:]}0 (Monday to Friday, 9am to 5pm)",
            emergency_contact="Emergency duty team (evenings, weekends): 01632 960999",
            safety_lead_email=f"safety-lead@{domain}.example",
        )
        teams = {t: Team.objects.create(organisation=org, name=t) for t in LA_TEAMS}
        for role, person, local, team in LA_USERS:
            user = _user(org, domain, local, person, role, teams.get(team) if team else None)
            if role == Role.FLAG_MANAGER:
                _seed_flags(user, domain, ods)
    for name, ods, domain in NHS_ORGANISATIONS:
        org = Organisation.objects.create(name=name, kind=OrganisationKind.NHS, ods_code=ods)
        for role, person, local in NHS_USERS:
            _user(org, domain, local, person, role)
    name, _ods, domain = NATIONAL_PROGRAMME
    org = Organisation.objects.create(name=name, kind=OrganisationKind.NATIONAL_PROGRAMME)
    for role, person, local in PROGRAMME_USERS:
        _user(org, domain, local, person, role)
    _seed_reports()
    audit.record(actor=audit.SYSTEM, action="demo.seeded")
    return demo_accounts()


# Fictitious children with numbers from the never-issued 999 test range, so no demo flag can
# ever match a real child. Three per authority: on a plan, in care, and an unborn child's plan
# recorded against the mother. Plans started this many days before the demo is loaded (a
# fixed date would be "in the future", and refused, on a machine whose clock is earlier).
DEMO_CHILDREN = {
    "XLA01": [
        ("9990000018", "Fenwick", "Maisie", "2016-04-12", "CPP", 302),
        ("9990000026", "Achterberg", "Tobias", "2012-09-30", "LAC", 744),
        ("9990000034", "Pemberton", "Rhiannon", "1998-01-22", "UNBORN_CPP", 92),
    ],
    "XLA02": [
        ("9990000042", "Oduya", "Kemi", "2019-06-05", "CPP", 202),
        ("9990000050", "Lindqvist", "Arlo", "2010-12-11", "LAC", 1244),
        ("9990000069", "Marchetti", "Bea", "2001-03-17", "UNBORN_CPP", 43),
    ],
    "XLA03": [
        ("9990000077", "Thorne", "Isla", "2014-08-23", "CPP", 327),
        ("9990000085", "Quayle", "Reuben", "2011-02-02", "LAC", 1677),
        ("9990000093", "Sandoval", "Lena", "1995-11-28", "UNBORN_CPP", 109),
    ],
}


def _seed_flags(manager: User, domain: str, ods: str) -> None:
    """The authority's contact details and its first flag upload (sequence 1)."""
    from candour.flags.models import LocalAuthorityContact
    from candour.flags.services.upload import apply_upload
    from candour.flags.uploads import HEADER

    org = manager.organisation
    LocalAuthorityContact.objects.create(
        organisation=org,
        display_name=org.name,
        office_hours_phone=f"01632 960{ods[-2:]}0",
        emergency_duty_phone=f"01632 960{ods[-2:]}9",
        notification_email=f"flags@{domain}.example",
    )
    today = timezone.localdate()
    lines = [",".join(HEADER)] + [
        f"nhs,{number},{family},{given},{born},{plan},{today - timedelta(days=days_ago)},,upsert"
        for number, family, given, born, plan, days_ago in DEMO_CHILDREN[ods]
    ]
    apply_upload(
        user=manager,
        organisation=org,
        sequence=1,
        data="\n".join(lines).encode(),
        allow_test_range=True,
    )


# Which demo authorities released which of the demo's recurring traps, and how they share
# them with the national programme (region; whether national analysts see the name).
DEMO_REPORTS = {"XLA01": ("discharge", "chronology", "transfer"), "XLA02": ("discharge",)}
DEMO_SHARING = {"XLA01": ("north_east", False), "XLA02": ("east", True)}


def _seed_reports() -> None:
    """Released reports of three recurring traps, some coded, shared nationally, and a
    first discovery run, so search and error traps have something to show."""
    from candour.demo.reports import CODES, THEMES
    from candour.learning.services import discovery
    from candour.learning.services import sharing as sharing_service
    from candour.reporting.services import analysis
    from candour.reporting.services import intake as intake_service
    from candour.reporting.services import submission as submission_service
    from candour.reporting.services.submission import Submission

    today = timezone.localdate()
    for ods, themes in DEMO_REPORTS.items():
        org = Organisation.objects.get(ods_code=ods)
        programme = Programme.objects.get(organisation=org)
        officer = User.objects.get(organisation=org, role=Role.INTAKE_OFFICER)
        analyst = User.objects.get(organisation=org, role=Role.ANALYST)
        admin = User.objects.get(organisation=org, role=Role.ADMINISTRATOR)
        for theme in themes:
            for n, text in enumerate(THEMES[theme]):
                months_ago = (n * 5 + len(theme)) % 12 + 1
                index = today.year * 12 + today.month - 1 - months_ago
                report, _receipt = submission_service.submit_report(
                    programme=programme,
                    submission=Submission(
                        kind="near_miss" if n % 3 else "incident",
                        service_area="assessment" if n % 2 else "child_protection",
                        occurred_month=index % 12 + 1,
                        occurred_year=index // 12,
                        narrative={"what_happened": text},
                        harm="none" if n % 3 else "low",
                        reporter_role="social_worker",
                        confidentiality="anonymous",
                    ),
                )
                intake_service.open_narrative(
                    user=officer, report=report, reason="Demo: reviewing before release"
                )
                intake_service.release_report(
                    user=officer, report=report, texts={"what_happened": text}
                )
                if n < 3:
                    pattern, factor = CODES[theme]
                    analysis.code_report(
                        user=analyst,
                        report=report,
                        scie_patterns=[pattern],
                        london_factors=[factor],
                        detection="supervision",
                        mitigation="",
                        harm="none",
                        synopsis=text,
                    )
        region, name_shown = DEMO_SHARING[ods]
        sharing_service.update_sharing(
            admin=admin, share_nationally=True, region=region, name_shown=name_shown
        )
    for org in Organisation.objects.exclude(kind=OrganisationKind.NHS):
        discovery.run_discovery(organisation=org)
    _seed_suggestion()


def _seed_suggestion() -> None:
    """One confirmed trap, and a report released after the run: the worker suggests it to
    the trap, so an analyst can answer a suggestion in the demo."""
    from candour.demo.reports import THEMES
    from candour.learning.models.traps import ErrorTrap
    from candour.learning.services import traps as trap_service
    from candour.reporting.services import intake as intake_service
    from candour.reporting.services import submission as submission_service
    from candour.reporting.services.submission import Submission

    org = Organisation.objects.get(ods_code="XLA01")
    analyst = User.objects.get(organisation=org, role=Role.ANALYST)
    officer = User.objects.get(organisation=org, role=Role.INTAKE_OFFICER)
    text = THEMES["discharge"][5]
    trap = (
        ErrorTrap.objects.filter(
            organisation=org, memberships__report__indexed__body__contains=text
        )
        .order_by("number")
        .first()
    )
    if trap is None:
        return
    trap_service.confirm(
        user=analyst, trap=trap, name="Discharge letters filed unread", description=""
    )
    today = timezone.localdate()
    report, _receipt = submission_service.submit_report(
        programme=Programme.objects.get(organisation=org),
        submission=Submission(
            kind="near_miss",
            service_area="assessment",
            occurred_month=today.month,
            occurred_year=today.year,
            narrative={"what_happened": text},
            harm="none",
            reporter_role="social_worker",
            confidentiality="anonymous",
        ),
    )
    intake_service.open_narrative(user=officer, report=report, reason="Demo: reviewing")
    intake_service.release_report(user=officer, report=report, texts={"what_happened": text})


def demo_flag_numbers() -> list[str]:
    return [child[0] for children in DEMO_CHILDREN.values() for child in children]


def demo_accounts() -> list[DemoAccount]:
    return [
        DemoAccount(u.email, u.role_label, u.organisation.name)
        for u in User.objects.select_related("organisation").order_by("organisation__name", "role")
    ]


def demo_reporting_slugs() -> list[str]:
    return list(Programme.objects.order_by("slug").values_list("slug", flat=True))


def current_code(*, email: str) -> str | None:
    """A demo user's current two-factor code (demo mode only), or None without a device."""
    device = TOTPDevice.objects.filter(user__email=email.strip().lower()).first()
    if device is None:
        return None
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
