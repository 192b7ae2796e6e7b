from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relocation.core.errors import ServiceError
from relocation.core.roles import is_hq, is_hq_editor
from relocation.enterprises import contacts, selectors
from relocation.enterprises.models import Enterprise


def section_context(request: HttpRequest, enterprise: Enterprise) -> dict[str, Any] | None:
    """The "企业账户" section of the enterprise page, for HQ only."""
    if not is_hq(request.user):
        return None
    can_edit = is_hq_editor(request.user)
    return {
        "enterprise": enterprise,
        "contacts": contacts.contacts_of(enterprise),
        "accounts": contacts.unlinked_contact_accounts() if can_edit else [],
        "can_edit": can_edit,
    }


@require_POST
def contact_link(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_hq_editor(request.user):
        raise PermissionDenied
    enterprise = selectors.enterprise_for_user(request.user, pk)
    user = get_object_or_404(contacts.unlinked_contact_accounts(), pk=request.POST.get("user") or 0)
    try:
        contacts.contact_link(actor=request.user, enterprise=enterprise, user=user)
        messages.success(request, _("企业账户已关联。"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("enterprises:detail", pk=enterprise.pk)


@require_POST
def contact_unlink(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    if not is_hq_editor(request.user):
        raise PermissionDenied
    enterprise = selectors.enterprise_for_user(request.user, pk)
    link = get_object_or_404(contacts.contacts_of(enterprise), pk=link_pk)
    contacts.contact_unlink(actor=request.user, link=link)
    messages.success(request, _("已解除关联。"))
    return redirect("enterprises:detail", pk=enterprise.pk)
