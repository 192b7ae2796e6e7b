from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import ConflictError, ServiceError
from relocation.core.roles import is_hq_editor
from relocation.core.spreadsheets import export_table, wants_export
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import Unit
from relocation.parks import exports, incentives, selectors, services, streams
from relocation.parks.forms import (
    DemandForm,
    DocumentForm,
    FacilityFormSet,
    FactoryFormSet,
    GrantForm,
    ParkForm,
    PaymentForm,
    PolicyForm,
    ProcedureMoveForm,
    lines,
)
from relocation.parks.models import (
    AllocationStatus,
    BuildStatus,
    GrantStatus,
    MilestoneStatus,
    Park,
    ProcedureStatus,
    ProposalStatus,
)

PAGE_SIZE = 50


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _deadline(request: HttpRequest) -> dt.date:
    raw = request.GET.get("deadline", "")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        programme = selectors.programme_for(request.user)
        return programme.deadline if programme is not None else timezone.localdate()


# ---------------------------------------------------------------- parks


def park_list(request: HttpRequest) -> HttpResponse:
    _require(selectors.can_read_parks(request.user))
    deadline = _deadline(request)
    parks = list(selectors.parks_for_user(request.user))
    capacity = selectors.capacity_of(parks, deadline=deadline)
    cards = [capacity[p.pk] for p in parks]
    chart = {
        str(c.park.pk): {
            "labels": [str(f.label) for f in c.rows()],
            "used": [float(f.used) for f in c.rows()],
            "committed": [float(f.committed) for f in c.rows()],
            "free": [float(max(f.free, 0)) for f in c.rows()],
            "delivered": [float(f.delivered_by) for f in c.rows()],
            "units": [f.unit for f in c.rows()],
        }
        for c in cards
    }
    chart["legend"] = [_("已用"), _("已承诺"), _("剩余"), _("截止日前交付")]
    return render(
        request,
        "parks/park_list.html",
        {
            "cards": cards,
            "deadline": deadline,
            "batches": selectors.batch_deadlines(selectors.programme_for(request.user)),
            "chart": chart,
            "can_edit": is_hq_editor(request.user),
        },
    )


def park_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(selectors.can_read_parks(request.user))
    park = selectors.park_for_user(request.user, pk)
    deadline = _deadline(request)
    capacity = selectors.capacity_of([park], deadline=deadline)[park.pk]
    allocations = park.allocations.filter(status=AllocationStatus.CONFIRMED).select_related("enterprise")
    return render(
        request,
        "parks/park_detail.html",
        {
            "park": park,
            "capacity": capacity,
            "deadline": deadline,
            "batches": selectors.batch_deadlines(park.programme),
            "allocations": allocations,
            "can_update": services.can_update_park(request.user, park),
            "can_edit": is_hq_editor(request.user),
            "build_statuses": BuildStatus.choices,
            "milestone_statuses": MilestoneStatus.choices,
        },
    )


def _park_forms(request: HttpRequest, park: Park | None, *, bound: bool = True) -> tuple[ParkForm, Any, Any]:
    """The park form and its two formsets, bound to the POST, else filled from `park`."""
    programme = selectors.programme_for(request.user)
    units = Unit.objects.filter(programme=programme).order_by("-is_receiving", "order", "code")
    data = request.POST if bound and request.method == "POST" else None
    initial: dict[str, Any] = {}
    factories: list[dict[str, Any]] = []
    facilities: list[dict[str, Any]] = []
    if park is not None:
        initial = {f: getattr(park, f) for f in services.PARK_FIELDS} | {"code": park.code, "version": park.version}
        initial |= {f"quota_{q.metal}": q.kg_per_year for q in park.metal_quotas.all()}
        factories = [
            {"id": f.pk, "status": f.status} | {k: getattr(f, k) for k in services.FACTORY_FIELDS}
            for f in park.factories.all()
        ]
        facilities = [
            {"id": t.pk, "status": t.status} | {k: getattr(t, k) for k in services.FACILITY_FIELDS}
            for t in park.facilities.all()
        ]
    form = ParkForm(data, initial=initial, units=units, creating=park is None)
    return (
        form,
        FactoryFormSet(data, initial=factories, prefix="factories"),
        FacilityFormSet(data, initial=facilities, prefix="facilities"),
    )


