"""Pages of public opinion: the list, HQ's response limits, recording and editing
an event, its moves."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from relocation.core.roles import is_hq_editor
from relocation.stability import forms, permissions, selectors, services
from relocation.stability.models import (
    OpinionLevel,
    OpinionStatus,
)
from relocation.stability.views.handling import (
    _create_page,
    _edit_initial,
    _form_kwargs,
    _move_view,
    _page,
    _querystring,
    _recorder_programme,
    _require_reader,
    _run,
    _submit,
)


def opinion_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    qs = selectors.opinions_for_user(request.user)
    status, level = request.GET.get("status", ""), request.GET.get("level", "")
    overdue = request.GET.get("overdue") == "1"
    if status in OpinionStatus.values:
        qs = qs.filter(status=status)
    if level in OpinionLevel.values:
        qs = qs.filter(level=level)
    if overdue:
        qs = qs.filter(overdue=True)
    page = _page(request, qs)
    return render(
        request,
        "stability/opinion_list.html",
        {
            "page": page,
            "events": page.object_list,
            "statuses": OpinionStatus.choices,
            "levels": OpinionLevel.choices,
            "status": status,
            "level": level,
            "overdue": overdue,
            "overdue_count": selectors.opinions_for_user(request.user).filter(overdue=True).count(),
            "rules": services.response_rules(),
            "can_set_rules": is_hq_editor(request.user),
            "querystring": _querystring(request),
            "can_record": permissions.can_record(request.user),
        },
    )


@require_POST
def response_rule_set(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    try:
        hours = int(request.POST.get("hours", ""))
    except ValueError:
        messages.error(request, _("响应时限应在 1 至 720 小时之间。"))
        return redirect("stability:opinions")
    _run(
        request,
        lambda: services.response_rule_set(actor=request.user, level=request.POST.get("level", ""), hours=hours),
        _("响应时限已调整，此后登记或调整等级的舆情按新时限计算。"),
    )
    return redirect("stability:opinions")


def opinion_create(request: HttpRequest) -> HttpResponse:
    programme = _recorder_programme(request)
    form = forms.OpinionForm(
        request.POST or None, initial={"enterprise": request.GET.get("enterprise")}, **_form_kwargs(request)
    )
    return _create_page(
        request,
        form,
        lambda data: services.opinion_record(actor=request.user, programme=programme, **data),
        _("舆情已登记，处置单位已收到通知。"),
        "stability:opinion",
        "stability/opinion_form.html",
        {},
    )


def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    event = selectors.opinion_for_user(request.user, pk)
    edit_form = forms.OpinionEditForm(
        initial=_edit_initial(
            event,
            "title",
            "url",
            "description",
            "level",
            "heat",
            "sentiment",
            co_units=[u.pk for u in event.co_units.all()],
        ),
        **_form_kwargs(request),
    )
    return render(
        request,
        "stability/opinion_detail.html",
        {
            "event": event,
            "history": list(event.status_changes.select_related("actor")),
            "can_handle": permissions.can_handle_opinion(request.user, event),
            "edit_form": edit_form,
            "close_form": forms.CloseOpinionForm(),
        },
    )


@require_POST
def opinion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    event = selectors.opinion_for_user(request.user, pk)
    form = forms.OpinionEditForm(request.POST, **_form_kwargs(request))
    _submit(
        request,
        form,
        lambda data: services.opinion_update(
            actor=request.user, event=event, expected_version=data.pop("version"), **data
        ),
        _("舆情情况已更新。"),
    )
    return redirect("stability:opinion", pk=pk)


opinion_move = _move_view(
    selectors.opinion_for_user,
    "event",
    "stability:opinion",
    {
        OpinionStatus.VERIFYING: (services.opinion_verify, "note", "text", gettext_lazy("已开始核实。")),
        OpinionStatus.RESPONDING: (services.opinion_respond, "note", "text", gettext_lazy("已进入处置。")),
        OpinionStatus.CLOSED: (
            services.opinion_close,
            "published_response",
            "published_response",
            gettext_lazy("舆情已办结。"),
        ),
    },
)
