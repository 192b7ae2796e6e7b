"""Helpers the lifecycle tests share: put an enterprise in any state with its
guards satisfied, without walking the whole road each time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from relocation.enterprises.models import (
    ClosureCheck,
    ClosureItemKind,
    CommitmentLetter,
    DestinationType,
    Enterprise,
    LetterStatus,
    RelocationPlan,
)


def satisfy_guards(enterprise: Enterprise, units: dict[str, Any], confirmer: Any) -> None:
    """Intention, a signed letter, a park destination and a full checklist."""
    Enterprise.objects.filter(pk=enterprise.pk).update(intention="move_to_park")
    enterprise.intention = "move_to_park"
    CommitmentLetter.objects.get_or_create(
        enterprise=enterprise,
        defaults={
            "committed_shutdown_on": dt.date(2021, 12, 31),
            "status": LetterStatus.SIGNED,
            "signed_on": dt.date(2021, 7, 1),
        },
    )
    RelocationPlan.objects.update_or_create(
        enterprise=enterprise,
        defaults={"destination_type": DestinationType.PARK, "destination_park_id": 1, "destination_name": "麻涌园区"},
    )
    for kind in ClosureItemKind:
        ClosureCheck.objects.get_or_create(
            enterprise=enterprise,
            item=kind.value,
            defaults={"unit": units["hq"], "confirmed_by": confirmer, "confirmed_at": timezone.now()},
        )


def put_in(enterprise: Enterprise, status: str) -> Enterprise:
    Enterprise.objects.filter(pk=enterprise.pk).update(status=status)
    enterprise.refresh_from_db()
    return enterprise
