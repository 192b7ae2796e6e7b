"""HQ's configuration pages: the working-day calculator with the local overrides,
the supervision settings, and turning the plan into tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core import workdays
from relocation.core.errors import ServiceError
from relocation.core.roles import is_hq_editor
from relocation.supervision import (
    services,
)
from relocation.supervision.forms import (
    SettingsForm,
    WorkdayOverrideForm,
)
from relocation.supervision.models import (
    Task,
)
from relocation.supervision.views.handling import _programme, _require_hq, _require_staff


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
