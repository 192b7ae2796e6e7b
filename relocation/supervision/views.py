from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from relocation.core import workdays
from relocation.core.errors import ServiceError
from relocation.core.roles import is_hq, is_hq_editor, is_staff_member
from relocation.core.spreadsheets import export_table, wants_export
from relocation.organisation.models import Unit
from relocation.organisation.selectors import programme_for
from relocation.supervision import (
    exports,
    notices,
    permissions,
    reports,
    reviews,
    scorecards,
    selectors,
    services,
    task_sources,
)
from relocation.supervision.forms import (
    ExtendForm,
    FindingForm,
    InspectionForm,
    NoteForm,
    ProgressForm,
    ReassignForm,
    ReportForm,
    ReviewForm,
    SettingsForm,
    TaskForm,
    WorkdayOverrideForm,
    parse_deadline,
)
from relocation.supervision.models import (
    Inspection,
    MonthlyReview,
    MonthlyReviewItem,
    ReportStatus,
    Task,
    TaskSource,
    TaskStatus,
)

PAGE_SIZE = 30
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require_staff(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied


def _require_hq(request: HttpRequest) -> None:
    if not is_hq(request.user):
        raise PermissionDenied


def _programme(request: HttpRequest):
    programme = programme_for(request.user)
    if programme is None:
        raise Http404
    return programme


def _docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


# ---- tasks ---------------------------------------------------------------


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
    visible = selectors.tasks_for_user(request.user).filter(programme=programme)
    qs = selectors.filter_tasks(visible, params, today=today, yellow_until=yellow_until)
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


# ---- monthly reviews and inspections --------------------------------------


def review_list(request: HttpRequest) -> HttpResponse:
    _require_hq(request)
    programme = _programme(request)
    if request.method == "POST":
        try:
            review = reviews.review_generate(
                actor=request.user, programme=programme, month=timezone.localdate().replace(day=1)
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("supervision:review", pk=review.pk)
    return render(
        request,
        "supervision/review_list.html",
        {"reviews": selectors.reviews(programme), "can_edit": is_hq_editor(request.user)},
    )


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    review = get_object_or_404(MonthlyReview, pk=pk, programme=_programme(request))
    if request.method == "POST":
        item = get_object_or_404(MonthlyReviewItem, pk=request.POST.get("item"), review=review)
        try:
            item = reviews.review_item_mark(
                actor=request.user,
                item=item,
                reviewed=request.POST.get("reviewed") == "1",
                comment=request.POST.get("comment", ""),
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        if request.htmx:
            item = selectors.review_items(review).get(pk=item.pk)
            return render(request, "supervision/_review_item.html", {"item": item, "can_edit": True})
        return redirect("supervision:review", pk=review.pk)
    items = selectors.review_items(review)
    return render(
        request,
        "supervision/review_detail.html",
        {"review": review, "items": items, "can_edit": is_hq_editor(request.user)},
    )


def inspection_list(request: HttpRequest) -> HttpResponse:
    _require_hq(request)
    programme = _programme(request)
    today = timezone.localdate()
    form = InspectionForm(request.POST or None, initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1})
    if request.method == "POST":
        if not is_hq_editor(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                inspection = reviews.inspection_create(actor=request.user, programme=programme, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("supervision:inspection", pk=inspection.pk)
    from django.db.models import Count

    inspections = Inspection.objects.filter(programme=programme).defer("report").annotate(n_findings=Count("findings"))
    if wants_export(request):
        return export_table(_("专题督查"), exports.INSPECTION_COLUMNS, inspections)
    return render(
        request,
        "supervision/inspection_list.html",
        {"inspections": inspections, "form": form, "can_edit": is_hq_editor(request.user)},
    )


def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    programme = _programme(request)
    inspection = get_object_or_404(Inspection.objects.defer("report"), pk=pk, programme=programme)
    form = FindingForm(programme_id=programme.pk)
    if request.method == "POST":
        if not is_hq_editor(request.user):
            raise PermissionDenied
        try:
            if request.POST.get("action") == "report":
                reviews.inspection_report(actor=request.user, inspection=inspection)
                messages.success(request, _("督查报告已报协调小组。"))
                return redirect("supervision:inspection", pk=pk)
            form = FindingForm(request.POST, programme_id=programme.pk)
            if form.is_valid():
                reviews.finding_add(actor=request.user, inspection=inspection, **form.cleaned_data)
                messages.success(request, _("已记录发现问题。"))
                return redirect("supervision:inspection", pk=pk)
        except ServiceError as exc:
            messages.error(request, exc.message)
    findings = inspection.findings.select_related("unit", "task")
    return render(
        request,
        "supervision/inspection_detail.html",
        {"inspection": inspection, "findings": findings, "form": form, "can_edit": is_hq_editor(request.user)},
    )


def inspection_report_download(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    inspection = get_object_or_404(Inspection, pk=pk, programme=_programme(request))
    if not inspection.report:
        raise Http404
    return _docx_response(inspection.report, f"专题督查报告-{inspection.report_number}.docx")


# ---- scorecards ------------------------------------------------------------


def scorecard(request: HttpRequest) -> HttpResponse:
    """The league table of units with on-time rates, report timeliness, overdue counts and trends."""
    _require_staff(request)
    programme = _programme(request)
    today = timezone.localdate()
    table = scorecards.league_table(programme, today)
    months = scorecards.trend_months(today)
    own = request.user.unit_id if not is_hq(request.user) else None
    series = [
        {"name": str(r["unit"]), "data": [None if v is None else round(v * 100, 1) for v in r["trend"]]}
        for r in table
        if own is None or r["unit"].pk == own
    ][:8]
    return render(
        request,
        "supervision/scorecard.html",
        {"table": table, "chart": {"months": months, "series": series}, "own_unit": own},
    )


# ---- unit reports ------------------------------------------------------------


def report_list(request: HttpRequest) -> HttpResponse:
    """A unit's own reports (and the current one to fill in); for HQ, one period's
    reports of every unit and the list of units that have not reported."""
    _require_staff(request)
    programme = _programme(request)
    today = timezone.localdate()
    period = reports.last_closed_period(programme, today)
    if request.GET.get("period"):
        try:
            period = reports.period_containing(programme, dt.date.fromisoformat(request.GET["period"]))
        except ValueError:
            pass
    context: dict[str, Any] = {"period": period, "today": today, "is_hq": is_hq(request.user)}
    if is_hq(request.user):
        context["reports"] = selectors.reports_for_user(request.user).filter(
            programme=programme, period_start=period.start
        )
        context["missing"] = selectors.missing_reports(programme, period.start)
        context["periods"] = list(
            reversed(reports.periods_between(programme, period.start - dt.timedelta(days=140), today))
        )
        if wants_export(request):
            rows = list(context["reports"]) + exports.missing_rows(context["missing"], period)
            return export_table(_("信息报送"), exports.report_columns(), rows)
    else:
        qs = selectors.reports_for_user(request.user).filter(programme=programme)
        if wants_export(request):
            return export_table(_("信息报送"), exports.report_columns(), qs)
        context["page"] = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        context["current"] = qs.filter(period_start=period.start).first()
        context["can_fill"] = permissions.acts_for_unit(request.user, request.user.unit_id)
    return render(request, "supervision/report_list.html", context)


@require_POST
def report_open(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    programme = _programme(request)
    try:
        start = dt.date.fromisoformat(request.POST.get("period", ""))
    except ValueError:
        start = reports.last_closed_period(programme, timezone.localdate()).start
    unit = request.user.unit
    if unit is None:
        raise PermissionDenied
    try:
        report = reports.report_open(actor=request.user, unit=unit, period_start=start)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("supervision:reports")
    return redirect("supervision:report", pk=report.pk)


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    report = selectors.report_for_user(request.user, pk)
    can_edit = report.status == ReportStatus.DRAFT and permissions.acts_for_unit(request.user, report.unit_id)
    problems_text = "\n".join(
        ("【紧急】" if p.is_urgent else "") + p.title + (f"：{p.detail}" if p.detail else "")
        for p in report.problems.all()
    )
    form = ReportForm(
        initial={
            "progress": report.progress,
            "problems": problems_text,
            "next_steps": report.next_steps,
            "suggestions": report.suggestions,
            "version": report.version,
        }
    )
    review_form = ReviewForm()
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action in ("save", "submit"):
                if not can_edit:
                    raise PermissionDenied
                form = ReportForm(request.POST)
                if form.is_valid():
                    reports.report_save(
                        actor=request.user,
                        report=report,
                        progress=form.cleaned_data["progress"],
                        next_steps=form.cleaned_data["next_steps"],
                        suggestions=form.cleaned_data["suggestions"],
                        problems=form.problem_list(),
                        expected_version=form.cleaned_data["version"],
                    )
                    if action == "submit":
                        reports.report_submit(actor=request.user, report=report)
                        messages.success(request, _("信息已报送指挥部。"))
                    else:
                        messages.success(request, _("草稿已保存。"))
                    return redirect("supervision:report", pk=report.pk)
            elif action == "review":
                review_form = ReviewForm(request.POST)
                if review_form.is_valid():
                    reports.report_review(
                        actor=request.user, report=report, comment=review_form.cleaned_data["comment"]
                    )
                    messages.success(request, _("审阅意见已发送。"))
                    return redirect("supervision:report", pk=report.pk)
        except ServiceError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "supervision/report_detail.html",
        {
            "report": report,
            "form": form,
            "review_form": review_form,
            "can_edit": can_edit,
            "can_review": is_hq_editor(request.user) and report.status == ReportStatus.SUBMITTED,
            "problems": report.problems.all(),
        },
    )


def workday_calculator(request: HttpRequest) -> HttpResponse:
    """Working-day calculator (official calendar plus local overrides), and
    HQ's list of local overrides (typhoon days off, Saturdays worked)."""
    from relocation.core.models import WorkdayOverride

    _require_staff(request)
    from relocation.core.models import OfficialCalendarYear
    from relocation.core.services import calendar_notice_save

    is_notice = request.method == "POST" and bool(request.POST.get("notice"))
    form = WorkdayOverrideForm(None if is_notice else (request.POST or None))
    notice_error, notice_data = "", {}
    if request.method == "POST":
        if not is_hq_editor(request.user):
            raise PermissionDenied
        try:
            if is_notice:
                notice_data = {k: request.POST.get(k, "") for k in ("year", "source", "holidays", "workdays")}
                entry = calendar_notice_save(actor=request.user, data=notice_data)
                messages.success(request, _("已录入 %(y)s 年国家节假日安排。") % {"y": entry.year})
                return redirect(reverse("supervision:workdays") + "#official-years")
            if request.POST.get("delete"):
                override = get_object_or_404(WorkdayOverride, pk=request.POST["delete"])
                services.workday_override_delete(actor=request.user, override=override)
                messages.success(request, _("已取消该日调整。"))
                return redirect("supervision:workdays")
            if form.is_valid():
                services.workday_override_save(actor=request.user, **form.cleaned_data)
                messages.success(request, _("已保存工作日调整。"))
                return redirect("supervision:workdays")
        except ServiceError as exc:
            if is_notice:
                notice_error = exc.message
            else:
                form.add_error(None, exc.message)
    result: dict[str, Any] = {}
    start = request.GET.get("start") or timezone.localdate().isoformat()
    try:
        start_date = dt.date.fromisoformat(start)
        if request.GET.get("n"):
            result["added"] = workdays.add_workdays(start_date, int(request.GET["n"]))
        if request.GET.get("end"):
            end_date = dt.date.fromisoformat(request.GET["end"])
            result["between"] = workdays.workdays_between(start_date, end_date)
            result["between_estimate"] = workdays.is_estimate(end_date, since=start_date)
    except ValueError:
        result["error"] = _("请输入正确的日期（YYYY-MM-DD）和天数。")
    since = timezone.localdate() - dt.timedelta(days=365)
    next_year = timezone.localdate().year + 1
    return render(
        request,
        "supervision/workdays.html",
        {
            "params": request.GET,
            "start": start,
            "result": result,
            "overrides": WorkdayOverride.objects.filter(date__gte=since),
            "form": form,
            "can_edit": is_hq_editor(request.user),
            "entered_years": OfficialCalendarYear.objects.all(),
            "package_first": workdays.PACKAGE_YEARS.start,
            "package_last": workdays.PACKAGE_YEARS.stop - 1,
            "last_covered": workdays.last_covered_year(),
            "missing_next": next_year if not workdays.is_covered(next_year) else None,
            "notice_error": notice_error,
            "notice_data": notice_data,
        },
    )


def settings_edit(request: HttpRequest) -> HttpResponse:
    """HQ's knobs: warning and escalation thresholds, the report period, the notice heading."""
    _require_hq(request)
    programme = _programme(request)
    conf = services.settings_for(programme)
    form = SettingsForm(request.POST or None, instance=conf)
    if request.method == "POST":
        if not is_hq_editor(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.settings_update(actor=request.user, programme=programme, values=form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("督办设置已保存。"))
                return redirect("supervision:settings")
    return render(request, "supervision/settings.html", {"form": form, "can_edit": is_hq_editor(request.user)})


@require_POST
def plan_seed(request: HttpRequest) -> HttpResponse:
    """HQ turns the plan's phase tasks and unit duties into tasks (once; running it again adds nothing)."""
    from relocation.supervision.plan import plan_tasks_seed

    if not is_hq_editor(request.user):
        raise PermissionDenied
    before = Task.objects.count()
    plan_tasks_seed(actor=request.user, programme=_programme(request))
    messages.success(request, _("已从方案生成 %(n)d 项任务。") % {"n": Task.objects.count() - before})
    return redirect(f"{reverse('supervision:tasks')}?source=plan")
