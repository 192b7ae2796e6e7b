"""Requests for an extra meeting: raised by a unit or by urgent problems,
accepted (an extra meeting) or declined by HQ."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit, workflow
from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.notifications import notify
from relocation.core.roles import Role, role_of
from relocation.meetings import sources, transitions
from relocation.meetings.models import (
    AgendaItem,
    AgendaSource,
    Meeting,
    MeetingRequest,
    RequestStatus,
)
from relocation.meetings.services.schedule import _require_hq, meeting_schedule_extra
from relocation.organisation.models import Programme
from relocation.organisation.selectors import people_in_roles


def request_create(*, actor: Any, problem: str, details: str = "") -> MeetingRequest:
    """A unit leader or liaison asks HQ for an extra meeting about an urgent problem."""
    if role_of(actor) not in {Role.UNIT_LEADER, Role.UNIT_LIAISON} or actor.unit_id is None:
        raise PermissionDeniedError(_("只有成员单位负责人或联络员可以申请专题会商。"))
    if not problem.strip():
        raise ServiceError(_("请填写需要协调的紧急问题。"), code="problem")
    with transaction.atomic():
        request = MeetingRequest.objects.create(
            programme=actor.unit.programme,
            unit=actor.unit,
            requested_by=actor,
            problem=problem.strip()[:300],
            details=details.strip(),
        )
        audit.record(
            actor=actor,
            action="meeting.request_created",
            obj=request,
            summary=_("%(unit)s申请专题会商：%(problem)s") % {"unit": actor.unit.name, "problem": request.problem},
            changes=audit.snapshot(request, ["unit", "problem"]),
        )
        notify(
            recipients=people_in_roles(request.programme_id, Role.HQ_COMMANDER, Role.HQ_STAFF),
            verb="meeting.requested",
            title=_("专题会商申请：%(problem)s") % {"problem": request.problem},
            body=actor.unit.name,
            url="/meetings/requests/",
            dedupe_key=f"meeting.requested:{request.pk}",
        )
    return request


def requests_from_urgent_problems(*, programme: Programme) -> list[MeetingRequest]:
    """A unit that marks a problem in its report as urgent is asking for an extra
    meeting: raise the request in its name (once per problem) and tell HQ."""
    from django.contrib.auth import get_user_model

    created = []
    for problem in sources.open_coordination_problems(programme):
        if not problem.is_urgent or problem.unit_id is None or problem.raised_by_id is None:
            continue
        if MeetingRequest.objects.filter(programme=programme, source_ref=problem.ref).exists():
            continue
        requester = get_user_model().objects.filter(pk=problem.raised_by_id).first()
        if requester is None:
            continue
        try:
            with transaction.atomic():
                request = MeetingRequest.objects.create(
                    programme=programme,
                    unit_id=problem.unit_id,
                    requested_by=requester,
                    problem=problem.text[:300],
                    details=problem.details,
                    source_ref=problem.ref,
                )
                audit.record(
                    actor=None,
                    action="meeting.request_created",
                    obj=request,
                    summary=_("成员单位报送紧急问题，申请专题会商：%(problem)s") % {"problem": request.problem},
                    changes=audit.snapshot(request, ["unit", "problem", "source_ref"]),
                )
                notify(
                    recipients=people_in_roles(programme, Role.HQ_COMMANDER, Role.HQ_STAFF),
                    verb="meeting.requested",
                    title=_("专题会商申请：%(problem)s") % {"problem": request.problem},
                    body=_("来自单位报送的紧急问题"),
                    url="/meetings/requests/",
                    dedupe_key=f"meeting.requested:{request.pk}",
                )
        except IntegrityError:  # another run raised it first
            continue
        created.append(request)
    return created


def request_accept(
    *, actor: Any, request: MeetingRequest, scheduled_at: dt.datetime, place: str = "", title: str = ""
) -> Meeting:
    """Accept a request: call the extra meeting with the problem on its agenda."""
    _require_hq(actor)
    with transaction.atomic():
        request = MeetingRequest.objects.select_for_update().select_related("unit").get(pk=request.pk)
        meeting = meeting_schedule_extra(
            actor=actor,
            programme=request.programme,
            title=title.strip() or _("关于“%(problem)s”的专题会商会议") % {"problem": request.problem[:80]},
            scheduled_at=scheduled_at,
            place=place,
        )
        workflow.move(
            request,
            field="status",
            target=RequestStatus.ACCEPTED,
            allowed=transitions.REQUEST,
            labels=RequestStatus,
            extra={"meeting": meeting, "decided_by": actor, "decided_at": timezone.now()},
        )
        AgendaItem.objects.create(
            meeting=meeting,
            order=1,
            source=AgendaSource.REQUEST,
            source_ref=f"request:{request.pk}",
            title=request.problem,
            description=request.details,
            unit=request.unit,
        )
        audit.record(
            actor=actor,
            action="meeting.request_accepted",
            obj=request,
            summary=_("受理专题会商申请：%(problem)s") % {"problem": request.problem},
            changes={"status": [RequestStatus.PENDING, RequestStatus.ACCEPTED], "meeting": [None, meeting.pk]},
        )
        notify(
            recipients=[request.requested_by],
            verb="meeting.request_accepted",
            title=_("专题会商申请已受理：%(problem)s") % {"problem": request.problem},
            body=timezone.localtime(scheduled_at).strftime("%Y-%m-%d %H:%M"),
            url=f"/meetings/{meeting.pk}/",
            dedupe_key=f"meeting.request_accepted:{request.pk}",
        )
    return meeting


def request_decline(*, actor: Any, request: MeetingRequest, reply: str) -> MeetingRequest:
    _require_hq(actor)
    if not reply.strip():
        raise ServiceError(_("请填写不予安排的理由。"), code="reply")
    with transaction.atomic():
        workflow.move(
            request,
            field="status",
            target=RequestStatus.DECLINED,
            allowed=transitions.REQUEST,
            labels=RequestStatus,
            extra={"decided_by": actor, "decided_at": timezone.now(), "reply": reply.strip()[:300]},
        )
        audit.record(
            actor=actor,
            action="meeting.request_declined",
            obj=request,
            summary=_("不予安排专题会商：%(problem)s") % {"problem": request.problem},
            changes={"status": [RequestStatus.PENDING, RequestStatus.DECLINED]},
        )
        notify(
            recipients=[request.requested_by],
            verb="meeting.request_declined",
            title=_("专题会商申请未安排：%(problem)s") % {"problem": request.problem},
            body=reply.strip(),
            url="/meetings/requests/",
            dedupe_key=f"meeting.request_declined:{request.pk}",
        )
    return request
