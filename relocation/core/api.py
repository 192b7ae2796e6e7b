"""Shared pieces of the REST API: error shape and permission classes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from relocation.core.errors import ServiceError
from relocation.core.models import AuditEvent, NotificationDelivery
from relocation.core.roles import can_see_undelivered, is_auditor, is_hq, is_staff_member
from relocation.core.spreadsheets import XLSX_CONTENT_TYPE, export_table


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


class ExportActionMixin:
    """GET <list>/export/: the list as an Excel workbook, with the viewset's own
    queryset and filters (so exactly what the list answers, unpaginated) in
    `export_columns` (core.spreadsheets.Col, the web page's columns)."""

    export_name: Any = ""
    export_columns: Any = ()

    def get_export_columns(self) -> Any:
        return self.export_columns

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], pagination_class=None, url_path="export")
    def export(self, request: Any) -> Any:
        """The filtered list as an .xlsx workbook (the page's columns, formula-safe)."""
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        return export_table(self.export_name, self.get_export_columns(), queryset)


class AuditEventViewSet(ExportActionMixin, viewsets.ReadOnlyModelViewSet):
    """The audit log, read-only, for auditors. Filters: actor, action,
    object_type, date_from, date_to (YYYY-MM-DD), enterprise (id)."""

    serializer_class = AuditEventSerializer
    permission_classes = [IsAuditor]
    lookup_field = "seq"
    export_name = _("审计记录")

    def get_export_columns(self) -> Any:
        from relocation.core.exports import AUDIT_COLUMNS

        return AUDIT_COLUMNS

    def get_queryset(self):
        from relocation.core.forms import AuditFilterForm
        from relocation.core.selectors import audit_events

        form = AuditFilterForm(self.request.query_params or None)
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors)
        return audit_events(**form.filters()) if form.is_bound else audit_events()


class NotificationCategorySerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField(read_only=True)
    email = serializers.BooleanField()


class MandatoryNotificationSerializer(serializers.Serializer):
    verb = serializers.CharField()
    reason = serializers.CharField()


class NotificationPreferencesSerializer(serializers.Serializer):
    """Per category, whether it also comes by e-mail (the inbox always gets it);
    `mandatory` lists the verbs that always come by e-mail, with the reason."""

    categories = NotificationCategorySerializer(many=True)
    mandatory = MandatoryNotificationSerializer(many=True, read_only=True)


def _preferences_payload(user: Any) -> dict[str, Any]:
    from relocation.core.notification_kinds import categories, mandatory
    from relocation.core.selectors import notification_preferences_of

    current = notification_preferences_of(user)
    return {
        "categories": [{"category": k, "label": str(label), "email": current[k]} for k, label in categories()],
        "mandatory": [{"verb": v, "reason": str(why)} for v, why in sorted(mandatory().items())],
    }


class NotificationPreferencesView(APIView):
    """Your own notification settings. PATCH with
    `{"categories": [{"category": "meeting", "email": false}]}`; categories not
    named keep their setting."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NotificationPreferencesSerializer

    def get(self, request: Any) -> Response:
        return Response(_preferences_payload(request.user))

    def patch(self, request: Any) -> Response:
        from relocation.core.services import notification_preferences_set

        serializer = NotificationPreferencesSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        rows = serializer.validated_data.get("categories", [])
        chosen = {row["category"]: row["email"] for row in rows if "category" in row and "email" in row}
        notification_preferences_set(actor=request.user, email=chosen)
        return Response(_preferences_payload(request.user))


class UndeliveredNotificationSerializer(serializers.ModelSerializer):
    """A delivery that failed after every retry."""

    recipient = serializers.CharField(source="notification.recipient.username", read_only=True)
    title = serializers.CharField(source="notification.title", read_only=True)
    verb = serializers.CharField(source="notification.verb", read_only=True)
    notified_at = serializers.DateTimeField(source="notification.created_at", read_only=True)

    class Meta:
        model = NotificationDelivery
        fields = ["id", "recipient", "title", "verb", "notified_at", "channel", "attempts", "last_error", "updated_at"]


class CanSeeUndelivered(permissions.BasePermission):
    """Reading the list and sending again: the people of the 未送达 page."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(can_see_undelivered(request.user))


class ResendSerializer(serializers.Serializer):
    """The failed deliveries to send again (ids from the list)."""

    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500)


class ResentSerializer(serializers.Serializer):
    resent = serializers.IntegerField(help_text="how many deliveries were queued again")


class UndeliveredNotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """E-mails and robot messages that failed after every retry (HQ, system
    admin). `resend` queues one again, `resend` on the list the given ids;
    each is audited, and rows no longer failed are skipped."""

    serializer_class = UndeliveredNotificationSerializer
    permission_classes = [CanSeeUndelivered]

    def get_queryset(self):
        from relocation.core.selectors import undelivered_notifications

        return undelivered_notifications()

    @extend_schema(request=None, responses=ResentSerializer)
    @action(detail=True, methods=["post"], url_path="resend")
    def resend(self, request: Any, pk: str | None = None) -> Response:
        from relocation.core.services import notifications_resend

        delivery = self.get_object()
        return Response({"resent": notifications_resend(actor=request.user, delivery_ids=[delivery.pk])})

    @extend_schema(
        request=ResendSerializer, responses=ResentSerializer, operation_id="core_undelivered_notifications_resend_many"
    )
    @action(detail=False, methods=["post"], url_path="resend")
    def resend_many(self, request: Any) -> Response:
        from relocation.core.services import notifications_resend

        serializer = ResendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(
            {"resent": notifications_resend(actor=request.user, delivery_ids=serializer.validated_data["ids"])}
        )
