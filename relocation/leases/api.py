"""REST API of the leases app, scoped exactly like the pages (HQ and auditors:
the programme; a community: its property's leases; a territorial town: its
enterprises'; an enterprise contact: its own, read-only). Every step goes
through the same service as the page, so the same rules refuse it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response

from relocation.core.api import ExportActionMixin
from relocation.enterprises.selectors import enterprises_for_user
from relocation.leases import exports, permissions, selectors, services
from relocation.leases.models import Lease, LeaseStatusChange, TerminationNotice
from relocation.organisation.api_scoping import ScopedModelSerializer


class _ReaderMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not permissions.can_read(request.user):
            raise PermissionDenied


@extend_schema_serializer(component_name="LeaseNotice")
class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = TerminationNotice
        fields = ["number", "issued_on", "vacate_by", "refund_due_on", "reason", "sha256"]
        read_only_fields = fields


@extend_schema_serializer(component_name="LeaseDepositRefund")
class RefundReadSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    refunded_on = serializers.DateField()
    withheld_reason = serializers.CharField()


@extend_schema_serializer(component_name="Lease")
class LeaseSerializer(serializers.ModelSerializer):
    """A lease of collective property; move it on through its actions."""

    notice = serializers.SerializerMethodField()
    refund = serializers.SerializerMethodField()
    open_disputes = serializers.SerializerMethodField()

    class Meta:
        model = Lease
        fields = [
            "id",
            "number",
            "landlord_kind",
            "landlord_name",
            "community_unit",
            "enterprise",
            "address",
            "area_m2",
            "starts_on",
            "ends_on",
            "monthly_rent",
            "deposit",
            "status",
            "notes",
            "notice",
            "refund",
            "open_disputes",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(NoticeSerializer(allow_null=True))
    def get_notice(self, obj) -> dict | None:
        notice = getattr(obj, "notice", None)
        return NoticeSerializer(notice).data if notice is not None else None

    @extend_schema_field(RefundReadSerializer(allow_null=True))
    def get_refund(self, obj) -> dict | None:
        refund = getattr(obj, "refund", None)
        return RefundReadSerializer(refund).data if refund is not None else None

    def get_open_disputes(self, obj) -> int:
        if hasattr(obj, "open_disputes"):
            return obj.open_disputes
        return obj.disputes.filter(resolved_on__isnull=True).count()


@extend_schema_serializer(component_name="LeaseRegisterRequest")
class LeaseCreateSerializer(ScopedModelSerializer):
    """A new lease: the tenant and the community unit must be of your programme."""

    class Meta:
        model = Lease
        fields = [
            "enterprise",
            "community_unit",
            "number",
            "landlord_kind",
            "landlord_name",
            "address",
            "area_m2",
            "starts_on",
            "ends_on",
            "monthly_rent",
            "deposit",
            "notes",
        ]
        # The number's uniqueness is the service's rule (per programme, with its message).
        extra_kwargs = {"number": {"validators": []}}


@extend_schema_serializer(component_name="LeaseNoticeRequest")
class NoticeIssueSerializer(serializers.Serializer):
    vacate_by = serializers.DateField()
    refund_due_on = serializers.DateField()
    reason = serializers.CharField()
    issued_on = serializers.DateField(required=False)


@extend_schema_serializer(component_name="LeaseRefundRequest")
class RefundSerializer(serializers.Serializer):
    """At most the deposit; less only with `withheld_reason`."""

    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))
    refunded_on = serializers.DateField()
    withheld_reason = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="LeaseClearanceRequest")
class ClearanceSerializer(serializers.Serializer):
    """The community's check; a failed check needs `note` saying what is missing."""

    checked_on = serializers.DateField()
    premises_vacated = serializers.BooleanField()
    equipment_removed = serializers.BooleanField()
    keys_returned = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="LeaseClearanceCheck")
class ClearanceReadSerializer(serializers.Serializer):
    checked_on = serializers.DateField()
    premises_vacated = serializers.BooleanField()
    equipment_removed = serializers.BooleanField()
    keys_returned = serializers.BooleanField()
    passed = serializers.BooleanField()
    note = serializers.CharField()


@extend_schema_serializer(component_name="LeaseCloseRequest")
class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="LeaseDisputeRequest")
class DisputeSerializer(serializers.Serializer):
    description = serializers.CharField()
    opened_on = serializers.DateField(required=False)


