from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import Role, is_hq_editor, role_of
from relocation.meetings import richtext, selectors, services
from relocation.meetings.forms import (
    ATTENDANCE_CHOICES,
    AcceptRequestForm,
    AgendaItemForm,
    CancelForm,
    DecisionForm,
    DeclineRequestForm,
    ExtraMeetingForm,
    MinutesForm,
    RequestForm,
    ScheduleForm,
)
from relocation.meetings.models import AttendanceStatus, Decision, MeetingStatus
from relocation.organisation.models import Unit
from relocation.organisation.selectors import programme_for


def _require_reader(request: HttpRequest) -> None:
    if not selectors.can_read(request.user):
        raise PermissionDenied


def _require_hq(request: HttpRequest) -> None:
    if not is_hq_editor(request.user):
        raise PermissionDenied


def _can_request(user: Any) -> bool:
    return role_of(user) in {Role.UNIT_LEADER, Role.UNIT_LIAISON} and getattr(user, "unit_id", None) is not None


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> Any:
    try:
        result = action()
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result if result is not None else True


def meeting_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    programme = programme_for(request.user)
    meetings = list(selectors.meetings_for_user(request.user)[:60])
    now = timezone.now()
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "upcoming": sorted(
                (m for m in meetings if m.status == MeetingStatus.SCHEDULED and m.scheduled_at >= now),
                key=lambda m: m.scheduled_at,
            ),
            "past": [m for m in meetings if not (m.status == MeetingStatus.SCHEDULED and m.scheduled_at >= now)],
            "next_meeting": selectors.next_meeting(programme) if programme else None,
            "pending_requests": selectors.requests_for_user(request.user).filter(status="pending").count(),
            "can_edit": is_hq_editor(request.user),
            "can_request": _can_request(request.user),
            "extra_form": ExtraMeetingForm(),
        },
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    meeting = selectors.meeting_for_user(request.user, pk)
    can_edit = is_hq_editor(request.user) and meeting.is_open
    detail = selectors.meeting_detail(meeting)
    context = {
        "meeting": meeting,
        **detail,
        "untasked": any(d.task_id is None for d in detail["decisions"]),
        "can_edit": can_edit,
        "can_manage": is_hq_editor(request.user),
        "schedule_form": ScheduleForm(
            initial={"scheduled_at": timezone.localtime(meeting.scheduled_at), "place": meeting.place}
        ),
        "agenda_form": AgendaItemForm(),
        "decision_form": DecisionForm(programme=meeting.programme),
        "cancel_form": CancelForm(),
    }
    return render(request, "meetings/meeting_detail.html", context)


@require_POST
def meeting_create_extra(request: HttpRequest) -> HttpResponse:
    _require_hq(request)
    form = ExtraMeetingForm(request.POST)
    programme = programme_for(request.user)
    if programme is None:
        raise Http404
    if not form.is_valid():
        messages.error(request, _("请填写会议名称和时间。"))
        return redirect("meetings:list")
    meeting = _run(
        request,
        lambda: services.meeting_schedule_extra(actor=request.user, programme=programme, **form.cleaned_data),
        _("已召集专题会商会议。"),
    )
    return redirect("meetings:detail", pk=meeting.pk) if meeting else redirect("meetings:list")


@require_POST
def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    meeting = selectors.meeting_for_user(request.user, pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.meeting_reschedule(actor=request.user, meeting=meeting, **form.cleaned_data),
            _("会议时间已调整，并已通知各成员单位。"),
        )
    else:
        messages.error(request, _("请填写有效的会议时间。"))
    return redirect("meetings:detail", pk=pk)


@require_POST
def meeting_hold(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    meeting = selectors.meeting_for_user(request.user, pk)
    _run(request, lambda: services.meeting_mark_held(actor=request.user, meeting=meeting), _("已标记为已召开。"))
    return redirect("meetings:detail", pk=pk)


@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    meeting = selectors.meeting_for_user(request.user, pk)
    reason = request.POST.get("reason", "")
    _run(
        request, lambda: services.meeting_cancel(actor=request.user, meeting=meeting, reason=reason), _("会议已取消。")
    )
    return redirect("meetings:detail", pk=pk)


@require_POST
def agenda_assemble(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    meeting = selectors.meeting_for_user(request.user, pk)
    added = _run(request, lambda: services.agenda_assemble(actor=request.user, meeting=meeting), _("议题已汇总。"))
    if added is not None and not added:
        messages.info(request, _("没有新的议题。"))
    return redirect("meetings:detail", pk=pk)


@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    meeting = selectors.meeting_for_user(request.user, pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data),
            _("议题已增加。"),
        )
    else:
        messages.error(request, _("请填写议题。"))
    return redirect("meetings:detail", pk=pk)


@require_POST
def agenda_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    _require_hq(request)
    meeting = selectors.meeting_for_user(request.user, pk)
    item = get_object_or_404(meeting.agenda_items, pk=item_pk)
    _run(request, lambda: services.agenda_item_remove(actor=request.user, item=item), _("议题已删除。"))
    return redirect("meetings:detail", pk=pk)


def attendance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    meeting = selectors.meeting_for_user(request.user, pk)
    units = list(Unit.objects.filter(programme=meeting.programme).exclude(kind=Unit.Kind.HEADQUARTERS))
    current = {a.unit_id: a for a in meeting.attendance.all()}
    if request.method == "POST":
        entries = []
        for unit in units:
            status = request.POST.get(f"status-{unit.pk}", "")
            if not status:
                continue
            entries.append(
                {
                    "unit": unit,
                    "status": status,
                    "attendee": request.POST.get(f"attendee-{unit.pk}", ""),
                    "note": request.POST.get(f"note-{unit.pk}", ""),
                }
            )
        done = _run(
            request,
            lambda: services.attendance_record(actor=request.user, meeting=meeting, entries=entries),
            _("出席情况已保存。"),
        )
        if done is not None:
            return redirect("meetings:detail", pk=pk)
        current = {e["unit"].pk: type("Row", (), e) for e in entries}
    rows = [{"unit": u, "row": current.get(u.pk)} for u in units]
    return render(
        request,
        "meetings/attendance_form.html",
        {"meeting": meeting, "rows": rows, "choices": ATTENDANCE_CHOICES, "deputy": AttendanceStatus.DEPUTY},
    )


def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    meeting = selectors.meeting_for_user(request.user, pk)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes, "version": meeting.version})
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            lambda: services.minutes_save(
                actor=request.user,
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                expected_version=form.cleaned_data["version"],
            ),
            _("会议纪要已保存。"),
        )
        if done is not None:
            return redirect("meetings:detail", pk=pk)
    # The editor shows rich text, so what it shows is sanitised here: after a
    # refused save (a stale version) the posted text comes back unsaved.
    editor_html = richtext.sanitise(form["minutes"].value() or "")
    return render(request, "meetings/minutes_form.html", {"meeting": meeting, "form": form, "editor_html": editor_html})


