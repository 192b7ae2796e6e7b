"""Shared pieces of the REST API: error shape and permission classes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from relocation.core.errors import ServiceError
from relocation.core.roles import is_hq, is_staff_member


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Service-layer errors become 400/403/409 with the user-language message."""
    if isinstance(exc, ServiceError):
        return Response({"detail": exc.message, "code": exc.code}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


class IsStaffMember(permissions.BasePermission):
    """HQ or a member unit: the people who work the programme's data."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and is_staff_member(request.user))


class IsHQ(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and is_hq(request.user))
