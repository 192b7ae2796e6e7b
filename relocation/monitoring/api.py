"""REST API of production supervision, scoped exactly like the pages."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from relocation.enterprises.selectors import enterprise_for_user, enterprises_for_user
from relocation.monitoring import permissions, selectors, services
from relocation.monitoring.models import (
    Alert,
    LimitRow,
    Measurement,
    MonitoringPoint,
    ToxicMovement,
    UtilityKind,
    UtilityReading,
)
from relocation.organisation.api_scoping import ScopedModelSerializer, ScopedSerializer
from relocation.organisation.models import User


class _ReaderMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not permissions.can_read(request.user):
            raise PermissionDenied


class AlertSerializer(serializers.ModelSerializer):
    """An alert with its state; change it through the acknowledge/close/assign actions."""

    class Meta:
        model = Alert
        fields = [
            "id",
            "enterprise",
            "point",
            "kind",
            "status",
            "title",
            "detail",
            "pollutant",
            "period",
            "first_period",
            "last_period",
            "value",
            "limit_value",
            "unit",
            "occurrences",
            "responsible_unit",
            "assignee",
            "acknowledged_at",
            "closed_at",
            "close_reason",
            "task_id",
        ]
        read_only_fields = fields


# Named apart from enforcement's `Reason` component (OpenAPI names are global).
@extend_schema_serializer(component_name="AlertReason")
class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(ScopedSerializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AlertViewSet(_ReaderMixin, viewsets.ReadOnlyModelViewSet):
    """Alerts the user may see (HQ: all; a unit: those it is responsible for or assigned).
    Filters: status (active/open/acknowledged/closed), kind, enterprise."""

    serializer_class = AlertSerializer

    def get_queryset(self):
        qs = selectors.alerts_for_user(self.request.user)
        if self.action == "list":
            qs = selectors.filter_alerts(qs, {k: v for k, v in self.request.query_params.items()})
        return qs

    def _check(self, alert):
        if not permissions.can_handle_alert(self.request.user, alert):
            raise PermissionDenied

    @extend_schema(request=ReasonSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Confirm the alert has been seen (open → acknowledged)."""
        alert = self.get_object()
        self._check(alert)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.alert_acknowledge(actor=request.user, alert=alert, note=data.validated_data["reason"])
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=ReasonSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close with a reason (required)."""
        alert = self.get_object()
        self._check(alert)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.alert_close(actor=request.user, alert=alert, reason=data.validated_data["reason"])
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=AssignSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Give the alert to a person of the responsible unit."""
        alert = self.get_object()
        self._check(alert)
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_assign(
            actor=request.user, alert=alert, assignee=data.validated_data["assignee"], note=data.validated_data["note"]
        )
        return Response(AlertSerializer(alert).data)


class PointSerializer(ScopedModelSerializer):
    """A monitoring point (one HJ 212 data logger). The password is write-only."""

    password = serializers.CharField(write_only=True, required=False)
    version = serializers.IntegerField(required=False)

    class Meta:
        model = MonitoringPoint
        fields = [
            "id",
            "mn",
            "password",
            "enterprise",
            "name",
            "outlet_kind",
            "standard",
            "table",
            "discharge_mode",
            "crc_variant",
            "expected_interval_minutes",
            "unit_overrides",
            "is_active",
            "version",
        ]
        extra_kwargs = {"mn": {"validators": []}}


