"""How every stability page handles a request: who may read, the user's
programme, a form calling a service (its errors become messages or form
errors), the status-move views, paging."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from relocation.core.errors import PermissionDeniedError, ServiceError
from relocation.enterprises.selectors import enterprises_for_user
from relocation.organisation.selectors import programme_for
from relocation.stability import permissions

PAGE_SIZE = 50


def _require_reader(request: HttpRequest) -> None:
    if not permissions.can_read(request.user):
        raise PermissionDenied


def _programme(request: HttpRequest) -> Any:
    programme = programme_for(request.user)
    if programme is None:
        raise Http404
    return programme


def _recorder_programme(request: HttpRequest) -> Any:
    """The new-record pages (risk, incident, opinion, plan) are for those who may
    record, and need the programme the record belongs to."""
    _require_reader(request)
    if not permissions.can_record(request.user):
        raise PermissionDenied
    return _programme(request)


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> Any:
    try:
        result = action()
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result if result is not None else True


def _form_kwargs(request: HttpRequest) -> dict[str, Any]:
    return {
        "programme": programme_for(request.user),
        "enterprises": enterprises_for_user(request.user).order_by("name"),
    }


def _invalid(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))


def _submit(request: HttpRequest, form: Any, action: Callable[[dict[str, Any]], Any], success: str) -> Any:
    """Every write page posts a form, runs one service on its cleaned data and
    reports back the same way: the service's result (or True) when it went
    through, None when the form or the service refused (the messages say why)."""
    if not form.is_valid():
        _invalid(request, form)
        return None
    return _run(request, lambda: action(form.cleaned_data), success)


def _create_page(
    request: HttpRequest,
    form: Any,
    action: Callable[[dict[str, Any]], Any],
    success: str,
    url_name: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A new-record page: on a good POST, the new record's page; otherwise the
    form again, with the reasons in the messages."""
    if request.method == "POST":
        created = _submit(request, form, action, success)
        if created:
            return redirect(url_name, pk=created.pk)
    return render(request, template, {"form": form, **context})


def _move_view(load: Callable[[Any, int], Any], record: str, url_name: str, moves: dict[str, tuple]) -> Callable:
    """Incidents and opinion events change status the same way: the URL names the
    target, the table gives the service, the service's keyword for the posted
    text, the form field carrying it, and the success message (lazy, since the
    table is built at import). A target outside the table is a 404."""

    @require_POST
    def view(request: HttpRequest, pk: int, target: str) -> HttpResponse:
        _require_reader(request)
        obj = load(request.user, pk)
        if target not in moves:
            raise Http404
        service, keyword, field, success = moves[target]
        posted = {record: obj, keyword: request.POST.get(field, "")}
        _run(request, lambda: service(actor=request.user, **posted), success)
        return redirect(url_name, pk=pk)

    return view


def _edit_initial(record: Any, *fields: str, **extra: Any) -> dict[str, Any]:
    """An edit form starts from the record's stored values and the version they
    were read at, so a concurrent edit is caught when it is saved."""
    return {**{name: getattr(record, name) for name in fields}, **extra, "version": record.version}


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
