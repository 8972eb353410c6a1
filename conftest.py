"""Actors for every test: alice (administrator), bob (practitioner, same organisation),
charlie (administrator of another organisation, the outsider), and helpers to sign in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from candour.accounts.models import Organisation, OrganisationKind, Role, User
from candour.accounts.tests.factories import OrganisationFactory, UserFactory
from candour.core import ceilings, client_limits

# Clock-dependent tests are marked `clock` and travel with time-machine to a fixed instant,
# so they pass at any hour (.ci/run repeats them under libfaketime at times of night). This
# one is 00:30 on 1 July 2027 in London (BST) but still 30 June in UTC: a date, month or day
# boundary taken in UTC instead of local time fails there, whenever the suite runs.
UK_JUST_PAST_MIDNIGHT = datetime(2027, 6, 30, 23, 30, tzinfo=UTC)


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that travels in time with the `time_machine` marker or fixture depends on the
    clock: mark it `clock` too, so the libfaketime runs in .ci/run include it. (A test using
    ``time_machine.travel`` as a decorator or context manager needs the marker written.)"""
    for item in items:
        travels = item.get_closest_marker("time_machine") is not None
        if travels or "time_machine" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.clock)


@pytest.fixture(autouse=True)
def _forget_clients() -> None:
    """Per-client limits live in this process's memory (ADR 0016): each test starts afresh."""
    client_limits.clear_all()
    ceilings.clear_all()


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name="Northbrook Council Children's Services", ods_code="XLA01")


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return OrganisationFactory(name="Eastmere County Council Children's Services", ods_code="XLA02")


@pytest.fixture
def nhs_organisation(db: None) -> Organisation:
    return OrganisationFactory(
        name="Riverside University Hospitals NHS Trust", kind=OrganisationKind.NHS, ods_code="XNH01"
    )


@pytest.fixture
def make_user(db: None, organisation: Organisation) -> Callable[..., User]:
    def make(role: str = Role.PRACTITIONER, **fields: object) -> User:
        fields.setdefault("organisation", organisation)
        return UserFactory(role=role, **fields)

    return make


@pytest.fixture
def alice(make_user: Callable[..., User]) -> User:
    """Administrator and auditor of the main organisation."""
    return make_user(Role.ADMINISTRATOR, full_name="Alice Admin", is_auditor=True)


@pytest.fixture
def bob(make_user: Callable[..., User]) -> User:
    """Practitioner in alice's organisation."""
    return make_user(Role.PRACTITIONER, full_name="Bob Practitioner")


@pytest.fixture
def charlie(make_user: Callable[..., User], other_organisation: Organisation) -> User:
    """Administrator and auditor of another organisation: should see none of alice's things."""
    return make_user(
        Role.ADMINISTRATOR,
        full_name="Charlie Outsider",
        organisation=other_organisation,
        is_auditor=True,
    )


def sign_in_client(client: Client, user: User) -> Client:
    """Sign a test client in as ``user``, past two-factor authentication."""
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def signed_in() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        return sign_in_client(Client(), user)

    return make


def current_code(user: User) -> str:
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed").first()
    assert device is not None
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
