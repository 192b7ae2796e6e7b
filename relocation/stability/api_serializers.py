"""Serializers of the stability API (api.py): risks with their level history and
signals, incidents with actions, evidence and the first-report clock, opinion
events, emergency plans with versions and drills."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from relocation.enterprises.models import Enterprise
from relocation.organisation.api_scoping import ScopedModelSerializer
from relocation.organisation.models import Unit
from relocation.stability import selectors
from relocation.stability.models import (
    Drill,
    EmergencyPlan,
    Incident,
    IncidentAction,
    IncidentEvidence,
    OpinionEvent,
    PlanVersion,
    RiskAssessment,
    RiskFactor,
    RiskLevelChange,
)


def _units(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), **kwargs)


@extend_schema_serializer(component_name="StabilityStatusChange")
class HistorySerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor.username", default=None)
    at = serializers.DateTimeField()
    reason = serializers.CharField()


class RiskLevelChangeSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = RiskLevelChange
        fields = ["from_level", "to_level", "actor", "at", "reason"]


class RiskSignalSerializer(serializers.Serializer):
    factor = serializers.CharField()
    label = serializers.CharField()
    level = serializers.CharField()
    detail = serializers.CharField()
    source = serializers.CharField()


class UnassessedSignalsSerializer(serializers.Serializer):
    enterprise_id = serializers.IntegerField()
    enterprise_name = serializers.CharField()
    level = serializers.CharField()
    signals = RiskSignalSerializer(many=True)


class RiskSerializer(ScopedModelSerializer):
    """A risk register entry (风险研判). `factors` are codes; the HK/Macao/Taiwan
    factor follows the enterprise's capital background in the ledger.
    `signals` are what other apps know (unresolved labour cases, open detector
    alerts) and `effective_level` the higher of `level` and theirs."""

    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    factors = serializers.ListField(child=serializers.ChoiceField(choices=RiskFactor.choices), required=False)
    responsible_unit = _units()
    co_units = _units(many=True, required=False)
    level_history = RiskLevelChangeSerializer(source="level_changes", many=True, read_only=True)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True, default="")
    signals = serializers.SerializerMethodField()
    effective_level = serializers.SerializerMethodField()

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "level",
            "factors",
            "notes",
            "responsible_unit",
            "co_units",
            "review_on",
            "version",
            "level_history",
            "reason",
            "signals",
            "effective_level",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        extra_kwargs = {"version": {"required": False}}

    def _signalled(self, obj: RiskAssessment) -> RiskAssessment:
        if not hasattr(obj, "signals"):  # a single entry; lists attach them in one go
            selectors.with_signals([obj])
        return obj

    @extend_schema_field(RiskSignalSerializer(many=True))
    def get_signals(self, obj: RiskAssessment) -> list[dict[str, Any]]:
        return RiskSignalSerializer(self._signalled(obj).signals, many=True).data

    def get_effective_level(self, obj: RiskAssessment) -> str:
        return self._signalled(obj).effective_level


class IncidentActionSerializer(ScopedModelSerializer):
    """A follow-up action; `task` is the supervision task it became."""

    unit = _units()
    task_status = serializers.CharField(source="task.status", read_only=True, default=None)

    class Meta:
        model = IncidentAction
        fields = ["id", "text", "unit", "due_on", "task", "task_status"]
        read_only_fields = ["task"]


class IncidentEvidenceSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
    name = serializers.CharField(source="file.original_name", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = IncidentEvidence
        fields = ["id", "file", "name", "url", "note", "created_at"]
        read_only_fields = ["created_at"]

    def get_url(self, obj: IncidentEvidence) -> str:
        return f"/files/{obj.file_id}/"


class ReportClockSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["waiting", "overdue", "on_time", "late"])
    minutes = serializers.IntegerField()
    due = serializers.DateTimeField()


class IncidentSerializer(ScopedModelSerializer):
    """An incident (维稳事件 / 安全生产事故 / 环境事件). `report_due_at` is the
    first-report limit (occurred + the severity's hours), `first_report_at`
    when the lead unit took it in hand, `report_clock` the stage clock."""

    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    lead_unit = _units(required=False, allow_null=True)
    co_units = _units(many=True, required=False)
    report_clock = serializers.SerializerMethodField()

    @extend_schema_field(ReportClockSerializer(allow_null=True))
    def get_report_clock(self, obj: Incident) -> dict[str, Any] | None:
        clock = obj.report_clock()
        return ReportClockSerializer(clock).data if clock else None

    class Meta:
        model = Incident
        fields = [
            "id",
            "kind",
            "title",
            "occurred_at",
            "place",
            "enterprise",
            "people_count",
            "severity",
            "description",
            "lead_unit",
            "co_units",
            "status",
            "outcome",
            "report_due_at",
            "first_report_at",
            "report_clock",
            "version",
            "created_at",
        ]
        read_only_fields = ["status", "outcome", "report_due_at", "first_report_at", "created_at"]
        extra_kwargs = {"version": {"required": False}}


class IncidentDetailSerializer(IncidentSerializer):
    history = HistorySerializer(source="status_changes", many=True, read_only=True)
    actions = IncidentActionSerializer(many=True, read_only=True)
    evidence = IncidentEvidenceSerializer(many=True, read_only=True)

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "history", "actions", "evidence"]


@extend_schema_serializer(component_name="StabilityNote")
class TextSerializer(serializers.Serializer):
    """A note for the move: the plan of action, the outcome, or the reason."""

    text = serializers.CharField(required=False, allow_blank=True, default="")


class OpinionSerializer(ScopedModelSerializer):
    """A public-opinion event (舆情). Leave `owner_unit` out for the default
    (宣传部门; 台港澳办 for an enterprise with HK/Macao/Taiwan capital).
    `response_due_at` follows from the level; `overdue` is true while an open
    event is past it."""

    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    owner_unit = _units(required=False, allow_null=True)
    co_units = _units(many=True, required=False)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = OpinionEvent
        fields = [
            "id",
            "source",
            "title",
            "url",
            "description",
            "first_seen_at",
            "level",
            "heat",
            "sentiment",
            "enterprise",
            "owner_unit",
            "co_units",
            "response_due_at",
            "overdue",
            "status",
            "published_response",
            "responded_at",
            "version",
        ]
        read_only_fields = ["response_due_at", "status", "published_response", "responded_at"]
        extra_kwargs = {"version": {"required": False}}


class OpinionDetailSerializer(OpinionSerializer):
    history = HistorySerializer(source="status_changes", many=True, read_only=True)

    class Meta(OpinionSerializer.Meta):
        fields = [*OpinionSerializer.Meta.fields, "history"]


class CloseOpinionSerializer(serializers.Serializer):
    published_response = serializers.CharField()


class PlanVersionSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
    name = serializers.CharField(source="file.original_name", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = PlanVersion
        fields = ["id", "number", "file", "name", "url", "changes", "status", "approved_by", "approved_on"]
        read_only_fields = ["number", "status", "approved_by", "approved_on"]

    def get_url(self, obj: PlanVersion) -> str:
        return f"/files/{obj.file_id}/"


class ApproveSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The plan version's id.")
    approved_by = serializers.CharField(max_length=100)
    approved_on = serializers.DateField()


class DrillSerializer(serializers.ModelSerializer):
    plan_version = serializers.IntegerField(source="plan_version.number", read_only=True, default=None)

    class Meta:
        model = Drill
        fields = ["id", "held_on", "place", "participants", "findings", "plan_version"]


@extend_schema_serializer(component_name="EmergencyPlan")
class PlanSerializer(ScopedModelSerializer):
    """An emergency plan (维稳应急预案); `current_version` is its latest approved version."""

    responsible_units = _units(many=True)
    current_version = serializers.SerializerMethodField()

    class Meta:
        model = EmergencyPlan
        fields = ["id", "title", "scope", "responsible_units", "contact_roles", "current_version", "version"]
        extra_kwargs = {"version": {"required": False}}

    def get_current_version(self, obj: EmergencyPlan) -> int | None:
        current = self.context.get("current", {}).get(obj.pk)
        if current is None and "current" not in self.context:
            current = selectors.current_version(obj)
        return current.number if current is not None else None


@extend_schema_serializer(component_name="EmergencyPlanDetail")
class PlanDetailSerializer(PlanSerializer):
    versions = PlanVersionSerializer(many=True, read_only=True)
    drills = DrillSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "versions", "drills"]
