"""Shared pieces of the REST API: error shape and permission classes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from relocation.core.errors import ServiceError
from relocation.core.models import AuditEvent
from relocation.core.roles import is_auditor, is_hq, is_staff_member


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


class IsAuditor(permissions.BasePermission):
    """The auditor only, and only to read."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(is_auditor(request.user) and request.method in permissions.SAFE_METHODS)


class AuditEventSerializer(serializers.ModelSerializer):
    """One entry of the hash-chained audit log."""

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "created_at",
            "actor_name",
            "ip",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "enterprise_id",
            "summary",
            "changes",
            "prev_hash",
            "hash",
        ]


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit log, read-only, for auditors. Filters: actor, action,
    object_type, date_from, date_to (YYYY-MM-DD), enterprise (id)."""

    serializer_class = AuditEventSerializer
    permission_classes = [IsAuditor]
    lookup_field = "seq"

    def get_queryset(self):
        from relocation.core.forms import AuditFilterForm
        from relocation.core.selectors import audit_events

        form = AuditFilterForm(self.request.query_params or None)
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors)
        return audit_events(**form.filters()) if form.is_bound else audit_events()
