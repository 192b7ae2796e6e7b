from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import ServiceError
from relocation.enterprises.selectors import enterprise_for_user
from relocation.monitoring import forms, permissions, selectors, services
from relocation.monitoring.models import AlertKind, AlertStatus, UtilityKind
from relocation.organisation.models import User

PAGE_SIZE = 25


def _require_reader(request: HttpRequest) -> None:
    if not permissions.can_read(request.user):
        raise PermissionDenied


def alert_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    params = {k: v.strip() for k, v in request.GET.items()}
    qs = selectors.filter_alerts(selectors.alerts_for_user(request.user), params)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "monitoring/alert_list.html",
        {
            "page": page,
            "params": params,
            "querystring": querystring.urlencode(),
            "kinds": AlertKind.choices,
            "statuses": AlertStatus.choices,
            "can_manage_points": permissions.can_manage_points(request.user),
            "can_import": permissions.can_import_utility(request.user),
        },
    )


def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    alert = selectors.alert_for_user(request.user, pk)
    can_handle = permissions.can_handle_alert(request.user, alert)
    assignees = []
    if can_handle:
        assignees = User.objects.filter(is_active=True, unit_id=alert.responsible_unit_id).order_by("display_name")
    return render(
        request,
        "monitoring/alert_detail.html",
        {
            "alert": alert,
            "history": alert.history.select_related("actor"),
            "can_handle": can_handle,
            "assignees": assignees,
            "close_form": forms.CloseForm(),
        },
    )


def _alert_action(request: HttpRequest, pk: int, action) -> HttpResponse:
    _require_reader(request)
    alert = selectors.alert_for_user(request.user, pk)
    if not permissions.can_handle_alert(request.user, alert):
        raise PermissionDenied
    try:
        action(alert)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return redirect("monitoring:alert", pk=alert.pk)


@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _alert_action(
        request,
        pk,
        lambda a: services.alert_acknowledge(actor=request.user, alert=a, note=request.POST.get("note", "")),
    )


@require_POST
def alert_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _alert_action(
        request, pk, lambda a: services.alert_close(actor=request.user, alert=a, reason=request.POST.get("reason", ""))
    )


@require_POST
def alert_assign(request: HttpRequest, pk: int) -> HttpResponse:
    def assign(alert):
        user_id = request.POST.get("assignee", "")
        assignee = User.objects.filter(pk=int(user_id)).first() if user_id.isdigit() else None
        if assignee is None:
            raise ServiceError(_("请选择处理人。"))
        services.alert_assign(actor=request.user, alert=alert, assignee=assignee, note=request.POST.get("note", ""))

    return _alert_action(request, pk, assign)


def _enterprise_context(request: HttpRequest, pk: int) -> dict:
    enterprise = enterprise_for_user(request.user, pk)
    points = list(selectors.points_for_user(request.user).filter(enterprise=enterprise))
    return {
        "enterprise": enterprise,
        "points": points,
        "alerts": selectors.alerts_for_user(request.user).filter(enterprise=enterprise)[:20],
        "balances": selectors.toxic_balances(enterprise),
        "can_record_toxic": permissions.can_record_toxic(request.user, enterprise),
    }


