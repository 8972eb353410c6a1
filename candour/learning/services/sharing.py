"""An authority's administrator decides whether its released reports join the national pool."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from candour.accounts.models import OrganisationKind, Role, User
from candour.audit import services as audit
from candour.learning.models.search import Sharing
from candour.learning.vocabulary import Region


@transaction.atomic
def update_sharing(
    *, admin: User, share_nationally: bool, region: str, name_shown: bool
) -> Sharing:
    """Only released, de-identified reports are ever shared; this decides whether they are,
    and whether national analysts see the authority's name or only its region."""
    organisation = admin.organisation
    if admin.role != Role.ADMINISTRATOR or organisation.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise PermissionDenied
    if region and region not in Region.values:
        raise ValidationError({"region": "Select a region from the list"})
    if share_nationally and not region and not name_shown:
        raise ValidationError(
            {"region": "Select your region, so national analysts know where reports come from"}
        )
    sharing, _ = Sharing.objects.select_for_update().update_or_create(
        organisation=organisation,
        defaults={
            "share_nationally": share_nationally,
            "region": region,
            "name_shown": name_shown,
            "changed_on": timezone.localdate(),
        },
    )
    audit.record(
        actor=admin,
        action="learning.sharing.changed",
        object_type="organisation",
        object_ref=str(organisation.reference),
        reason=(
            f"shared nationally: {'yes' if share_nationally else 'no'}; "
            f"name shown: {'yes' if name_shown else 'no'}"
        ),
    )
    return sharing
