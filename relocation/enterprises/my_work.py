"""My work from the ledger: the enterprise contact's own obligations (the
commitment letter to sign and upload, the committed shutdown and relocation
dates), the territorial unit's letters still unsigned, and for HQ the requests
to change committed dates (someone other than the requester decides). Found by
core.my_work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relocation.core import my_work
from relocation.core.roles import Role, is_enterprise_contact, is_hq_editor, role_of
from relocation.enterprises.models import (
    CommitmentDateChange,
    CommitmentLetter,
    DateChangeStatus,
    LetterStatus,
    LifecycleStatus,
)
from relocation.organisation.selectors import programme_for

LETTER = gettext_lazy("承诺书")
OBLIGATION = gettext_lazy("承诺事项")
DATE_CHANGE = gettext_lazy("日期变更")
# Statuses after which the enterprise no longer owes its committed shutdown.
SHUT = {
    LifecycleStatus.PRODUCTION_STOPPED,
    LifecycleStatus.CLOSURE_VERIFIED,
    LifecycleStatus.RELOCATED,
    LifecycleStatus.CLOSED,
}
MOVED = {LifecycleStatus.RELOCATED, LifecycleStatus.CLOSED}


def _detail(enterprise_id: int, anchor: str) -> str:
    return f"{reverse('enterprises:detail', args=[enterprise_id])}#{anchor}"


def contact_obligations(user: Any, today: dt.date, limit: int) -> list[my_work.WorkItem]:
    if not is_enterprise_contact(user):
        return []
    letters = CommitmentLetter.objects.filter(enterprise__contacts__user=user).values(
        "enterprise_id",
        "enterprise__status",
        "status",
        "committed_shutdown_on",
        "committed_relocation_on",
    )[:limit]
    items = []
    for row in letters:
        status = row["enterprise__status"]
        if row["status"] == LetterStatus.GENERATED:
            items.append(
                my_work.WorkItem(
                    kind=LETTER,
                    title=_("签署并上传关停搬迁承诺书"),
                    action_label=gettext_lazy("上传扫描件"),
                    action_url=_detail(row["enterprise_id"], "letter"),
                    due=row["committed_shutdown_on"],
                )
            )
        if status not in SHUT:
            items.append(
                my_work.WorkItem(
                    kind=OBLIGATION,
                    title=_("按承诺日期停止生产"),
                    action_label=gettext_lazy("查看承诺"),
                    action_url=_detail(row["enterprise_id"], "letter"),
                    due=row["committed_shutdown_on"],
                    detail=_("停产后断水断电、清理物料，配合关停核验"),
                )
            )
        if row["committed_relocation_on"] and status not in MOVED:
            items.append(
                my_work.WorkItem(
                    kind=OBLIGATION,
                    title=_("按承诺日期完成搬迁"),
                    action_label=gettext_lazy("查看承诺"),
                    action_url=_detail(row["enterprise_id"], "letter"),
                    due=row["committed_relocation_on"],
                )
            )
    return items


def unsigned_letters(user: Any, today: dt.date, limit: int) -> list[my_work.WorkItem]:
    """The territorial unit prepares letters and brings back the signed scans."""
    if role_of(user) not in {Role.UNIT_LEADER, Role.UNIT_LIAISON} or not user.unit_id:
        return []
    rows = (
        CommitmentLetter.objects.filter(
            enterprise__territorial_unit_id=user.unit_id,
            enterprise__programme_id=user.unit.programme_id,
            status=LetterStatus.GENERATED,
        )
        .order_by("committed_shutdown_on", "id")
        .values("enterprise_id", "enterprise__name", "committed_shutdown_on")[:limit]
    )
    return [
        my_work.WorkItem(
            kind=LETTER,
            title=row["enterprise__name"],
            action_label=gettext_lazy("上传签署件"),
            action_url=_detail(row["enterprise_id"], "letter"),
            due=row["committed_shutdown_on"],
            detail=_("承诺书待签署"),
        )
        for row in rows
    ]


def date_changes_pending(user: Any, today: dt.date, limit: int) -> list[my_work.WorkItem]:
    if not is_hq_editor(user):
        return []
    programme = programme_for(user)
    if programme is None:
        return []
    rows = (
        CommitmentDateChange.objects.filter(letter__enterprise__programme=programme, status=DateChangeStatus.PENDING)
        .exclude(requested_by=user)
        .order_by("new_shutdown_on", "id")
        .values("id", "letter__enterprise__name", "old_shutdown_on", "new_shutdown_on")[:limit]
    )
    return [
        my_work.WorkItem(
            kind=DATE_CHANGE,
            title=row["letter__enterprise__name"],
            action_label=gettext_lazy("审批"),
            action_url=reverse("enterprises:letter_register"),
            due=row["old_shutdown_on"],
            detail=_("承诺关停日期 %(old)s → %(new)s")
            % {"old": row["old_shutdown_on"].isoformat(), "new": row["new_shutdown_on"].isoformat()},
        )
        for row in rows
    ]


my_work.register("enterprises.contact", contact_obligations)
my_work.register("enterprises.letters", unsigned_letters)
my_work.register("enterprises.date_changes", date_changes_pending)
