"""The lifecycle's pieces on pages the ledger owns: the "搬迁进度" section and
actions of the enterprise page, and the overdue badge in the ledger list.

Inclusion tags, so the ledger's views need not know the lifecycle; each runs a
fixed number of queries (the list badge reads the overdue ids once per request).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from relocation.core.roles import is_hq_editor, is_staff_member
from relocation.enterprises import closure, commitments, lifecycle, lifecycle_selectors
from relocation.enterprises.lifecycle_facts import STOPPED
from relocation.enterprises.lifecycle_forms import (
    DateChangeDecisionForm,
    DateChangeForm,
    ForcedClosureForm,
    LetterUploadForm,
    MoveForm,
)
from relocation.enterprises.models import (
    CommitmentLetter,
    DateChangeStatus,
    DestinationType,
    LifecycleStatus,
    RelocationPlan,
)
from relocation.enterprises.transitions import MAIN_ROAD

register = template.Library()
S = LifecycleStatus


@register.inclusion_tag("enterprises/lifecycle/_section.html", takes_context=True)
def lifecycle_section(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    enterprise = context["enterprise"]
    plan = RelocationPlan.objects.filter(enterprise=enterprise).select_related("batch").first()
    letter = CommitmentLetter.objects.filter(enterprise=enterprise).select_related("signed_file").first()
    changes = list(letter.date_changes.select_related("requested_by", "decided_by")[:10]) if letter else []
    staff = is_staff_member(user)
    moves = lifecycle.allowed_moves(user, enterprise) if staff else []
    # Starting and lifting a forced closure have their own confirmation steps, not a move button.
    moves = [
        m for m in moves if m != S.FORCED_CLOSURE and not (enterprise.status == S.FORCED_CLOSURE and m == S.HOLDOUT)
    ]
    show_checklist = staff and enterprise.status in STOPPED
    road_index = MAIN_ROAD.index(enterprise.status) if enterprise.status in MAIN_ROAD else None
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "enterprise": enterprise,
        "user": user,
        "plan": plan,
        "letter": letter,
        "date_changes": changes,
        "pending_change": next((c for c in changes if c.status == DateChangeStatus.PENDING), None),
        "next": lifecycle.next_step(enterprise),
        "history": list(lifecycle_selectors.history_of(enterprise).select_related("evidence")[:30]),
        # A move whose guard fails is shown disabled with the reason, not offered and then refused.
        "moves": [
            {"value": m, "label": S(m).label, "blocked": lifecycle.move_blocker(enterprise, m, plan=plan)}
            for m in moves
        ],
        "move_form": MoveForm(),
        "destination_types": DestinationType.choices,
        "road": [
            {
                "value": s,
                "label": S(s).label,
                "done": road_index is not None and i < road_index,
                "current": s == enterprise.status,
            }
            for i, s in enumerate(MAIN_ROAD)
        ],
        "checklist": closure.checklist(enterprise, user) if show_checklist else [],
        "verification_holds": closure.verification_holds(enterprise) if show_checklist else [],
        "can_override": is_hq_editor(user),
        "show_checklist": show_checklist,
        "overdue": lifecycle_selectors.is_overdue(enterprise),
        "can_force": is_hq_editor(user) and lifecycle.forced_closure_allowed(enterprise),
        "can_lift": is_hq_editor(user) and enterprise.status == S.FORCED_CLOSURE,
        "force_form": ForcedClosureForm(),
        "can_prepare": commitments.can_prepare(user, enterprise),
        "can_upload": commitments.can_upload_scan(user, enterprise),
        "can_decide": is_hq_editor(user),
        "upload_form": LetterUploadForm(initial={"signed_on": timezone.localdate()}),
        "date_change_form": DateChangeForm(),
        "decision_form": DateChangeDecisionForm(),
    }


@register.simple_tag(takes_context=True)
def overdue_badge(context: dict[str, Any], enterprise: Any, overdue_ids: set[int] | None = None) -> str:
    """A "逾期" badge for overdue enterprises in a list.

    A list that knows its rows passes `overdue_ids` (lifecycle_selectors.overdue_ids
    with `among=` its rows); otherwise the overdue ids of everything the user
    sees are read once per request."""
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    ids = overdue_ids
    if ids is None:
        request = context.get("request")
        if request is None:
            return ""
        ids = getattr(request, "_lifecycle_overdue_ids", None)
        if ids is None:
            ids = lifecycle_selectors.overdue_ids(request.user)
            request._lifecycle_overdue_ids = ids
    if enterprise.pk in ids:
        return format_html('<span class="badge text-bg-danger" data-overdue="1">{}</span>', _("逾期"))
    return ""
