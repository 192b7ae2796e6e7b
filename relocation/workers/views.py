"""Pages of the workers app: overview with placement rates, an enterprise's
roster (import, export, new worker), a worker (edit, leave, placement), the
wage-arrears / deposit cases and the placement activities. Every read goes
through selectors, every write through services."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import masking
from relocation.core.errors import ServiceError
from relocation.core.spreadsheets import export_table, wants_export
from relocation.workers import exports, roster_excel, selectors, services, transitions
from relocation.workers.forms import (
    ActivityForm,
    CaseMoveForm,
    CaseReportForm,
    EvidenceForm,
    LeaveForm,
    PaymentForm,
    PlacementForm,
    RosterUploadForm,
    WorkerForm,
)
from relocation.workers.models import CaseKind, CaseStatus, WorkerStatus

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _form_error(form: Any, exc: ServiceError) -> None:
    form.add_error(exc.code if exc.code in form.fields else None, exc.message)


def _post_action(
    request: HttpRequest,
    forms: dict[str, Any],
    actions: dict[str, tuple[Callable[[], Any], Callable[[Any], Any], str]],
    then: HttpResponse,
) -> HttpResponse | None:
    """A detail page's POST, chosen by its `action` field among the page's
    forms: `actions[action]` is (bind the form, save it through the service,
    success message). On success the message and `then`; otherwise the bound
    form replaces the blank one in `forms`, with the service's refusal on it,
    and None says the page is shown again."""
    action = request.POST.get("action")
    if action not in actions:
        raise Http404
    bind, save, success = actions[action]
    form = forms[action] = bind()
    if form.is_valid():
        try:
            save(form)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, success)
            return then
    return None


def overview(request: HttpRequest) -> HttpResponse:
    """Placement rate of the programme (or the user's scope) and per enterprise."""
    _require(selectors.can_read(request.user))
    return render(
        request,
        "workers/overview.html",
        {
            "figures": selectors.programme_placement(request.user),
            "cases": selectors.case_totals(request.user),
            "rows": selectors.enterprise_overview(request.user),
        },
    )


def roster(request: HttpRequest, pk: int) -> HttpResponse:
    _require(selectors.can_read(request.user))
    enterprise = selectors.enterprise_for_user(request.user, pk)
    status = request.GET.get("status", "")
    workers = enterprise.workers.order_by("name", "id")
    if status in WorkerStatus.values:
        workers = workers.filter(status=status)
    page = Paginator(workers, PAGE_SIZE).get_page(request.GET.get("page"))
    for w in page:
        w.masked_id = masking.mask_id_number(w.id_number)
        w.masked_phone = masking.mask_phone(w.phone)
    return render(
        request,
        "workers/roster.html",
        {
            "enterprise": enterprise,
            "page": page,
            "status": status,
            "statuses": WorkerStatus.choices,
            "can_edit": selectors.can_edit_roster(request.user, enterprise),
            "can_report": selectors.can_report_case(request.user, enterprise),
            "cases": enterprise.labour_cases.order_by("-reported_on", "-id"),
        },
    )


def worker_new(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_for_user(request.user, pk)
    _require(selectors.can_edit_roster(request.user, enterprise))
    form = WorkerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            worker = services.worker_create(
                actor=request.user, enterprise=enterprise, data=form.service_data(creating=True)
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已将 %(name)s 加入花名册。") % {"name": worker.name})
            return redirect("workers:roster", pk=enterprise.pk)
    return render(request, "workers/worker_form.html", {"form": form, "enterprise": enterprise})


def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One worker: masked personal data, edit (version-checked), leave, placement."""
    worker = selectors.worker_for_user(request.user, pk)
    can_edit = selectors.can_edit_roster(request.user, worker.enterprise)
    initial = {
        "name": worker.name,
        "job": worker.job,
        "hired_on": worker.hired_on,
        "monthly_wage": worker.monthly_wage,
        "version": worker.version,
    }
    forms = {
        "edit": WorkerForm(initial=initial, creating=False),
        "placement": PlacementForm(
            initial={
                "outcome": worker.placement_outcome,
                "employer": worker.placement_employer,
                "placed_on": worker.placed_on,
                "note": worker.placement_note,
                "version": worker.version,
            }
        ),
        "leave": LeaveForm(),
    }
    if request.method == "POST":
        _require(can_edit)
        done = _post_action(
            request,
            forms,
            {
                "edit": (
                    lambda: WorkerForm(request.POST, creating=False),
                    lambda f: services.worker_update(
                        actor=request.user,
                        worker=worker,
                        expected_version=f.cleaned_data["version"] or 0,
                        data=f.service_data(creating=False),
                    ),
                    _("工人信息已保存。"),
                ),
                "placement": (
                    lambda: PlacementForm(request.POST),
                    lambda f: services.placement_record(
                        actor=request.user,
                        worker=worker,
                        outcome=f.cleaned_data["outcome"],
                        employer=f.cleaned_data["employer"],
                        placed_on=f.cleaned_data["placed_on"],
                        note=f.cleaned_data["note"],
                        expected_version=f.cleaned_data["version"],
                    ),
                    _("安置去向已登记。"),
                ),
                "leave": (
                    lambda: LeaveForm(request.POST),
                    lambda f: services.worker_leave(actor=request.user, worker=worker, reason=f.cleaned_data["reason"]),
                    _("已登记离职。"),
                ),
            },
            redirect("workers:worker", pk=worker.pk),
        )
        if done is not None:
            return done
    return render(
        request,
        "workers/worker_detail.html",
        {
            "worker": worker,
            "masked": {
                "id_number": masking.mask_id_number(worker.id_number),
                "phone": masking.mask_phone(worker.phone),
                "bank_account": masking.mask_bank_account(worker.bank_account),
            },
            "can_edit": can_edit,
            "form": forms["edit"],
            "placement_form": forms["placement"],
            "leave_form": forms["leave"],
            "can_leave": WorkerStatus.LEFT in transitions.WORKER.get(worker.status, ()),
            "history": worker.status_changes.select_related("actor"),
            "case_lines": worker.case_lines.select_related("case"),
        },
    )


def roster_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a roster workbook: applied all or nothing, else the errors row by row."""
    enterprise = selectors.enterprise_for_user(request.user, pk)
    _require(selectors.can_edit_roster(request.user, enterprise))
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > 10 * 1024 * 1024:
                raise ServiceError(_("文件过大：最大 10 MB。"))
            report = roster_excel.import_roster(
                actor=request.user, enterprise=enterprise, content=upload.read(), file_name=upload.name
            )
        except ServiceError as exc:
            form.add_error("file", exc.message)
        else:
            if report.applied:
                messages.success(
                    request,
                    _("导入完成：新增 %(c)d 人，更新 %(u)d 人，未变 %(n)d 人。")
                    % {"c": report.created, "u": report.updated, "n": report.unchanged},
                )
                return redirect("workers:roster", pk=enterprise.pk)
    return render(request, "workers/roster_import.html", {"form": form, "enterprise": enterprise, "report": report})


def roster_export(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_for_user(request.user, pk)
    stamp = timezone.localtime().strftime("%Y%m%d")
    content = roster_excel.export_roster(enterprise.workers.order_by("name", "id").iterator(chunk_size=1000))
    return _xlsx(content, f"workers-{enterprise.pk}-{stamp}.xlsx")


def roster_template(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.enterprise_for_user(request.user, pk)
    return _xlsx(roster_excel.template(), "workers-template.xlsx")


def _lines_from_post(request: HttpRequest, workers: list[Any]) -> list[dict[str, Any]]:
    """Workers with an amount typed; for severance, those ticked (the amount is computed)."""
    lines = []
    for w in workers:
        raw = request.POST.get(f"amount_{w.pk}", "").strip()
        if request.POST.get("kind") == CaseKind.SEVERANCE:
            if request.POST.get(f"include_{w.pk}") or raw:
                lines.append({"worker": w, "amount": 0, "months": 0})
            continue
        if not raw:
            continue
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            raise ServiceError(_("%(name)s 的金额应为数字。") % {"name": w.name}, code="lines") from None
        months_raw = request.POST.get(f"months_{w.pk}", "").strip()
        if months_raw and not months_raw.isdigit():
            raise ServiceError(_("拖欠月数应为整数。"), code="lines")
        lines.append({"worker": w, "amount": amount, "months": int(months_raw or 0)})
    return lines


def case_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a case: the kind, a summary and the amount owed to each worker."""
    enterprise = selectors.enterprise_for_user(request.user, pk)
    _require(selectors.can_report_case(request.user, enterprise))
    workers = list(enterprise.workers.exclude(status=WorkerStatus.LEFT).order_by("name", "id"))
    form = CaseReportForm(request.POST or None, initial={"reported_on": timezone.localdate()})
    line_error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_report(
                actor=request.user,
                enterprise=enterprise,
                kind=data["kind"],
                summary=data["summary"],
                reporter_name=data["reporter_name"],
                reported_on=data["reported_on"],
                separation_on=data["separation_on"],
                average_wage=data["average_wage"],
                lines=_lines_from_post(request, workers),
            )
        except ServiceError as exc:
            if exc.code == "lines":
                line_error = exc.message
            else:
                _form_error(form, exc)
        else:
            messages.success(request, _("案件已登记。"))
            return redirect("workers:case", pk=case.pk)
    return render(
        request,
        "workers/case_new.html",
        {"form": form, "enterprise": enterprise, "workers": workers, "line_error": line_error, "post": request.POST},
    )


def case_list(request: HttpRequest) -> HttpResponse:
    _require(selectors.can_read(request.user))
    qs = selectors.cases_for_user(request.user)
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    if kind in CaseKind.values:
        qs = qs.filter(kind=kind)
    if wants_export(request):
        return export_table(_("劳动纠纷案件"), exports.CASE_COLUMNS, qs.order_by("-reported_on", "-id"))
    page = Paginator(qs.order_by("-reported_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workers/case_list.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "statuses": CaseStatus.choices,
            "kinds": CaseKind.choices,
            "totals": selectors.case_totals(request.user),
        },
    )


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A case: lines, payments, evidence, history; handlers move it and record payments."""
    case = selectors.case_for_user(request.user, pk)
    can_handle = selectors.can_handle_case(request.user, case)
    can_upload = can_handle or selectors.can_report_case(request.user, case.enterprise)
    forms = {
        "move": CaseMoveForm(),
        "payment": PaymentForm(initial={"paid_on": timezone.localdate()}),
        "evidence": EvidenceForm(),
    }
    if request.method == "POST":
        _require(can_upload if request.POST.get("action") == "evidence" else can_handle)
        done = _post_action(
            request,
            forms,
            {
                "move": (
                    lambda: CaseMoveForm(request.POST),
                    lambda f: services.case_transition(
                        actor=request.user,
                        case=case,
                        target=f.cleaned_data["target"],
                        reason=f.cleaned_data["reason"],
                        escalated_to=f.cleaned_data["escalated_to"],
                    ),
                    _("案件状态已更新。"),
                ),
                "payment": (
                    lambda: PaymentForm(request.POST),
                    lambda f: services.payment_record(
                        actor=request.user,
                        case=case,
                        amount=f.cleaned_data["amount"],
                        paid_on=f.cleaned_data["paid_on"],
                        payer=f.cleaned_data["payer"],
                        note=f.cleaned_data["note"],
                    ),
                    _("清偿已登记。"),
                ),
                "evidence": (
                    lambda: EvidenceForm(request.POST, request.FILES),
                    lambda f: services.evidence_add(
                        actor=request.user,
                        case=case,
                        uploaded_file=f.cleaned_data["file"],
                        title=f.cleaned_data["title"],
                    ),
                    _("材料已上传。"),
                ),
            },
            redirect("workers:case", pk=case.pk),
        )
        if done is not None:
            return done
    order = {v: i for i, v in enumerate(CaseStatus.values)}
    targets = sorted(transitions.CASE.get(case.status, ()), key=lambda t: order[t])
    if not selectors.can_escalate(request.user):
        targets = [t for t in targets if t not in transitions.BUREAU_ONLY_TARGETS]
    return render(
        request,
        "workers/case_detail.html",
        {
            "case": case,
            "can_handle": can_handle,
            "can_upload": can_upload,
            "targets": [(t, CaseStatus(t).label) for t in targets],
            "move_form": forms["move"],
            "payment_form": forms["payment"],
            "evidence_form": forms["evidence"],
            "can_pay": case.status in {CaseStatus.VERIFIED, CaseStatus.MEDIATING},
        },
    )


def activity_list(request: HttpRequest) -> HttpResponse:
    """Job fairs, referrals and training classes; the bureau and HQ record them."""
    _require(selectors.can_read(request.user))
    can_record = selectors.can_record_activity(request.user)
    enterprises = list(selectors.enterprises_in_scope(request.user).order_by("name").only("id", "name"))
    form = ActivityForm(request.POST or None, enterprises=enterprises)
    if request.method == "POST":
        _require(can_record)
        programme = selectors.programme_for(request.user)
        if programme is None:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            enterprise = next((e for e in enterprises if e.pk == d["enterprise"]), None)
            workers: list[Any] = []
            unknown: list[str] = []
            for line in d["id_numbers"].split():
                found = list(selectors.find_by_id_number(request.user, line))
                if found:
                    workers.extend(w for w in found if w not in workers)
                else:
                    unknown.append(line)
            if unknown:
                form.add_error("id_numbers", _("花名册中没有这些身份证号：%(ids)s") % {"ids": "、".join(unknown)})
                return render(request, "workers/activity_list.html", _activity_context(request, form, can_record))
            try:
                services.activity_record(
                    actor=request.user,
                    programme=programme,
                    kind=d["kind"],
                    title=d["title"],
                    held_on=d["held_on"],
                    enterprise=enterprise,
                    employers=d["employers"],
                    jobs_offered=d["jobs_offered"],
                    workers=workers,
                    note=d["note"],
                )
            except ServiceError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("活动已登记。"))
                return redirect("workers:activities")
    return render(request, "workers/activity_list.html", _activity_context(request, form, can_record))


def _activity_context(request: HttpRequest, form: ActivityForm, can_record: bool) -> dict[str, Any]:
    activities = (
        selectors.activities_for_user(request.user).annotate(n_workers=Count("workers")).order_by("-held_on", "-id")
    )
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "form": form, "can_record": can_record}