def enterprise_monitoring(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    context = _enterprise_context(request, pk)
    since = timezone.localdate() - dt.timedelta(days=30)
    context["utility"] = selectors.utility_for_user(request.user).filter(
        enterprise=context["enterprise"], hour__isnull=True, reading_date__gte=since
    )
    # The chart script's labels, handed over through json_script (no inline script under the CSP).
    context["chart_labels"] = {
        "no_data": _("近7天没有小时数据"),
        "upper": _("上限"),
        "lower": _("下限"),
        "stopped": _("停产"),
        "water": _("用水"),
        "power": _("用电"),
    }
    return render(request, "monitoring/enterprise_monitoring.html", context)


def enterprise_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The block the enterprise page loads (htmx) from `_enterprise_section.html`."""
    _require_reader(request)
    return render(request, "monitoring/_enterprise_summary.html", _enterprise_context(request, pk))


def point_chart(request: HttpRequest, pk: int) -> JsonResponse:
    _require_reader(request)
    point = selectors.point_for_user(request.user, pk)
    days = min(int(request.GET.get("days", "7")) if request.GET.get("days", "").isdigit() else 7, 90)
    cn = request.GET.get("cn", "2061") if request.GET.get("cn") in {"2011", "2051", "2061", "2031"} else "2061"
    span = dt.timedelta(days=days)
    resolution = selectors.chart_resolution(span, cn)
    return JsonResponse(selectors.chart_series(point, since=timezone.now() - span, cn=cn, resolution=resolution))


def utility_chart(request: HttpRequest, pk: int) -> JsonResponse:
    _require_reader(request)
    enterprise = enterprise_for_user(request.user, pk)
    rows = (
        selectors.utility_for_user(request.user)
        .filter(enterprise=enterprise, hour__isnull=True)
        .order_by("reading_date")
        .values_list("kind", "reading_date", "consumption")
    )
    series: dict[str, list] = {k: [] for k in UtilityKind.values}
    for kind, day, amount in rows:
        series[kind].append([day.isoformat(), float(amount)])
    stop = enterprise.status_changed_at
    return JsonResponse({"series": series, "stop_date": timezone.localtime(stop).date().isoformat() if stop else None})


def point_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    qs = selectors.points_for_user(request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/point_list.html",
        {"page": page, "can_manage": permissions.can_manage_points(request.user), "querystring": ""},
    )


def device_health(request: HttpRequest) -> HttpResponse:
    """HQ and the owning unit: their devices, worst first."""
    from relocation.monitoring import health

    if not permissions.can_read(request.user):
        raise PermissionDenied
    points = list(selectors.device_points_for_user(request.user))
    return render(request, "monitoring/device_health.html", {"rows": health.device_health(points), "active": "devices"})


def exceedance_report(request: HttpRequest) -> HttpResponse:
    """HQ and the owning unit: a month's days whose daily average exceeded a limit
    (from the daily aggregates); `?export=xlsx` gives one row per exceeded day."""
    from relocation.core.spreadsheets import export_table, wants_export
    from relocation.monitoring import exceedance_report as report

    if not permissions.can_read(request.user):
        raise PermissionDenied
    error = ""
    try:
        month = report.parse_month(request.GET.get("month"))
    except report.MonthError as exc:
        error, month = str(exc), report.parse_month("")
    lines = report.report_for_user(request.user, month)
    if wants_export(request) and not error:
        name = _("日均值超标月报 %(month)s") % {"month": f"{month:%Y-%m}"}
        return export_table(name, report.EXPORT_COLUMNS, report.exceeded_days(lines))
    return render(
        request,
        "monitoring/exceedance_report.html",
        {"lines": lines, "month": month, "error": error, "active": "report"},
    )


def point_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not permissions.can_manage_points(request.user):
        raise PermissionDenied
    point = selectors.point_for_user(request.user, pk) if pk else None
    form = forms.PointForm(request.POST or None, instance=point, initial={"version": point.version if point else None})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            if point is None:
                point = services.point_create(actor=request.user, data=data)
            else:
                data.pop("enterprise", None)
                services.point_update(
                    actor=request.user, point=point, data=data, expected_version=form.cleaned_data["version"] or 0
                )
        except ServiceError as exc:
            form.add_error(exc.code if exc.code in form.fields else None, exc.message)
        else:
            messages.success(request, _("监控点已保存。"))
            return redirect("monitoring:points")
    from relocation.monitoring import health

    observed = health.device_health([point])[0] if point else None
    return render(request, "monitoring/point_form.html", {"form": form, "point": point, "observed": observed})


def utility_import(request: HttpRequest) -> HttpResponse:
    if not permissions.can_import_utility(request.user):
        raise PermissionDenied
    form = forms.UtilityImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        commit = request.POST.get("confirm") == "1"
        try:
            result = services.utility_import(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                data=data,
                commit=commit,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            if commit and not result["errors"]:
                messages.success(request, _("已导入 %(n)s 行。") % {"n": result["rows"]})
                return redirect("monitoring:utility_import")
    return render(request, "monitoring/utility_import.html", {"form": form, "result": result})


def toxic_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    enterprise = enterprise_for_user(request.user, pk)
    can_record = permissions.can_record_toxic(request.user, enterprise)
    form = forms.ToxicMovementForm(request.POST or None)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.toxic_movement_record(actor=request.user, enterprise=enterprise, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error(exc.code if exc.code in form.fields else None, exc.message)
            else:
                messages.success(request, _("台账已登记。"))
                return redirect("monitoring:toxic", pk=enterprise.pk)
    movements = (
        selectors.toxic_for_user(request.user)
        .filter(enterprise=enterprise)
        .select_related("reversed_by")
        .order_by("-occurred_on", "-id")
    )
    return render(
        request,
        "monitoring/toxic_ledger.html",
        {
            "enterprise": enterprise,
            "movements": movements[:200],
            "balances": selectors.toxic_balances(enterprise),
            "catalogue": selectors.toxic_chemicals(),
            "form": form,
            "can_record": can_record,
        },
    )


@require_POST
def toxic_reverse(request: HttpRequest, pk: int, movement: int) -> HttpResponse:
    """Cancel a wrong ledger line with a counter-entry and its reason."""
    _require_reader(request)
    enterprise = enterprise_for_user(request.user, pk)
    if not permissions.can_record_toxic(request.user, enterprise):
        raise PermissionDenied
    line = get_object_or_404(selectors.toxic_for_user(request.user).filter(enterprise=enterprise), pk=movement)
    try:
        services.toxic_movement_reverse(actor=request.user, movement=line, reason=request.POST.get("reason", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已冲销，冲销行已登记。"))
    return redirect("monitoring:toxic", pk=enterprise.pk)


def limit_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    from relocation.monitoring.models import Standard

    standards = Standard.objects.prefetch_related("limits").exclude(kind="permit")
    return render(request, "monitoring/limit_list.html", {"standards": standards})


def policy_edit(request: HttpRequest) -> HttpResponse:
    from relocation.core.roles import is_hq_editor

    if not is_hq_editor(request.user):
        raise PermissionDenied
    form = forms.PolicyForm(request.POST or None, instance=selectors.policy())
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(actor=request.user, data=form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("monitoring:policy")
    return render(request, "monitoring/policy_form.html", {"form": form})
