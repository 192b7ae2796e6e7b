"""Pages of monthly reviews, supervision inspections with their report, and the
units' scorecards."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core.errors import ServiceError
from relocation.core.roles import is_hq, is_hq_editor
from relocation.core.spreadsheets import export_table, wants_export
from relocation.supervision import (
    exports,
    reviews,
    scorecards,
    selectors,
)
from relocation.supervision.forms import (
    FindingForm,
    InspectionForm,
)
from relocation.supervision.models import (
    Inspection,
    MonthlyReview,
    MonthlyReviewItem,
)
from relocation.supervision.views.handling import _docx_response, _programme, _require_hq, _require_staff


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