@require_POST
def minutes_issue(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    meeting = selectors.meeting_for_user(request.user, pk)
    _run(
        request,
        lambda: services.minutes_issue(actor=request.user, meeting=meeting),
        _("会议纪要已印发，并已通知各成员单位和协调小组领导。"),
    )
    return redirect("meetings:detail", pk=pk)


def document_response(meeting, fmt: str) -> HttpResponse:
    from urllib.parse import quote

    data = meeting.minutes_docx if fmt == "docx" else meeting.minutes_pdf if fmt == "pdf" else None
    if not data:
        raise Http404
    content_type = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if fmt == "docx"
        else "application/pdf"
    )
    response = HttpResponse(bytes(data), content_type=content_type)
    disposition = "attachment" if fmt == "docx" else "inline"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(f'{meeting.title}纪要.{fmt}')}"
    return response


def minutes_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    _require_reader(request)
    return document_response(selectors.meeting_document_for_user(request.user, pk), fmt)


@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    meeting = selectors.meeting_for_user(request.user, pk)
    form = DecisionForm(request.POST, programme=meeting.programme)
    if form.is_valid():
        _run(
            request,
            lambda: services.decision_add(actor=request.user, meeting=meeting, **form.cleaned_data),
            _("议定事项已记录。"),
        )
    else:
        errors = "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items() if k in form.fields)
        messages.error(request, _("议定事项未保存：%(errors)s") % {"errors": errors})
    return redirect("meetings:detail", pk=pk)


def _decision(request: HttpRequest, pk: int, decision_pk: int) -> Decision:
    meeting = selectors.meeting_for_user(request.user, pk)
    return get_object_or_404(Decision.objects.select_related("meeting"), pk=decision_pk, meeting=meeting)


@require_POST
def decision_task(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    _require_hq(request)
    decision = _decision(request, pk, decision_pk)
    _run(
        request,
        lambda: services.decision_make_task(actor=request.user, decision=decision),
        _("已转为任务并交办牵头单位。"),
    )
    return redirect("meetings:detail", pk=pk)


@require_POST
def decisions_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    meeting = selectors.meeting_for_user(request.user, pk)
    _run(
        request,
        lambda: services.decisions_make_tasks(actor=request.user, meeting=meeting),
        _("全部议定事项已转为任务。"),
    )
    return redirect("meetings:detail", pk=pk)


@require_POST
def decision_remove(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    _require_hq(request)
    decision = _decision(request, pk, decision_pk)
    _run(request, lambda: services.decision_remove(actor=request.user, decision=decision), _("议定事项已删除。"))
    return redirect("meetings:detail", pk=pk)


def request_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return render(
        request,
        "meetings/request_list.html",
        {
            "requests": list(selectors.requests_for_user(request.user)[:100]),
            "can_edit": is_hq_editor(request.user),
            "can_request": _can_request(request.user),
            "accept_form": AcceptRequestForm(),
            "decline_form": DeclineRequestForm(),
        },
    )


def request_create(request: HttpRequest) -> HttpResponse:
    if not _can_request(request.user):
        raise PermissionDenied
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            lambda: services.request_create(actor=request.user, **form.cleaned_data),
            _("专题会商申请已提交，指挥部受理后会通知您。"),
        )
        if done is not None:
            return redirect("meetings:requests")
    return render(request, "meetings/request_form.html", {"form": form})


@require_POST
def request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    meeting_request = selectors.request_for_user(request.user, pk)
    form = AcceptRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的会议时间。"))
        return redirect("meetings:requests")
    meeting = _run(
        request,
        lambda: services.request_accept(actor=request.user, request=meeting_request, **form.cleaned_data),
        _("已安排专题会商会议。"),
    )
    return redirect("meetings:detail", pk=meeting.pk) if meeting else redirect("meetings:requests")


@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    meeting_request = selectors.request_for_user(request.user, pk)
    reply = request.POST.get("reply", "")
    _run(
        request,
        lambda: services.request_decline(actor=request.user, request=meeting_request, reply=reply),
        _("已答复申请单位。"),
    )
    return redirect("meetings:requests")
