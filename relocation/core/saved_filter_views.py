"""Saving, applying and deleting a person's saved filters (see saved_filters)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core import saved_filters
from relocation.core.errors import ServiceError


def _back(request: HttpRequest, query: str = "") -> HttpResponse:
    """Back to the list the form was on (a path of this site only), with `query` applied."""
    path = request.POST.get("next", "")
    if not path.startswith("/") or not url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
        path = "/"
    path = path.split("?", 1)[0]
    return redirect(f"{path}?{query}" if query else path)


@require_POST
def saved_filter_save(request: HttpRequest) -> HttpResponse:
    try:
        saved = saved_filters.saved_filter_save(
            actor=request.user,
            list_key=request.POST.get("list_key", ""),
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _back(request, saved_filters.clean_query(request.POST.get("query", "")))
    messages.success(request, _("已保存筛选条件“%(name)s”。") % {"name": saved.name})
    return _back(request, saved.query)


@require_POST
def saved_filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        saved_filters.saved_filter_delete(actor=request.user, pk=pk)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除筛选条件。"))
    return _back(request)