def _park_form_page(request: HttpRequest, park: Park | None) -> HttpResponse:
    """Register (park None) or edit a park: HQ editors only."""
    _require(is_hq_editor(request.user))
    form, factories, facilities = _park_forms(request, park)
    if request.method == "POST" and form.is_valid() and factories.is_valid() and facilities.is_valid():
        data = form.cleaned_data
        values = {k: data[k] for k in services.PARK_FIELDS}
        try:
            if park is None:
                park = services.park_create(
                    actor=request.user,
                    programme=selectors.programme_for(request.user),
                    code=data["code"],
                    factories=lines(factories),
                    facilities=lines(facilities),
                    quotas={k: v for k, v in form.quotas().items() if v is not None},
                    **values,
                )
                messages.success(request, _("承接园区已登记。"))
            else:
                services.park_update(
                    actor=request.user,
                    park=park,
                    expected_version=data.get("version") or park.version,
                    values=values,
                    factories=lines(factories),
                    facilities=lines(facilities),
                    quotas=form.quotas(),
                )
                messages.success(request, _("园区资料已保存。"))
        except ConflictError as exc:
            # Decision 0004: show what is there now instead of overwriting it.
            messages.error(request, exc.message)
            park = selectors.park_for_user(request.user, park.pk)
            form, factories, facilities = _park_forms(request, park, bound=False)
        except ServiceError as exc:
            form.add_error(exc.code if exc.code in form.fields else None, exc.message)
        else:
            return redirect("parks:detail", pk=park.pk)
    return render(
        request,
        "parks/park_form.html",
        {"form": form, "factories": factories, "facilities": facilities, "park": park},
    )


def park_create(request: HttpRequest) -> HttpResponse:
    return _park_form_page(request, None)


def park_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(selectors.can_read_parks(request.user))
    return _park_form_page(request, selectors.park_for_user(request.user, pk))


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_POST
def park_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """HQ or the park's town reports a factory, treatment line or EIA step."""
    _require(selectors.can_read_parks(request.user))
    park = selectors.park_for_user(request.user, pk)
    _require(services.can_update_park(request.user, park))
    kind, row = request.POST.get("kind"), request.POST.get("id", "")
    status, actual, expected = (
        request.POST.get("status", ""),
        _date(request.POST.get("actual", "")),
        _date(request.POST.get("expected", "")),
    )
    try:
        if kind == "factory":
            services.factory_update(
                actor=request.user,
                factory=get_object_or_404(park.factories, pk=row),
                status=status,
                delivered_on=actual,
                expected_on=expected,
            )
        elif kind == "facility":
            services.facility_update(
                actor=request.user,
                facility=get_object_or_404(park.facilities, pk=row),
                status=status,
                commissioned_on=actual,
                expected_on=expected,
            )
        elif kind == "milestone":
            services.milestone_update(
                actor=request.user,
                milestone=get_object_or_404(park.eia_milestones, pk=row),
                status=status,
                actual_on=actual,
            )
        else:
            raise ServiceError(_("未知的更新类型。"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("进度已更新。"))
    return redirect("parks:detail", pk=park.pk)


# ---------------------------------------------------------------- demand


def demand_list(request: HttpRequest) -> HttpResponse:
    _require(selectors.can_read_parks(request.user))
    qs = selectors.demand_enterprises(request.user)
    if wants_export(request):
        return export_table(_("入园需求"), exports.DEMAND_COLUMNS, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"enterprise": e, "demand": selectors.demand_of(e), "preferred": selectors.preferred_park_names(e)}
        for e in page
    ]
    return render(
        request,
        "parks/demand_list.html",
        {"page": page, "rows": rows, "streams": streams.STREAMS, "can_edit": is_hq_editor(request.user)},
    )


