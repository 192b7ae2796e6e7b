"""Reads on bulletins, scoped to the user: HQ sees drafts and issued bulletins;
group leaders and member units see issued ones (they are the recipients)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from relocation.core.roles import is_hq, is_hq_editor, is_staff_member
from relocation.organisation.selectors import active_programme
from relocation.reporting.models import Bulletin, BulletinReceipt, BulletinRecipient, BulletinStatus


def can_read(user: Any) -> bool:
    return is_staff_member(user)


def bulletins_for_user(user: Any) -> QuerySet[Bulletin]:
    if not can_read(user):
        return Bulletin.objects.none()
    programme = active_programme()
    qs = Bulletin.objects.filter(programme=programme) if programme else Bulletin.objects.none()
    if not is_hq_editor(user):
        qs = qs.filter(status=BulletinStatus.ISSUED)
    # Receipts of recipients only (HQ opening its own bulletin is not "read by the units").
    read = (
        BulletinReceipt.objects.filter(
            bulletin=OuterRef("pk"),
            user_id__in=BulletinRecipient.objects.filter(bulletin=OuterRef(OuterRef("pk"))).values("user_id"),
        )
        .order_by()
        .values("bulletin")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        qs.defer("docx", "pdf", "figures")
        .annotate(
            recipient_count=Count("recipients", distinct=True),
            receipt_count=Coalesce(Subquery(read, output_field=IntegerField()), 0),
        )
        .order_by("-year", "-month")
    )


def bulletin_for_user(user: Any, pk: int) -> Bulletin:
    if not can_read(user):
        raise Http404
    programme = active_programme()
    qs = Bulletin.objects.filter(programme=programme).defer("docx", "pdf").select_related("programme", "issued_by")
    if not is_hq_editor(user):
        qs = qs.filter(status=BulletinStatus.ISSUED)
    bulletin = qs.filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return bulletin


def bulletin_file_for_user(user: Any, pk: int) -> Bulletin:
    bulletin_for_user(user, pk)
    return Bulletin.objects.get(pk=pk)


def receipts_of(bulletin: Bulletin) -> list[dict[str, Any]]:
    """Everyone the bulletin went to, with when they first opened it (None: not yet)."""
    opened = dict(BulletinReceipt.objects.filter(bulletin=bulletin).values_list("user_id", "opened_at"))
    rows = (
        BulletinRecipient.objects.filter(bulletin=bulletin)
        .select_related("user", "unit")
        .order_by("kind", "unit__order", "unit_id", "user__username")
    )
    return [{"recipient": r, "opened_at": opened.get(r.user_id)} for r in rows]


def can_see_receipts(user: Any) -> bool:
    return is_hq(user)
