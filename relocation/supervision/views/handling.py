"""What every supervision page shares: who may see it (staff, HQ), the user's
programme, and Word downloads."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from relocation.core.roles import is_hq, is_staff_member
from relocation.organisation.selectors import programme_for

PAGE_SIZE = 30
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require_staff(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied


def _require_hq(request: HttpRequest) -> None:
    if not is_hq(request.user):
        raise PermissionDenied


def _programme(request: HttpRequest):
    programme = programme_for(request.user)
    if programme is None:
        raise Http404
    return programme


def _docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
