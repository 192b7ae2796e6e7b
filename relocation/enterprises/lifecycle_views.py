"""Pages of the relocation lifecycle: moves, closure checklist, forced
closure, batches, the overview, overdue enterprises and commitment letters.

Views parse input, call one service and redirect; the enterprise page shows
the lifecycle section through the `lifecycle_section` template tag.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.core.roles import is_enterprise_contact, is_hq, is_hq_editor, is_staff_member, is_unit_member
from relocation.core.spreadsheets import export_table, wants_export
from relocation.enterprises import batches, closure, commitments, exports, lifecycle, lifecycle_selectors, selectors
from relocation.enterprises.lifecycle_facts import DONE
from relocation.enterprises.lifecycle_forms import (
    BatchForm,
    ClosureConfirmForm,
    DateChangeDecisionForm,
    DateChangeForm,
    ForcedClosureForm,
    ForcedClosureLiftForm,
    LetterForm,
    LetterTemplateForm,
    LetterUploadForm,
    MoveForm,
)
from relocation.enterprises.models import (
    CommitmentLetter,
    DateChangeStatus,
    Enterprise,
    LifecycleStatus,
)
from relocation.organisation.models import Unit
from relocation.organisation.selectors import programme_for

PAGE_SIZE = 50


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Call a service; show its refusal as a message (403 for permission)."""
    try:
        action()
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{' '.join(errors)}" if label else " ".join(errors))


def _detail(pk: int, anchor: str = "lifecycle") -> HttpResponse:
    response = redirect("enterprises:detail", pk=pk)
    response["Location"] += f"#{anchor}"
    return response


