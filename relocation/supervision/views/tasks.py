"""Pages of tasks: the list, the deadline preview, creating a task, a task's
detail with its moves, and the supervision notice."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relocation.core import workdays
from relocation.core.errors import ServiceError
from relocation.core.roles import is_hq, is_hq_editor
from relocation.core.spreadsheets import export_table, wants_export
from relocation.organisation.models import Unit
from relocation.supervision import (
    exports,
    notices,
    permissions,
    selectors,
    services,
    task_sources,
)
from relocation.supervision.forms import (
    ExtendForm,
    NoteForm,
    ProgressForm,
    ReassignForm,
    TaskForm,
    parse_deadline,
)
from relocation.supervision.models import (
    TaskSource,
    TaskStatus,
)
from relocation.supervision.views.handling import PAGE_SIZE, _docx_response, _programme, _require_staff


def task_list(request: HttpRequest) -> HttpResponse:
    """我的任务 for a unit; the HQ overview with filters for HQ."""
    _require_staff(request)
    programme = _programme(request)
    today = timezone.localdate()
    yellow_until = workdays.add_workdays(today, services.settings_for(programme).yellow_workdays)
    params = {k: v.strip() for k, v in request.GET.items()}
    params["_user_id"] = str(request.user.pk)
    # The list opens on what is still open (soonest deadline first, the model's
    # order), for HQ too; "全部" in the status filter shows the closed ones.
    if "status" not in request.GET:
        params["status"] = "open"
    qs = selectors.filter_tasks(selectors.tasks_for_user(request.user), params, today=today, yellow_until=yellow_until)
    if wants_export(request):
        return export_table(_("任务清单"), exports.task_columns(today, yellow_until), qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for task in page:
        task.colour = selectors.colour(task, today, yellow_until)
    querystring = request.GET.copy()
    querystring.pop("page", None)
    context = {
        "page": page,
        "params": params,
        "querystring": querystring.urlencode(),
        "statuses": TaskStatus.choices,
        "sources": task_sources.choices(),
        "units": Unit.objects.filter(programme=programme) if is_hq(request.user) else [],
        "is_hq": is_hq(request.user),
        "can_create": is_hq_editor(request.user),
        "today": today,
    }
    template = "supervision/_task_rows.html" if request.htmx else "supervision/task_list.html"
    return render(request, template, context)


def deadline_preview(request: HttpRequest) -> HttpResponse:
    """htmx: show the date a typed deadline ("10 个工作日") resolves to."""
    _require_staff(request)
    # Whatever the field is called in the form that asks (deadline, new deadline, rectification deadline).
    raw = next((v for v in request.GET.values() if v.strip()), "")
    if not raw.strip():
        return HttpResponse("")
    try:
        date = parse_deadline(raw)
    except ValidationError as exc:
        return render(request, "supervision/_deadline_preview.html", {"error": exc.messages[0]})
    today = timezone.localdate()
    return render(
        request,
        "supervision/_deadline_preview.html",
        {"date": date, "workdays": workdays.workdays_between(today, date), "today": today},
    )


def task_create(request: HttpRequest) -> HttpResponse:
    if not is_hq_editor(request.user):
        raise PermissionDenied
    programme = _programme(request)
    form = TaskForm(request.POST or None, programme_id=programme.pk)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(actor=request.user, source=TaskSource.MANUAL, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("任务已交办。"))
            return redirect("supervision:task", pk=task.pk)
    return render(request, "supervision/task_form.html", {"form": form})


TASK_ACTIONS = {
    "sign_for": lambda user, task, post: services.task_sign_for(actor=user, task=task),
    "start": lambda user, task, post: services.task_start(actor=user, task=task),
    "report_done": lambda user, task, post: services.task_report_done(actor=user, task=task, note=post.get("note", "")),
    "verify": lambda user, task, post: services.task_verify(actor=user, task=task, note=post.get("note", "")),
    "return": lambda user, task, post: services.task_return(actor=user, task=task, reason=post.get("note", "")),
    "cancel": lambda user, task, post: services.task_cancel(actor=user, task=task, reason=post.get("note", "")),
    "remind": lambda user, task, post: services.task_remind(actor=user, task=task, note=post.get("note", "")),
}


ACTION_MESSAGES = {
    "sign_for": gettext_lazy("已签收。"),
    "start": gettext_lazy("已开始办理。"),
    "report_done": gettext_lazy("已报办结，等待指挥部核销。"),
    "verify": gettext_lazy("已核销。"),
    "return": gettext_lazy("已退回。"),
    "cancel": gettext_lazy("已撤销。"),
    "remind": gettext_lazy("已催办。"),
    "notice": gettext_lazy("督办单已下发。"),
    "progress": gettext_lazy("进展已填报。"),
    "reassign": gettext_lazy("任务已改派。"),
    "extend": gettext_lazy("完成时限已调整。"),
}


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A task with its clocks per stage, the progress thread and the actions the user may take."""
    _require_staff(request)
    task = selectors.task_for_user(request.user, pk)
    programme_id = task.programme_id
    progress_form = ProgressForm()
    reassign_form = ReassignForm(programme_id=programme_id)
    extend_form = ExtendForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in TASK_ACTIONS:
                TASK_ACTIONS[action](request.user, task, request.POST)
            elif action == "notice":
                if not is_hq_editor(request.user):
                    raise PermissionDenied
                notices.notice_issue(actor=request.user, task=task)
            elif action == "progress":
                progress_form = ProgressForm(request.POST, request.FILES)
                if not progress_form.is_valid():
                    raise _FormInvalid
                # The update and its file are kept together or not at all.
                with transaction.atomic():
                    update = services.task_update_add(
                        actor=request.user, task=task, body=progress_form.cleaned_data["body"]
                    )
                    upload = progress_form.cleaned_data.get("attachment")
                    if upload:
                        services.task_attach(actor=request.user, task=task, uploaded_file=upload, update=update)
            elif action == "reassign":
                reassign_form = ReassignForm(request.POST, programme_id=programme_id)
                if not reassign_form.is_valid():
                    raise _FormInvalid
                services.task_reassign(actor=request.user, task=task, **reassign_form.cleaned_data)
            elif action == "extend":
                extend_form = ExtendForm(request.POST)
                if not extend_form.is_valid():
                    raise _FormInvalid
                services.task_extend(actor=request.user, task=task, **extend_form.cleaned_data)
            else:
                raise ServiceError(_("未知操作。"))
        except _FormInvalid:
            messages.error(request, _("请检查填写的内容。"))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, ACTION_MESSAGES.get(action, _("已保存。")))
            return redirect("supervision:task", pk=task.pk)
        task = selectors.task_for_user(request.user, pk)
    today = timezone.localdate()
    yellow_until = workdays.add_workdays(today, services.settings_for(task.programme).yellow_workdays)
    user = request.user
    can_work = permissions.can_work_on_task(user, task)
    parts = selectors.task_detail_parts(task)
    context = {
        "task": task,
        "colour": selectors.colour(task, today, yellow_until),
        "has_current_notice": any(n.deadline == task.deadline for n in parts["notices"]),
        "clocks": selectors.stage_clocks(task),
        **parts,
        "attachments": selectors.task_attachments(task),
        "can_work": can_work,
        "can_post": permissions.can_post_update(user, task),
        "is_hq_editor": is_hq_editor(user),
        "progress_form": progress_form,
        "reassign_form": reassign_form,
        "extend_form": extend_form,
        "note_form": NoteForm(),
        "today": today,
    }
    return render(request, "supervision/task_detail.html", context)


class _FormInvalid(Exception):
    pass


def notice_download(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    notice = selectors.notice_for_user(request.user, pk)
    return _docx_response(notice.document, f"督办单-{notice.number}.docx")
