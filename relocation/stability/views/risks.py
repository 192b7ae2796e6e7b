"""Pages of the risk register: the list, assessing an enterprise, a risk's detail
with its level history and signals."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.stability import forms, permissions, selectors, services
from relocation.stability.models import (
    RiskLevel,
)
from relocation.stability.views.handling import (
    _create_page,
    _edit_initial,
    _form_kwargs,
    _page,
    _querystring,
    _recorder_programme,
    _require_reader,
    _submit,
)


def risk_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    qs = selectors.risks_for_user(request.user)
    level = request.GET.get("level", "")
    if level in RiskLevel.values:
        qs = qs.filter(level=level)
    today = timezone.localdate()
    page = _page(request, qs)
    return render(
        request,
        "stability/risk_list.html",
        {
            "page": page,
            "risks": selectors.with_signals(list(page.object_list)),
            "unassessed": selectors.unassessed_signals(request.user) if not level else [],
            "high": list(selectors.high_risk_for_user(request.user)[:20]) if not level else [],
            "levels": RiskLevel.choices,
            "level": level,
            "today": today,
            "querystring": _querystring(request),
            "can_record": permissions.can_record(request.user),
        },
    )


def risk_create(request: HttpRequest) -> HttpResponse:
    programme = _recorder_programme(request)
    initial = {"responsible_unit": getattr(request.user, "unit_id", None), "enterprise": request.GET.get("enterprise")}
    form = forms.RiskForm(request.POST or None, initial=initial, **_form_kwargs(request))
    return _create_page(
        request,
        form,
        lambda data: services.risk_assess(
            actor=request.user,
            enterprise=data["enterprise"],
            level=data["level"],
            factors=data["factors"],
            responsible_unit=data["responsible_unit"],
            co_units=data["co_units"],
            review_on=data["review_on"],
            notes=data["notes"],
        ),
        _("已登记风险研判。"),
        "stability:risk",
        "stability/risk_form.html",
        {"programme": programme},
    )


def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    risk = selectors.risk_for_user(request.user, pk)
    can_edit = permissions.can_edit_risk(request.user, risk)
    initial = _edit_initial(
        risk,
        "level",
        "factors",
        "review_on",
        "notes",
        responsible_unit=risk.responsible_unit_id,
        co_units=[u.pk for u in risk.co_units.all()],
    )
    form = forms.RiskEditForm(request.POST or None, initial=initial, **_form_kwargs(request))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        done = _submit(
            request,
            form,
            lambda data: services.risk_update(
                actor=request.user,
                risk=risk,
                expected_version=data["version"],
                level=data["level"],
                factors=data["factors"],
                responsible_unit=data["responsible_unit"],
                co_units=data["co_units"],
                review_on=data["review_on"],
                notes=data["notes"],
                reason=data["reason"],
            ),
            _("风险研判已更新。"),
        )
        if done:
            return redirect("stability:risk", pk=pk)
    return render(
        request,
        "stability/risk_detail.html",
        {
            "risk": risk,
            "history": list(risk.level_changes.select_related("actor")),
            "form": form,
            "can_edit": can_edit,
            "is_overdue": risk.review_on < timezone.localdate(),
        },
    )