@require_POST
def enterprise_move(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    enterprise = selectors.enterprise_for_user(request.user, pk)
    form = MoveForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return _detail(pk)
    data = form.cleaned_data
    target = data["target"]
    _run(
        request,
        lambda: lifecycle.enterprise_transition(
            actor=request.user,
            enterprise=enterprise,
            target=target,
            reason=data["reason"],
            evidence=data.get("evidence"),
            destination_type=data.get("destination_type") or None,
            destination_park_id=data.get("destination_park_id"),
            destination_name=data.get("destination_name") or "",
            decision_ref=data.get("decision_ref") or "",
        ),
        _("搬迁进度已变更为“%(status)s”。") % {"status": LifecycleStatus(target).label},
    )
    return _detail(pk)


@require_POST
def closure_confirm(request: HttpRequest, pk: int, item: str) -> HttpResponse:
    if not is_unit_member(request.user):
        raise PermissionDenied
    enterprise = selectors.enterprise_for_user(request.user, pk)
    form = ClosureConfirmForm(request.POST, request.FILES)
    form.is_valid()
    _run(
        request,
        lambda: closure.closure_item_confirm(
            actor=request.user,
            enterprise=enterprise,
            item=item,
            photos=request.FILES.getlist("photos"),
            note=form.cleaned_data.get("note", ""),
        ),
        _("核验项已确认。"),
    )
    return _detail(pk, "closure")


@require_POST
def closure_override(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """HQ lets a closure step go ahead despite open findings, with a reason."""
    if not is_hq_editor(request.user):
        raise PermissionDenied
    enterprise = selectors.enterprise_for_user(request.user, pk)
    _run(
        request,
        lambda: closure.closure_hold_override(
            actor=request.user, enterprise=enterprise, step=step, reason=request.POST.get("reason", "")
        ),
        _("已放行，理由已记录。"),
    )
    return _detail(pk, "closure")


def forced_closure(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation step of a forced closure: the decision number (required),
    the reason and an explicit confirmation; offered only where the plan allows it."""
    if not is_hq_editor(request.user):
        raise PermissionDenied
    enterprise = selectors.enterprise_for_user(request.user, pk)
    back = request.POST.get("next") or request.GET.get("next") or ""
    form = ForcedClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _run(
            request,
            lambda: lifecycle.forced_closure_start(
                actor=request.user,
                enterprise=enterprise,
                reason=form.cleaned_data["reason"],
                decision_ref=form.cleaned_data["decision_ref"],
            ),
            _("已启动强制关停，并向属地单位交办任务。"),
        )
        if done:
            return redirect("enterprises:lifecycle_overdue") if back == "overdue" else _detail(pk)
    return render(
        request,
        "enterprises/lifecycle/forced_closure_confirm.html",
        {
            "enterprise": enterprise,
            "form": form,
            "allowed": lifecycle.forced_closure_allowed(enterprise),
            "next": back,
        },
    )


def forced_closure_lift(request: HttpRequest, pk: int) -> HttpResponse:
    """HQ lifts a forced closure, with the reason (audited)."""
    if not is_hq_editor(request.user):
        raise PermissionDenied
    enterprise = selectors.enterprise_for_user(request.user, pk)
    form = ForcedClosureLiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            lambda: lifecycle.forced_closure_lift(
                actor=request.user, enterprise=enterprise, reason=form.cleaned_data["reason"]
            ),
            _("已解除强制关停，企业回到钉子户状态。"),
        ):
            return _detail(pk)
    return render(request, "enterprises/lifecycle/forced_closure_lift.html", {"enterprise": enterprise, "form": form})


def lifecycle_overview(request: HttpRequest) -> HttpResponse:
    """HQ's overview: enterprises per stage and per batch, the phases, overdue count."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    programme = programme_for(request.user)
    stages = lifecycle_selectors.stage_counts(request.user)
    total = sum(s["count"] for s in stages)
    finished = sum(s["count"] for s in stages if s["status"] in DONE)
    return render(
        request,
        "enterprises/lifecycle/overview.html",
        {
            "stages": stages,
            "total": total,
            "finished": finished,
            "percent": round(100 * finished / total) if total else 0,
            "progress": lifecycle_selectors.batch_progress(request.user),
            "phases": lifecycle_selectors.phases_of(programme),
            "programme": programme,
            "overdue_count": lifecycle_selectors.overdue_for_user(request.user).count(),
            "can_see_overdue": is_hq(request.user),
        },
    )


def overdue_list(request: HttpRequest) -> HttpResponse:
    """逾期企业: past their committed shutdown date or their batch deadline."""
    if not is_hq(request.user):
        raise PermissionDenied
    overdue = lifecycle_selectors.overdue_for_user(request.user)
    if wants_export(request):
        return export_table(_("逾期企业"), exports.OVERDUE_COLUMNS, overdue.select_related("territorial_unit"))
    page = Paginator(overdue, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/lifecycle/overdue.html",
        {"page": page, "can_force": is_hq_editor(request.user), "form": ForcedClosureForm()},
    )


def batch_list(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    programme = programme_for(request.user)
    form = BatchForm(request.POST or None)
    if request.method == "POST":
        if not is_hq_editor(request.user) or programme is None:
            raise PermissionDenied
        if form.is_valid():
            if _run(
                request,
                lambda: batches.batch_create(actor=request.user, programme=programme, **form.cleaned_data),
                _("批次已新增。"),
            ):
                return redirect("enterprises:batch_list")
        else:
            _form_errors(request, form)
    progress = lifecycle_selectors.batch_progress(request.user)
    if wants_export(request):
        return export_table(_("搬迁批次"), exports.batch_columns(), progress)
    return render(
        request,
        "enterprises/lifecycle/batch_list.html",
        {
            "progress": progress,
            "phases": lifecycle_selectors.phases_of(programme),
            "form": form,
            "can_edit": is_hq_editor(request.user),
        },
    )


def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    """One batch: its enterprises, and (for HQ) the ledger to assign from in bulk."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    programme = programme_for(request.user)
    batch = get_object_or_404(
        lifecycle_selectors.batches_for_programme(programme.pk if programme else None), pk=batch_id
    )
    visible = selectors.enterprises_for_user(request.user)
    if request.method == "POST":
        if not is_hq_editor(request.user):
            raise PermissionDenied
        ids = [int(i) for i in request.POST.getlist("enterprise") if i.isdigit()]
        chosen = list(visible.filter(pk__in=ids))
        target = None if request.POST.get("action") == "remove" else batch
        _run(
            request,
            lambda: batches.batch_assign(actor=request.user, batch=target, enterprises=chosen),
            _("已更新 %(n)s 家企业的批次。") % {"n": len(chosen)},
        )
        return redirect(request.get_full_path())
    params = {k: v.strip() for k, v in request.GET.items()}
    members = visible.filter(relocation_plan__batch=batch).order_by("name", "id")
    candidates = None
    if is_hq_editor(request.user):
        candidates = Paginator(
            selectors.filter_ledger(visible, params)
            .exclude(relocation_plan__batch=batch)
            .select_related("relocation_plan__batch")
            .order_by("name", "id"),
            PAGE_SIZE,
        ).get_page(params.get("page"))
    return render(
        request,
        "enterprises/lifecycle/batch_detail.html",
        {
            "batch": batch,
            "members": members,
            "candidates": candidates,
            "params": params,
            "statuses": LifecycleStatus.choices,
            "towns": Unit.objects.filter(is_territorial=True, programme=programme),
            "can_edit": is_hq_editor(request.user),
        },
    )


def letter_register(request: HttpRequest) -> HttpResponse:
    """The register of commitment letters, with filters."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    params = {k: v.strip() for k, v in request.GET.items()}
    qs = lifecycle_selectors.filter_letters(lifecycle_selectors.letters_for_user(request.user), params)
    page = Paginator(qs.distinct(), PAGE_SIZE).get_page(params.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    pending = lifecycle_selectors.date_changes_for_user(request.user).filter(status=DateChangeStatus.PENDING)
    return render(
        request,
        "enterprises/lifecycle/letter_register.html",
        {
            "page": page,
            "params": params,
            "querystring": querystring.urlencode(),
            "pending": pending[:50],
            "without_letter": lifecycle_selectors.enterprises_without_letter(request.user).count(),
            "can_decide": is_hq_editor(request.user),
            "decision_form": DateChangeDecisionForm(),
            "can_edit_template": is_hq_editor(request.user),
        },
    )


def letter_generate(request: HttpRequest, pk: int) -> HttpResponse:
    """Prepare (or, while unsigned, re-prepare) the enterprise's letter."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    enterprise = selectors.enterprise_for_user(request.user, pk)
    if not commitments.can_prepare(request.user, enterprise):
        raise PermissionDenied
    letter = CommitmentLetter.objects.filter(enterprise=enterprise).first()
    initial: dict[str, Any] = {"obligations": "\n".join(commitments.DEFAULT_OBLIGATIONS)}
    if letter is not None:
        initial = {
            "committed_shutdown_on": letter.committed_shutdown_on,
            "committed_relocation_on": letter.committed_relocation_on,
            "obligations": "\n".join(letter.obligations),
        }
    form = LetterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            lambda: commitments.letter_generate(actor=request.user, enterprise=enterprise, **form.cleaned_data),
            _("承诺书已生成，请下载打印后交企业签署。"),
        ):
            return _detail(pk, "letter")
    return render(
        request, "enterprises/lifecycle/letter_form.html", {"form": form, "enterprise": enterprise, "letter": letter}
    )


def _letter_of(request: HttpRequest, pk: int) -> tuple[Enterprise, CommitmentLetter]:
    if not (is_staff_member(request.user) or is_enterprise_contact(request.user)):
        raise PermissionDenied
    enterprise = selectors.enterprise_for_user(request.user, pk)
    letter = CommitmentLetter.objects.filter(enterprise=enterprise).select_related("enterprise__programme").first()
    if letter is None:
        raise Http404
    return enterprise, letter


def letter_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter as Word, filled with the enterprise's current details."""
    from django.utils.http import content_disposition_header

    enterprise, letter = _letter_of(request, pk)
    data = commitments.letter_document(letter)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"关停搬迁承诺书-{enterprise.name}.docx")
    return response


@require_POST
def letter_upload(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise, letter = _letter_of(request, pk)
    if not commitments.can_upload_scan(request.user, enterprise):
        raise PermissionDenied
    form = LetterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return _detail(pk, "letter")
    _run(
        request,
        lambda: commitments.letter_sign(
            actor=request.user,
            letter=letter,
            uploaded_file=form.cleaned_data["file"],
            signed_on=form.cleaned_data["signed_on"],
        ),
        _("已上传签署的承诺书。"),
    )
    return _detail(pk, "letter")


def letter_template(request: HttpRequest) -> HttpResponse:
    """HQ replaces (or restores) the Word template of commitment letters."""
    if not is_hq_editor(request.user):
        raise PermissionDenied
    form = LetterTemplateForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            _run(request, lambda: commitments.letter_template_reset(actor=request.user), _("已恢复默认模板。"))
            return redirect("enterprises:letter_template")
        if form.is_valid():
            if _run(
                request,
                lambda: commitments.letter_template_replace(
                    actor=request.user, uploaded_file=form.cleaned_data["file"]
                ),
                _("模板已更换，此后生成的承诺书将使用新模板。"),
            ):
                return redirect("enterprises:letter_template")
        else:
            _form_errors(request, form)
    _data, replaced = commitments.letter_template_bytes()
    return render(
        request,
        "enterprises/lifecycle/letter_template.html",
        {"form": form, "replaced": replaced, "tags": list(commitments.SAMPLE_CONTEXT)},
    )


def letter_template_download(request: HttpRequest) -> HttpResponse:
    """The Word template in use, to edit it offline."""
    from django.utils.http import content_disposition_header

    if not is_hq_editor(request.user):
        raise PermissionDenied
    data, _replaced = commitments.letter_template_bytes()
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = content_disposition_header(True, "关停搬迁承诺书模板.docx")
    return response


@require_POST
def letter_date_change(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise, letter = _letter_of(request, pk)
    if not commitments.can_upload_scan(request.user, enterprise):
        raise PermissionDenied
    form = DateChangeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _detail(pk, "letter")
    _run(
        request,
        lambda: commitments.date_change_request(actor=request.user, letter=letter, **form.cleaned_data),
        _("变更申请已提交，等待指挥部审批。"),
    )
    return _detail(pk, "letter")


@require_POST
def date_change_decide(request: HttpRequest, change_id: int) -> HttpResponse:
    if not is_hq_editor(request.user):
        raise PermissionDenied
    change = get_object_or_404(lifecycle_selectors.date_changes_for_user(request.user), pk=change_id)
    form = DateChangeDecisionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        approve = form.cleaned_data["approve"]
        _run(
            request,
            lambda: commitments.date_change_decide(
                actor=request.user, change=change, approve=approve, note=form.cleaned_data["note"]
            ),
            _("已批准变更。") if approve else _("已驳回变更。"),
        )
    if request.POST.get("next") == "detail":
        return _detail(change.letter.enterprise_id, "letter")
    return redirect("enterprises:letter_register")
