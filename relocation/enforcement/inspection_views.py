"""The phone inspection form: the page, its autosaved draft, the answers the
offline queue reads (enforcement/static/enforcement/inspection_queue.js) and the
service worker that keeps the form usable without signal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import ServiceError
from relocation.enforcement import selectors, services
from relocation.enforcement.forms import InspectionForm
from relocation.enforcement.models import ChecklistItem, InspectionDraft, InspectionStatus
from relocation.enforcement.views.handling import _require_reader
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import User

MULTI_FIELDS = {"inspectors"}
QUEUE_HEADER = "X-Inspection-Queue"


def queue_labels() -> dict[str, str]:
    """The words of the offline queue (the script has no catalogue of its own)."""
    return {
        "pending": _("待发送"),
        "sending": _("发送中"),
        "sent": _("已发送"),
        "failed": _("被退回"),
        "online": _("网络已连接"),
        "offline": _("无网络：提交的检查记录保存在本机，恢复网络后自动发送，只发送一次"),
        "queued": _("已保存在本机，恢复网络后自动发送。"),
        "unreachable": _("无法连接服务器，稍后自动重试"),
        "login": _("登录已失效，请重新登录后点“重试”"),
        "edit": _("修改"),
        "discard": _("放弃"),
        "retry": _("重试"),
        "open": _("查看"),
        "confirm_discard": _("确定放弃这条检查记录？本机保存的内容和照片将被删除。"),
        "editing": _("正在修改被退回的检查记录，修改后重新提交。"),
    }


def _queue_answer(*, url: str = "", errors: list[str] | None = None, status: int = 200) -> JsonResponse:
    """What the offline queue shows: where the recorded inspection is, or the server's reasons."""
    return JsonResponse({"ok": not errors, "url": url, "errors": errors or []}, status=status)


def _form_values(request: HttpRequest, draft: InspectionDraft | None) -> dict[str, Any]:
    if request.method == "POST":
        return {k: (v if k in MULTI_FIELDS else v[-1]) for k, v in request.POST.lists()}
    if draft is not None:
        return dict(draft.data)
    return {}


def _inspection_form_page(request: HttpRequest, follow_up: Any = None) -> HttpResponse:
    user = request.user
    my_teams = selectors.my_teams(user).filter(is_active=True)
    draft_key = (request.POST.get("draft_key") or request.GET.get("draft") or "").strip()[:64]
    draft = InspectionDraft.objects.filter(owner=user, key=draft_key).first() if draft_key else None
    values = _form_values(request, draft)
    team_id = values.get("team") or request.GET.get("team") or (follow_up.team_id if follow_up else "")
    if not team_id:
        first = my_teams.first()
        team_id = first.pk if first else ""
    team = my_teams.filter(pk=team_id).select_related("domain").first() if str(team_id).isdigit() else None
    members = selectors.team_members(team) if team else User.objects.none()
    checklist = ChecklistItem.objects.filter(domain_id=team.domain_id, is_active=True) if team else []
    enterprises = Enterprise.objects.filter(programme_id=team.programme_id) if team else Enterprise.objects.none()
    if follow_up is not None:
        values.setdefault("enterprise", str(follow_up.enterprise_id))
    values.setdefault("inspected_on", timezone.localdate().isoformat())
    errors: list[str] = []
    # The phone's offline queue sends the form with fetch and wants an answer it can show in the queue.
    queued = request.headers.get(QUEUE_HEADER) == "1"
    if request.method == "POST":
        form = InspectionForm(
            request.POST,
            enterprises=enterprises,
            teams=my_teams,
            operations=selectors.operations_for_user(user).filter(status="planned"),
            users=members,
        )
        if form.is_valid():
            d = form.cleaned_data
            checks = {
                str(item.pk): request.POST.get(f"check_{item.pk}")
                for item in checklist
                if request.POST.get(f"check_{item.pk}")
            }
            try:
                inspection = services.inspection_record(
                    actor=user,
                    enterprise=d["enterprise"],
                    team=d["team"],
                    inspectors=list(d["inspectors"]),
                    inspected_on=d["inspected_on"],
                    checklist=checks,
                    findings=d["findings"],
                    representative_name=d["representative_name"],
                    representative_signed=d["representative_ack"] == "signed",
                    representative_refused=d["representative_ack"] == "refused",
                    operation=d["operation"],
                    photos=request.FILES.getlist("photos"),
                    follow_up=follow_up,
                    follow_up_result=d.get("follow_up_result") or "",
                    draft_key=draft_key,
                    client_key=request.POST.get("client_key", ""),
                )
            except ServiceError as exc:
                if queued:
                    return _queue_answer(errors=[exc.message], status=403 if exc.status == 403 else 409)
                errors.append(exc.message)
            else:
                if queued:
                    return _queue_answer(url=reverse("enforcement:inspection_detail", args=[inspection.pk]))
                messages.success(request, _("检查记录已提交。"))
                return redirect("enforcement:inspection_detail", pk=inspection.pk)
        else:
            for name, errs in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                errors.extend(f"{label}：{e}" if label else e for e in errs)
            if queued:
                return _queue_answer(errors=errors, status=400)
    return render(
        request,
        "enforcement/inspection_form.html",
        {
            "values": values,
            "selected_inspectors": {str(v) for v in (values.get("inspectors") or [])},
            "teams": my_teams,
            "team": team,
            "members": members,
            "checklist": checklist,
            "enterprises": enterprises,
            "operations": selectors.operations_for_user(user).filter(status="planned"),
            "follow_up": follow_up,
            "draft_key": draft_key,
            "errors": errors,
            "draft_saved_at": draft.updated_at if draft else None,
            "queue_labels": queue_labels(),
        },
        status=400 if errors else 200,
    )


