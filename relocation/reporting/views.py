from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import ConflictError, PermissionDeniedError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.organisation.selectors import active_programme
from relocation.reporting import compilation, selectors, services
from relocation.reporting.models import Bulletin, BulletinStatus


def _require_reader(request: HttpRequest) -> None:
    if not selectors.can_read(request.user):
        raise PermissionDenied


def _require_hq(request: HttpRequest) -> None:
    if not is_hq_editor(request.user):
        raise PermissionDenied


def bulletin_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return render(
        request,
        "reporting/bulletin_list.html",
        {
            "bulletins": list(selectors.bulletins_for_user(request.user)[:60]),
            "can_edit": is_hq_editor(request.user),
            "show_reads": selectors.can_see_receipts(request.user),
            "default_year": last_month.year,
            "default_month": last_month.month,
            "months": range(1, 13),
        },
    )


@require_POST
def bulletin_compile(request: HttpRequest) -> HttpResponse:
    _require_hq(request)
    programme = active_programme()
    if programme is None:
        raise Http404
    try:
        year, month = int(request.POST.get("year", "")), int(request.POST.get("month", ""))
    except ValueError:
        messages.error(request, _("请选择年份和月份。"))
        return redirect("reporting:list")
    try:
        bulletin = services.bulletin_compile(actor=request.user, programme=programme, year=year, month=month)
    except PermissionDeniedError:
        raise PermissionDenied
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("reporting:list")
    messages.success(request, _("月度通报已汇编，请审核修改后印发。"))
    return redirect("reporting:detail", pk=bulletin.pk)


def _chart_options(bulletin: Bulletin) -> dict:
    """ECharts options for the browser, from the same figures as the documents."""
    result = {}
    for key, chart in compilation.charts(bulletin.figures or {}).items():
        result[key] = {
            "title": {"text": chart.title, "left": "center", "textStyle": {"fontSize": 13}},
            "grid": {"left": 40, "right": 10, "bottom": 70, "top": 40},
            "tooltip": {},
            "xAxis": {"type": "category", "data": list(chart.labels), "axisLabel": {"rotate": 35, "interval": 0}},
            "yAxis": {"type": "value", **({"max": chart.max_value} if chart.max_value else {})},
            "series": [
                {
                    "type": "bar",
                    "data": list(chart.values),
                    "itemStyle": {"color": "#0b3d6e"},
                    "label": {"show": True, "position": "top"},
                }
            ],
        }
    return result


def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    bulletin = selectors.bulletin_for_user(request.user, pk)
    services.receipt_record(user=request.user, bulletin=bulletin)
    figures = bulletin.figures or {}
    sections = [{"section": s, "tables": compilation.tables(s.key, figures)} for s in bulletin.sections.all()]
    return render(
        request,
        "reporting/bulletin_detail.html",
        {
            "bulletin": bulletin,
            "sections": sections,
            "charts": _chart_options(bulletin),
            "can_edit": is_hq_editor(request.user) and bulletin.status == BulletinStatus.DRAFT,
            "can_see_receipts": selectors.can_see_receipts(request.user) and bulletin.status == BulletinStatus.ISSUED,
        },
    )


@require_POST
def section_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    _require_hq(request)
    bulletin = selectors.bulletin_for_user(request.user, pk)
    section = get_object_or_404(bulletin.sections, key=key)
    error = ""
    try:
        version = int(request.POST.get("version", ""))
        section = services.section_update(
            actor=request.user, section=section, text=request.POST.get("text", ""), expected_version=version
        )
    except ValueError:
        error = _("请刷新页面后重试。")
    except PermissionDeniedError:
        raise PermissionDenied
    except ConflictError as exc:
        error = exc.message
        section.refresh_from_db()
    except ServiceError as exc:
        error = exc.message
    context = {
        "s": {"section": section, "tables": compilation.tables(section.key, bulletin.figures or {})},
        "bulletin": bulletin,
        "can_edit": True,
        "error": error,
        "saved": not error,
    }
    if request.htmx:
        return render(request, "reporting/_section.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("已保存。"))
    return redirect("reporting:detail", pk=pk)


@require_POST
def bulletin_issue(request: HttpRequest, pk: int) -> HttpResponse:
    _require_hq(request)
    bulletin = selectors.bulletin_for_user(request.user, pk)
    try:
        services.bulletin_issue(actor=request.user, bulletin=bulletin)
    except PermissionDeniedError:
        raise PermissionDenied
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("月度通报已印发各成员单位，并抄送协调小组领导。"))
    return redirect("reporting:detail", pk=pk)


def document_response(bulletin: Bulletin, fmt: str) -> HttpResponse:
    data = bulletin.docx if fmt == "docx" else bulletin.pdf if fmt == "pdf" else None
    if not data:
        raise Http404
    content_type = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if fmt == "docx"
        else "application/pdf"
    )
    response = HttpResponse(bytes(data), content_type=content_type)
    disposition = "attachment" if fmt == "docx" else "inline"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(f'{bulletin.title}.{fmt}')}"
    return response


def bulletin_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    _require_reader(request)
    bulletin = selectors.bulletin_file_for_user(request.user, pk)
    services.receipt_record(user=request.user, bulletin=bulletin)
    return document_response(bulletin, fmt)


def bulletin_receipts(request: HttpRequest, pk: int) -> HttpResponse:
    if not selectors.can_see_receipts(request.user):
        raise PermissionDenied
    bulletin = selectors.bulletin_for_user(request.user, pk)
    rows = selectors.receipts_of(bulletin)
    return render(
        request,
        "reporting/bulletin_receipts.html",
        {
            "bulletin": bulletin,
            "rows": rows,
            "read": sum(1 for r in rows if r["opened_at"]),
            "unread": sum(1 for r in rows if not r["opened_at"]),
        },
    )
