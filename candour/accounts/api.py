from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from candour.accounts.current import current_user
from candour.accounts.schemas import MeOut

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, summary="Who the caller is signed in as")
def me(request: HttpRequest) -> MeOut:
    user = current_user(request)
    return MeOut(
        reference=str(user.reference),
        role=user.role,
        organisation=str(user.organisation.reference),
        organisation_kind=user.organisation.kind,
    )