def demand_edit(request: HttpRequest, enterprise_pk: int) -> HttpResponse:
    _require(is_hq_editor(request.user))
    enterprise = get_object_or_404(selectors.demand_enterprises(request.user), pk=enterprise_pk)
    demand = selectors.demand_of(enterprise)
    row = getattr(enterprise, "park_demand", None) if hasattr(enterprise, "park_demand") else None
    initial = {f"{s}_t_per_day": demand[s] for s in streams.STREAMS}
    initial["floor_area_m2"] = demand[streams.FLOOR_AREA]
    initial["preferred_parks"] = selectors.preferred_park_ids(enterprise)
    initial["version"] = row.version if row else None
    form = DemandForm(request.POST or None, initial=initial, parks=selectors.parks_for_user(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.demand_save(
                actor=request.user,
                enterprise=enterprise,
                values={k: data.get(k) or Decimal(0) for k in services.DEMAND_FIELDS},
                preferred_parks=data["preferred_parks"],
                expected_version=data.get("version"),
            )
        except ServiceError as exc:
            form.add_error(exc.code if exc.code in form.fields else None, exc.message)
        else:
            messages.success(request, _("入园需求已保存。"))
            return redirect("parks:demands")
    return render(
        request, "parks/demand_form.html", {"form": form, "enterprise": enterprise, "is_derived": row is None}
    )


# ---------------------------------------------------------------- proposals


def proposal_list(request: HttpRequest) -> HttpResponse:
    _require(selectors.can_read_allocations(request.user))
    if request.method == "POST":
        _require(is_hq_editor(request.user))
        programme = selectors.programme_for(request.user)
        try:
            proposal = services.proposal_start(
                actor=request.user, programme=programme, time_limit=float(request.POST.get("time_limit") or 60)
            )
        except (ServiceError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
            return redirect("parks:proposals")
        messages.success(request, _("已发起分配测算，完成后可在本页确认。"))
        return redirect("parks:proposal", pk=proposal.pk)
    if wants_export(request):
        return export_table(_("园区分配测算"), exports.PROPOSAL_COLUMNS, selectors.proposals_for_user(request.user))
    proposals = selectors.proposals_for_user(request.user)[:50]
    return render(request, "parks/proposal_list.html", {"proposals": proposals, "can_run": is_hq_editor(request.user)})


def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(selectors.can_read_allocations(request.user))
    proposal = selectors.proposal_for_user(request.user, pk)
    allocations = proposal.allocations.select_related("enterprise", "park", "decided_by").order_by("park__code", "id")
    context = {
        "proposal": proposal,
        "allocations": allocations,
        "unplaced": (proposal.result or {}).get("unplaced", []),
        "objective": (proposal.result or {}).get("objective", {}),
        "can_decide": is_hq_editor(request.user),
        "running": proposal.status == ProposalStatus.RUNNING,
    }
    if request.htmx and request.GET.get("poll"):
        if proposal.status == ProposalStatus.RUNNING:
            return render(request, "parks/_proposal_status.html", context)
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    return render(request, "parks/proposal_detail.html", context)


@require_POST
def allocation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require(is_hq_editor(request.user))
    allocation = get_object_or_404(selectors.allocations_for_user(request.user), pk=pk)
    try:
        if request.POST.get("decision") == "reject":
            services.allocation_reject(actor=request.user, allocation=allocation, reason=request.POST.get("reason", ""))
            messages.success(request, _("已否决：%(name)s") % {"name": allocation.enterprise.name})
        else:
            services.allocation_confirm(
                actor=request.user, allocation=allocation, reason=request.POST.get("reason", "")
            )
            messages.success(
                request,
                _("已确认：%(name)s → %(park)s") % {"name": allocation.enterprise.name, "park": allocation.park.name},
            )
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("parks:proposal", pk=allocation.proposal_id) if allocation.proposal_id else redirect("parks:list")


@require_POST
def proposal_confirm_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    _require(is_hq_editor(request.user))
    proposal = selectors.proposal_for_user(request.user, pk)
    ids = [int(i) for i in request.POST.getlist("allocation") if i.isdigit()]
    chosen = list(
        proposal.allocations.filter(pk__in=ids, status=AllocationStatus.PROPOSED).select_related("enterprise", "park")
    )
    done, errors = services.allocations_confirm_bulk(actor=request.user, allocations=chosen)
    if done:
        messages.success(request, _("已确认 %(n)s 家企业的承接园区。") % {"n": len(done)})
    for error in errors:
        messages.error(request, error)
    if not chosen:
        messages.warning(request, _("请先勾选要确认的分配。"))
    return redirect("parks:proposal", pk=proposal.pk)


# ---------------------------------------------------------------- procedures


def procedure_overview(request: HttpRequest) -> HttpResponse:
    _require(selectors.can_read_procedures(request.user))
    qs = selectors.procedure_items_for_user(request.user)
    show = request.GET.get("show", "attention")
    if show == "attention":
        qs = selectors.attention_items(qs)
    elif show in ProcedureStatus.values:
        qs = qs.filter(status=show)
    qs = qs.order_by("due_on", "enterprise__name", "order")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "parks/procedure_overview.html",
        {"page": page, "show": show, "statuses": ProcedureStatus.choices, "today": timezone.localdate()},
    )


def procedure_item(request: HttpRequest, pk: int) -> HttpResponse:
    _require(selectors.can_read_procedures(request.user))
    item = selectors.procedure_item_for_user(request.user, pk)
    can_work = services.can_work_on_item(request.user, item)
    move_form = ProcedureMoveForm(request.POST if request.POST.get("action") == "move" else None)
    doc_form = DocumentForm(
        request.POST if request.POST.get("action") == "upload" else None,
        request.FILES if request.POST.get("action") == "upload" else None,
    )
    if request.method == "POST":
        _require(can_work)
        try:
            if request.POST.get("action") == "move" and move_form.is_valid():
                services.procedure_item_move(
                    actor=request.user,
                    item=item,
                    target=move_form.cleaned_data["target"],
                    note=move_form.cleaned_data["note"],
                )
                messages.success(request, _("事项状态已更新。"))
                return redirect("parks:procedure_item", pk=item.pk)
            if request.POST.get("action") == "upload" and doc_form.is_valid():
                services.procedure_document_add(
                    actor=request.user,
                    item=item,
                    uploaded_file=doc_form.cleaned_data["file"],
                    title=doc_form.cleaned_data["title"],
                )
                messages.success(request, _("材料已上传。"))
                return redirect("parks:procedure_item", pk=item.pk)
        except ServiceError as exc:
            messages.error(request, exc.message)
    siblings = (
        selectors.procedure_items_for_user(request.user).filter(enterprise_id=item.enterprise_id).order_by("order")
    )
    return render(
        request,
        "parks/procedure_item.html",
        {
            "item": item,
            "siblings": siblings,
            "can_work": can_work,
            "move_form": move_form,
            "doc_form": doc_form,
            "today": timezone.localdate(),
        },
    )


# ---------------------------------------------------------------- incentives


def policy_list(request: HttpRequest) -> HttpResponse:
    _require(selectors.can_read_incentives(request.user))
    form = PolicyForm(request.POST or None)
    if request.method == "POST":
        _require(is_hq_editor(request.user))
        if form.is_valid():
            data = form.cleaned_data
            try:
                policy = incentives.policy_create(
                    actor=request.user, programme=selectors.programme_for(request.user), **data
                )
            except ServiceError as exc:
                form.add_error(exc.code if exc.code in form.fields else None, exc.message)
            else:
                messages.success(request, _("政策已保存。"))
                return redirect("parks:policy", pk=policy.pk)
    policies = list(selectors.policies_for_user(request.user))
    totals = selectors.totals_by_policy([p.pk for p in policies])
    rows = [{"policy": p, "totals": totals[p.pk]} for p in policies]
    return render(
        request, "parks/policy_list.html", {"rows": rows, "form": form, "can_edit": is_hq_editor(request.user)}
    )


def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(selectors.can_read_incentives(request.user))
    policy = selectors.policy_for_user(request.user, pk)
    enterprises = Enterprise.objects.filter(programme=policy.programme).order_by("name").only("id", "name")
    grant_form = GrantForm(request.POST or None)
    grant_form.fields["enterprise"].widget.choices = [(e.pk, e.name) for e in enterprises]
    preview = None
    if request.method == "POST":
        _require(is_hq_editor(request.user))
        if grant_form.is_valid():
            enterprise = get_object_or_404(enterprises, pk=grant_form.cleaned_data["enterprise"])
            stopped = grant_form.cleaned_data["production_stopped_on"]
            override = grant_form.cleaned_data["stop_override_reason"]
            if request.POST.get("action") == "preview":
                try:
                    stop = incentives.production_stop(enterprise, stopped, override)
                except ServiceError as exc:
                    messages.error(request, exc.message)
                else:
                    preview = incentives.compute(policy, enterprise, stop)
                    preview["enterprise"] = enterprise
                    preview["stop"] = stop
            else:
                try:
                    incentives.grant_create(
                        actor=request.user,
                        policy=policy,
                        enterprise=enterprise,
                        production_stopped_on=stopped,
                        stop_override_reason=override,
                    )
                except ServiceError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, _("补助已核算，等待另一位负责人审批。"))
                    return redirect("parks:policy", pk=policy.pk)
    grants = policy.grants.select_related("enterprise", "created_by", "approved_by").prefetch_related("payments")
    return render(
        request,
        "parks/policy_detail.html",
        {
            "policy": policy,
            "grants": grants,
            "totals": selectors.policy_totals(policy),
            "grant_form": grant_form,
            "payment_form": PaymentForm(),
            "preview": preview,
            "can_edit": is_hq_editor(request.user),
            "statuses": GrantStatus,
        },
    )


@require_POST
def grant_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require(is_hq_editor(request.user))
    grant = get_object_or_404(selectors.grants_for_user(request.user), pk=pk)
    try:
        incentives.grant_decide(
            actor=request.user,
            grant=grant,
            approve=request.POST.get("decision") != "reject",
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("审批已记录。"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("parks:policy", pk=grant.policy_id)


@require_POST
def grant_pay(request: HttpRequest, pk: int) -> HttpResponse:
    _require(is_hq_editor(request.user))
    grant = get_object_or_404(selectors.grants_for_user(request.user), pk=pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            incentives.payment_record(actor=request.user, grant=grant, **form.cleaned_data)
            messages.success(request, _("兑付已登记。"))
        except ServiceError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(
            request, _("兑付信息不完整：%(e)s") % {"e": "; ".join(f"{k}: {v[0]}" for k, v in form.errors.items())}
        )
    return redirect("parks:policy", pk=grant.policy_id)
