"""Pages of unit reports: the list, opening a report for a period, a report's
detail with its problems and HQ's review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import ServiceError
from relocation.core.roles import is_hq, is_hq_editor
from relocation.core.spreadsheets import export_table, wants_export
from relocation.supervision import (
    exports,
    permissions,
    reports,
    selectors,
)
from relocation.supervision.forms import (
    ReportForm,
    ReviewForm,
)
from relocation.supervision.models import (
    ReportStatus,
)
from relocation.supervision.views.handling import PAGE_SIZE, _programme, _require_staff


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