class PointViewSet(_ReaderMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Monitoring points of the enterprises the user sees; HQ and system admins register and edit them."""

    serializer_class = PointSerializer

    def get_queryset(self):
        return selectors.points_for_user(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        enterprise_for_user(request.user, data["enterprise"].pk)
        point = services.point_create(actor=request.user, data=data)
        return Response(self.get_serializer(point).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        point = self.get_object()
        serializer = self.get_serializer(point, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = data.pop("version", None)
        if expected is None:
            raise serializers.ValidationError({"version": "请提供读取时的版本号 / version is required"})
        data.pop("enterprise", None)
        services.point_update(actor=request.user, point=point, data=data, expected_version=expected)
        point.refresh_from_db()
        return Response(self.get_serializer(point).data)


class MeasurementSerializer(ScopedModelSerializer):
    """One stored value, in the units of the limits (mg/L for concentrations)."""

    class Meta:
        model = Measurement
        fields = [
            "id",
            "point",
            "cn",
            "data_time",
            "pollutant",
            "value",
            "min_value",
            "max_value",
            "cou",
            "flag",
            "received_at",
        ]


class MeasurementViewSet(_ReaderMixin, viewsets.ReadOnlyModelViewSet):
    """Stored HJ 212 values. Filters: point, cn, pollutant, since, until (ISO date-time)."""

    serializer_class = MeasurementSerializer

    def get_queryset(self):
        qs = selectors.measurements_for_user(self.request.user).order_by("point_id", "data_time", "cn", "pollutant")
        params = self.request.query_params
        if params.get("point", "").isdigit():
            qs = qs.filter(point_id=int(params["point"]))
        for field in ("cn", "pollutant"):
            if params.get(field):
                qs = qs.filter(**{field: params[field]})
        if params.get("since") and parse_datetime(params["since"]):
            qs = qs.filter(data_time__gte=parse_datetime(params["since"]))
        if params.get("until") and parse_datetime(params["until"]):
            qs = qs.filter(data_time__lt=parse_datetime(params["until"]))
        return qs


class UtilityReadingSerializer(ScopedModelSerializer):
    """An enterprise's water or power consumption over an hour (`hour` set), a day, or a
    month (`interval` "month", `reading_date` any day of the month)."""

    class Meta:
        model = UtilityReading
        fields = [
            "id",
            "enterprise",
            "kind",
            "reading_date",
            "interval",
            "hour",
            "consumption",
            "meter_reading",
            "source",
        ]
        read_only_fields = ["source"]
        validators = []


class UtilityPushSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=UtilityKind.choices)
    readings = UtilityReadingSerializer(many=True, allow_empty=False)


class UtilityReadingViewSet(_ReaderMixin, viewsets.ReadOnlyModelViewSet):
    """Water and power readings. The water and power companies (and HQ) push
    readings with `POST /push/` — all or nothing; a reading for the same
    enterprise, kind, date and hour replaces the earlier one."""

    serializer_class = UtilityReadingSerializer

    def get_queryset(self):
        qs = selectors.utility_for_user(self.request.user)
        params = self.request.query_params
        if params.get("enterprise", "").isdigit():
            qs = qs.filter(enterprise_id=int(params["enterprise"]))
        if params.get("kind"):
            qs = qs.filter(kind=params["kind"])
        return qs

    @extend_schema(request=UtilityPushSerializer, responses={201: None})
    @action(detail=False, methods=["post"])
    def push(self, request):
        data = UtilityPushSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visible = set(enterprises_for_user(request.user).values_list("pk", flat=True))
        readings = [dict(r) for r in data.validated_data["readings"]]
        for r in readings:
            if r["enterprise"].pk not in visible:
                raise PermissionDenied
        created = services.utility_push(actor=request.user, kind=data.validated_data["kind"], readings=readings)
        return Response({"received": len(readings), "created": created}, status=status.HTTP_201_CREATED)


class ToxicMovementSerializer(ScopedModelSerializer):
    """One line of the highly-toxic-chemical ledger (quantities in kg)."""

    class Meta:
        model = ToxicMovement
        fields = [
            "id",
            "enterprise",
            "chemical",
            "cas_number",
            "kind",
            "quantity_kg",
            "occurred_on",
            "document_no",
            "permit_no",
            "filing_no",
            "counterparty",
            "note",
            "reverses",
            "reason",
            "recorded_by",
        ]
        read_only_fields = ["recorded_by", "reverses", "reason"]
        extra_kwargs = {"chemical": {"required": False, "allow_blank": True}}


class ToxicReverseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ToxicMovementViewSet(_ReaderMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The toxic-chemical ledgers the user may see; HQ, police, emergency and the territorial unit record lines."""

    serializer_class = ToxicMovementSerializer

    def get_queryset(self):
        qs = selectors.toxic_for_user(self.request.user)
        if self.request.query_params.get("enterprise", "").isdigit():
            qs = qs.filter(enterprise_id=int(self.request.query_params["enterprise"]))
        return qs

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        enterprise = enterprise_for_user(request.user, data.pop("enterprise").pk)
        movement = services.toxic_movement_record(actor=request.user, enterprise=enterprise, **data)
        return Response(self.get_serializer(movement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ToxicReverseSerializer, responses={201: ToxicMovementSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Cancel this line with a counter-entry (a reason is required)."""
        line = self.get_object()
        data = ToxicReverseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        counter = services.toxic_movement_reverse(
            actor=request.user, movement=line, reason=data.validated_data["reason"]
        )
        return Response(self.get_serializer(counter).data, status=status.HTTP_201_CREATED)


class LimitRowSerializer(serializers.ModelSerializer):
    """A limit of a standard table (mg/L unless `unit` says otherwise)."""

    standard_code = serializers.CharField(source="standard.code", read_only=True)

    class Meta:
        model = LimitRow
        fields = [
            "id",
            "standard",
            "standard_code",
            "table",
            "mode",
            "pollutant_code",
            "pollutant_name",
            "min_value",
            "max_value",
            "not_detectable",
            "detection_limit",
            "unit",
            "location",
            "note",
        ]


class LimitRowViewSet(_ReaderMixin, viewsets.ReadOnlyModelViewSet):
    """The discharge limits as data (national standards; permit limits of visible enterprises)."""

    serializer_class = LimitRowSerializer

    def get_queryset(self):
        from django.db.models import Q

        visible = enterprises_for_user(self.request.user)
        return LimitRow.objects.select_related("standard").filter(
            Q(standard__enterprise__isnull=True) | Q(standard__enterprise__in=visible)
        )


class ExceededDaySerializer(serializers.Serializer):
    """A day whose daily average exceeded the applicable limit."""

    point = serializers.IntegerField(source="point.pk")
    point_name = serializers.CharField(source="point.name")
    mn = serializers.CharField(source="point.mn")
    enterprise = serializers.IntegerField(source="point.enterprise_id")
    enterprise_name = serializers.CharField(source="point.enterprise.name")
    pollutant = serializers.CharField()
    pollutant_name = serializers.CharField(source="name")
    day = serializers.DateField()
    value = serializers.FloatField(help_text="the day's average (storage unit)")
    limit = serializers.CharField(help_text="the limit as printed, e.g. ≤80 or 6~9")
    limit_value = serializers.FloatField(allow_null=True, help_text="the bound the value crossed")
    unit = serializers.CharField()
    source = serializers.CharField(help_text="the standard table or permit the limit comes from")


class ExceedanceReportViewSet(_ReaderMixin, viewsets.ViewSet):
    """The monthly exceedance report (daily averages) of the points the user answers
    for: HQ all of its programme's, a unit those of its enterprises. One row per
    exceeded day; read from the daily aggregates."""

    @extend_schema(
        parameters=[OpenApiParameter("month", str, description="YYYY-MM; default: the current month")],
        responses=ExceededDaySerializer(many=True),
    )
    def list(self, request):
        from relocation.monitoring import exceedance_report as report

        try:
            month = report.parse_month(request.query_params.get("month"))
        except report.MonthError as exc:
            raise ValidationError({"month": [str(exc)]}) from None
        rows = report.exceeded_days(report.report_for_user(request.user, month))
        return Response(ExceededDaySerializer(rows, many=True).data)
