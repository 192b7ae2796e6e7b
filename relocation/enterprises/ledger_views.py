"""Pages around the ledger list: new enterprise, categories, Excel template,
import (upload → preview → confirm), export, and the personal API token."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import ServiceError
from relocation.core.roles import is_hq_editor, is_staff_member
from relocation.core.spreadsheets import EXPORT_MAX_ROWS, export_filename, xlsx_response
from relocation.enterprises import categories, ledger_export, ledger_import, selectors, services
from relocation.enterprises.forms import CategoryConfirmForm, CategoryForm, EnterpriseCreateForm, LedgerUploadForm
from relocation.enterprises.models import Category, LedgerImport
from relocation.organisation.selectors import programme_for

PREVIEW_ROWS = 200


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    return xlsx_response(filename, content)


def enterprise_new(request: HttpRequest) -> HttpResponse:
    """HQ adds one enterprise by hand (新增企业)."""
    if not is_hq_editor(request.user):
        raise PermissionDenied
    programme = programme_for(request.user)
    if programme is None:
        raise Http404
    form = EnterpriseCreateForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(actor=request.user, programme=programme, data=form.cleaned_data)
        except ServiceError as exc:
            form.add_error(exc.code if exc.code in form.fields else None, exc.message)
        else:
            messages.success(request, _("已新增企业“%(name)s”。") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/enterprise_new.html", {"form": form})


def category_list(request: HttpRequest) -> HttpResponse:
    """The categories and their rules; HQ editors may change them."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    return render(
        request,
        "enterprises/category_list.html",
        {
            "categories": Category.objects.annotate(enterprise_count=Count("enterprises")),
            "can_edit": is_hq_editor(request.user),
            "facts": sorted(categories.FACTS),
            "operators": sorted(categories.OPERATORS),
        },
    )


def category_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    if not is_hq_editor(request.user):
        raise PermissionDenied
    category = get_object_or_404(Category, code=code) if code else None
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            categories.category_save(actor=request.user, data=form.cleaned_data, category=category)
        except ServiceError as exc:
            form.add_error(exc.code if exc.code in form.fields else None, exc.message)
        else:
            messages.success(request, _("分类已保存。"))
            return redirect("enterprises:categories")
    return render(request, "enterprises/category_form.html", {"form": form, "category": category})


@require_POST
def category_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = selectors.enterprise_for_user(request.user, pk)
    if not categories.can_confirm_category(request.user, enterprise):
        raise PermissionDenied
    form = CategoryConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择分类。"))
    else:
        try:
            change = categories.category_confirm(
                actor=request.user,
                enterprise=enterprise,
                category=form.cleaned_data["category"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            if change is None:
                messages.info(request, _("分类未变化。"))
            else:
                messages.success(request, _("分类已确认为“%(name)s”。") % {"name": change.to_category.name})
    return redirect("enterprises:detail", pk=enterprise.pk)


def ledger_template(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user):
        raise PermissionDenied
    return _xlsx(ledger_export.ledger_template(programme_for(request.user)), _("企业台账导入模板") + ".xlsx")


def ledger_export_view(request: HttpRequest) -> HttpResponse:
    """The list as it is filtered, as a workbook (phones masked)."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    params = {k: v.strip() for k, v in request.GET.items()}
    qs = selectors.ledger_page_queryset(request.user, params).select_related(*ledger_export.EXPORT_RELATED)
    content = ledger_export.export_ledger(qs[:EXPORT_MAX_ROWS].iterator(chunk_size=2000))
    return _xlsx(content, export_filename(_("企业台账")))


def ledger_import_view(request: HttpRequest) -> HttpResponse:
    """Step 1 and 2: upload a workbook and see what it would do."""
    if not is_hq_editor(request.user):
        raise PermissionDenied
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "preview_rows": PREVIEW_ROWS}
    if request.method == "POST" and form.is_valid():
        programme = programme_for(request.user)
        if programme is None:
            raise Http404
        try:
            record, report = ledger_import.ledger_import_upload(
                actor=request.user, programme=programme, uploaded_file=form.cleaned_data["file"]
            )
        except ServiceError as exc:
            form.add_error("file", exc.message)
        else:
            context.update({"record": record, "report": report.as_dict()})
    return render(request, "enterprises/ledger_import.html", context)


@require_POST
def ledger_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 3: apply the previewed file, all or nothing."""
    if not is_hq_editor(request.user):
        raise PermissionDenied
    record = get_object_or_404(LedgerImport, pk=pk, uploaded_by=request.user)
    try:
        report = ledger_import.ledger_import_confirm(actor=request.user, record=record)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("enterprises:import")
    if report.applied:
        messages.success(
            request,
            _("导入完成：新增 %(c)d 家，更新 %(u)d 家，未变 %(n)d 家。")
            % {"c": len(report.created), "u": len(report.updated), "n": len(report.unchanged)},
        )
        return redirect("enterprises:list")
    messages.error(request, _("台账在预览后发生了变化，文件未导入。请查看下面的问题。"))
    context = {"form": LedgerUploadForm(), "report": report.as_dict(), "preview_rows": PREVIEW_ROWS}
    return render(request, "enterprises/ledger_import.html", context)