def inspection_create(request: HttpRequest) -> HttpResponse:
    """The phone form of an on-site inspection."""
    _require_reader(request)
    if not selectors.my_teams(request.user).exists():
        raise PermissionDenied
    return _inspection_form_page(request)


def follow_up_perform(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete a scheduled re-inspection (回头看) from the team queue."""
    _require_reader(request)
    if request.method == "POST" and request.headers.get(QUEUE_HEADER) == "1":
        # The queue resends: a re-inspection this phone already recorded answers as recorded;
        # one someone else completed meanwhile is refused with the reason, not a missing page.
        done = services.inspection_by_client_key(actor=request.user, client_key=request.POST.get("client_key", ""))
        if done is not None:
            return _queue_answer(url=reverse("enforcement:inspection_detail", args=[done.pk]))
        visible = selectors.inspections_for_user(request.user).filter(pk=pk).first()
        if visible is not None and visible.status != InspectionStatus.SCHEDULED:
            return _queue_answer(errors=[_("该复查已由他人提交，本条记录未保存。")], status=409)
    follow_up = get_object_or_404(
        selectors.inspections_for_user(request.user).filter(status=InspectionStatus.SCHEDULED), pk=pk
    )
    if not services.can_work_for_team(request.user, follow_up.team):
        raise PermissionDenied
    return _inspection_form_page(request, follow_up=follow_up)


@require_POST
def draft_save(request: HttpRequest) -> HttpResponse:
    """Autosave endpoint of the inspection form (htmx, every pause in typing)."""
    _require_reader(request)
    data = {k: (v if k in MULTI_FIELDS else v[-1]) for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
    try:
        draft = services.draft_save(actor=request.user, key=request.POST.get("draft_key", ""), data=data)
    except ServiceError as exc:
        return HttpResponse(exc.message, status=400)
    return HttpResponse(
        _("草稿已自动保存 %(t)s") % {"t": timezone.localtime(draft.updated_at).strftime("%H:%M:%S")},
        content_type="text/plain; charset=utf-8",
    )


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the form's own path so its scope covers
    the inspection pages (a worker from /static/ could only control /static/)."""
    path = finders.find("enforcement/inspection_sw.js")
    if path is None:
        raise Http404
    with open(path, encoding="utf-8") as handle:
        body = handle.read()
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