@extend_schema_serializer(component_name="LeaseDisputeResolveRequest")
class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField()
    resolved_on = serializers.DateField(required=False)


@extend_schema_serializer(component_name="LeaseDispute")
class DisputeReadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    opened_on = serializers.DateField()
    description = serializers.CharField()
    resolved_on = serializers.DateField(allow_null=True)
    resolution = serializers.CharField()


@extend_schema_serializer(component_name="LeaseStatusChange")
class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = LeaseStatusChange
        fields = ["from_status", "to_status", "at", "note"]
        read_only_fields = fields


class LeaseViewSet(_ReaderMixin, ExportActionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Leases the user may see. Filters: status (or `open`: not yet cleared),
    landlord_kind, community (unit id), town (unit id), q, disputed=1,
    refund_overdue=1. `export/` answers the filtered list as Excel."""

    serializer_class = LeaseSerializer
    export_name = _("租约清单")
    export_columns = exports.LEASE_COLUMNS

    def get_queryset(self):
        return selectors.lease_list(self.request.user, dict(self.request.query_params.items()))

    def _lease(self) -> Lease:
        return self.get_object()

    def _step(self, request, body: type, service: Any, answer: type, code: int = status.HTTP_201_CREATED) -> Response:
        """One step of the lease: validate the body, run the service on this lease, answer with its result."""
        data = body(data=request.data)
        data.is_valid(raise_exception=True)
        result = service(actor=request.user, lease=self._lease(), **data.validated_data)
        return Response(answer(result).data, status=code)

    @extend_schema(request=LeaseCreateSerializer, responses={201: LeaseSerializer})
    def create(self, request, *args, **kwargs):
        data = LeaseCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if not enterprises_for_user(request.user).filter(pk=values["enterprise"].pk).exists():
            raise PermissionDenied
        lease = services.lease_register(actor=request.user, **values)
        return Response(LeaseSerializer(lease).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoticeIssueSerializer, responses={201: NoticeSerializer})
    @action(detail=True, methods=["post"], url_path="issue-notice", parser_classes=[JSONParser, FormParser])
    def issue_notice(self, request, pk=None):
        """Issue the numbered termination notice (the Word file is on the lease page)."""
        return self._step(request, NoticeIssueSerializer, services.notice_issue, NoticeSerializer)

    @extend_schema(request=RefundSerializer, responses={201: RefundReadSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def refund(self, request, pk=None):
        """Record the deposit refund (never above the deposit)."""
        return self._step(request, RefundSerializer, services.deposit_refund_record, RefundReadSerializer)

    @extend_schema(request=ClearanceSerializer, responses={201: ClearanceReadSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def clearance(self, request, pk=None):
        """The community's clearance check; a passing check clears the lease."""
        return self._step(request, ClearanceSerializer, services.clearance_check_record, ClearanceReadSerializer)

    @extend_schema(request=CloseSerializer, responses=LeaseSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def close(self, request, pk=None):
        """Close a cleared lease without an open dispute."""
        return self._step(request, CloseSerializer, services.lease_close, LeaseSerializer, code=status.HTTP_200_OK)

    @extend_schema(methods=["GET"], request=None, responses=DisputeReadSerializer(many=True))
    @extend_schema(methods=["POST"], request=DisputeSerializer, responses={201: DisputeReadSerializer})
    @action(detail=True, methods=["get", "post"], parser_classes=[JSONParser, FormParser])
    def disputes(self, request, pk=None):
        """The lease's disputes, newest first; POST records a new one."""
        lease = self._lease()
        if request.method == "POST":
            data = DisputeSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            dispute = services.dispute_open(actor=request.user, lease=lease, **data.validated_data)
            return Response(DisputeReadSerializer(dispute).data, status=status.HTTP_201_CREATED)
        return Response(DisputeReadSerializer(lease.disputes.all(), many=True).data)

    @extend_schema(request=ResolveSerializer, responses=DisputeReadSerializer)
    @action(detail=True, methods=["post"], url_path="resolve-dispute", parser_classes=[JSONParser, FormParser])
    def resolve_dispute(self, request, pk=None):
        """Record how the open dispute was resolved."""
        return self._step(
            request, ResolveSerializer, services.dispute_resolve, DisputeReadSerializer, code=status.HTTP_200_OK
        )

    @extend_schema(responses=StatusChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """The lease's status changes, oldest first."""
        return Response(StatusChangeSerializer(self._lease().status_changes.all(), many=True).data)
