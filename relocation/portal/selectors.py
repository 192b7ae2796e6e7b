"""Reads of inquiries, scoped to the user.

HQ and the group see every item of the programme; a member unit sees the items
assigned to it; an enterprise contact sees the questions asked for their own
enterprise (never what the public reported about it). The public sees one
item, by number and query code, without any staff name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from relocation.core.roles import is_enterprise_contact, is_hq, is_staff_member, is_unit_member
from relocation.organisation.selectors import programme_for
from relocation.portal import ratelimit, tracking, transitions
from relocation.portal.models import FollowUp, Inquiry, InquiryChannel, InquiryStatus, KindSetting

PHOTO_PURPOSE = "portal.photo"


def can_use_inbox(user: Any) -> bool:
    return is_hq(user) or (is_unit_member(user) and user.unit_id is not None) or is_enterprise_contact(user)


def inquiries_for_user(user: Any) -> QuerySet[Inquiry]:
    base = (
        Inquiry.objects.select_related("unit", "enterprise")
        .annotate(photo_count=Count("photos", distinct=True), follow_up_count=Count("follow_ups", distinct=True))
        .order_by("-created_at", "-id")
    )
    if is_hq(user):
        programme = programme_for(user)
        return base.filter(programme=programme) if programme else base.none()
    if is_unit_member(user) and user.unit_id is not None:
        return base.filter(unit_id=user.unit_id)
    if is_enterprise_contact(user):
        return base.filter(channel=InquiryChannel.ENTERPRISE, enterprise__contacts__user=user)
    return base.none()


def inquiry_for_user(user: Any, pk: int) -> Inquiry:
    inquiry = inquiries_for_user(user).filter(pk=pk).first()
    if inquiry is None:
        raise Http404
    return inquiry


def filter_inquiries(qs: QuerySet[Inquiry], params: Any, *, today: dt.date) -> QuerySet[Inquiry]:
    """The inbox's filters: status (or "open", the default), kind, unit, overdue, text."""
    status = params.get("status", "open")
    if status == "open":
        qs = qs.filter(status__in=transitions.OPEN)
    elif status in InquiryStatus.values:
        qs = qs.filter(status=status)
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    if str(params.get("unit", "")).isdigit():
        qs = qs.filter(unit_id=int(params["unit"]))
    if params.get("overdue") == "1":
        qs = qs.filter(status__in=transitions.ON_THE_CLOCK, due_date__lt=today)
    if params.get("q"):
        q = params["q"].strip()
        qs = qs.filter(Q(number__icontains=q) | Q(subject__icontains=q))
    return qs


def is_overdue(inquiry: Inquiry, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return inquiry.status in transitions.ON_THE_CLOCK and inquiry.due_date is not None and inquiry.due_date < today


def counts(qs: QuerySet[Inquiry], *, today: dt.date) -> dict[str, int]:
    """Badges of the inbox: waiting for triage, with units, overdue."""
    return qs.order_by().aggregate(
        received=Count("pk", filter=Q(status=InquiryStatus.RECEIVED)),
        assigned=Count("pk", filter=Q(status=InquiryStatus.ASSIGNED)),
        overdue=Count("pk", filter=Q(status__in=transitions.ON_THE_CLOCK, due_date__lt=today)),
    )


def history(inquiry: Inquiry) -> list[Any]:
    return list(inquiry.status_changes.select_related("actor"))


def follow_ups(inquiry: Inquiry) -> list[FollowUp]:
    return list(inquiry.follow_ups.all())


def photos(inquiry: Inquiry) -> list[Any]:
    return list(inquiry.photos.all())


def kind_settings() -> list[KindSetting]:
    from relocation.portal.models import InquiryKind
    from relocation.portal.services import kind_setting

    return [kind_setting(kind) for kind in InquiryKind.values]


def can_download_photo(user: Any, stored: Any) -> bool:
    if is_hq(user) or (is_enterprise_contact(user) and stored.uploaded_by_id == user.pk):
        return True
    if not is_staff_member(user) or user.unit_id is None:
        return False
    return Inquiry.objects.filter(photos=stored, unit_id=user.unit_id).exists()


@dataclass(frozen=True)
class PublicView:
    """What the public lookup shows: no staff names, no unit people, no other items."""

    number: str
    kind: str
    subject: str
    status: str
    status_label: str
    submitted_at: dt.datetime
    unit_name: str
    due_date: dt.date | None
    answer: str
    answered_at: dt.datetime | None
    reject_reason: str
    can_follow_up: bool
    steps: list[tuple[str, dt.datetime]]


def public_lookup(*, number: str, code: str, ip: str | None) -> Inquiry | None:
    """The item with this number if the code matches, else None (the same
    answer for a wrong number and a wrong code, so neither can be probed).
    Counts against the address's hourly lookup limit."""
    ratelimit.hit("lookup", ip)
    number = (number or "").strip().upper()
    inquiry = Inquiry.objects.select_related("unit").filter(number=number).first()
    if inquiry is None or not tracking.code_matches(code or "", inquiry.code_digest):
        return None
    return inquiry


def public_view(inquiry: Inquiry) -> PublicView:
    answered = inquiry.status in (InquiryStatus.ANSWERED, InquiryStatus.CLOSED)
    reason = ""
    if inquiry.status == InquiryStatus.REJECTED:
        reason = str(inquiry.get_reject_reason_display()) + (f"：{inquiry.reject_note}" if inquiry.reject_note else "")
    return PublicView(
        number=inquiry.number,
        kind=str(inquiry.get_kind_display()),
        subject=inquiry.subject,
        status=inquiry.status,
        status_label=str(inquiry.get_status_display()),
        submitted_at=inquiry.created_at,
        # The unit (a government department) is public; the people in it are not.
        unit_name=inquiry.unit.name if inquiry.unit is not None else "",
        due_date=inquiry.due_date if inquiry.status in transitions.ON_THE_CLOCK else None,
        answer=inquiry.answer if answered else "",
        answered_at=inquiry.answered_at if answered else None,
        reject_reason=reason,
        can_follow_up=inquiry.status != InquiryStatus.REJECTED,
        steps=[(c.to_label, c.at) for c in inquiry.status_changes.all()],
    )
