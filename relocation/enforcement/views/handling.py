"""What every enforcement page shares: who may read, the user's programme, the
page size."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from relocation.enforcement import selectors
from relocation.organisation.selectors import programme_for

PAGE_SIZE = 25
MULTI_FIELDS = {"inspectors"}


def _require_reader(request: HttpRequest) -> None:
    if not selectors.can_read(request.user):
        raise PermissionDenied


def _programme_id(request: HttpRequest) -> int | None:
    """The programme the user works in (an installation-wide account's choice included)."""
    programme = programme_for(request.user)
    return programme.pk if programme is not None else None
