"""Serializers of the enforcement API (api.py): the configuration (checklist
items, legal bases, domains, escalation steps, repeat-offender rules, teams),
operations, inspections with photos, violations, measures and documents."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from relocation.enforcement import selectors
from relocation.enforcement.models import (
    ChecklistItem,
    EnforcementDocument,
    EnforcementDomain,
    EnforcementTeam,
    EscalationStep,
    Inspection,
    InspectionStatus,
    JointOperation,
    LegalBasis,
    Measure,
    RepeatOffenderRule,
    Violation,
)
from relocation.organisation.api_scoping import ScopedModelSerializer
from relocation.organisation.models import User


class ChecklistItemSerializer(ScopedModelSerializer):
    """A configurable checklist item of a domain."""

    class Meta:
        model = ChecklistItem
        fields = ["id", "domain", "text", "order", "is_active", "legal_basis"]


class LegalBasisSerializer(ScopedModelSerializer):
    """A configurable legal basis (law + article) of a domain."""

    class Meta:
        model = LegalBasis
        fields = ["id", "domain", "law", "article", "summary", "is_active"]


class DomainSerializer(ScopedModelSerializer):
    """An enforcement domain with its lead unit, checklist and legal bases."""

    checklist_items = ChecklistItemSerializer(many=True, read_only=True)
    legal_bases = LegalBasisSerializer(many=True, read_only=True)

    class Meta:
        model = EnforcementDomain
        fields = ["id", "code", "name", "lead_unit", "co_units", "order", "checklist_items", "legal_bases"]


class EscalationStepSerializer(serializers.ModelSerializer):
    """One rung of the escalation ladder."""

    class Meta:
        model = EscalationStep
        fields = ["id", "level", "kind", "rectification_workdays"]


class RepeatOffenderRuleSerializer(serializers.ModelSerializer):
    """N violations within M days make a repeat offender."""

    class Meta:
        model = RepeatOffenderRule
        fields = ["id", "violations", "window_days"]


class TeamSerializer(ScopedModelSerializer):
    """A 专项执法组 and its members (user ids)."""

    members = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.all(), required=False)

    class Meta:
        model = EnforcementTeam
        fields = ["id", "domain", "name", "lead_unit", "members", "is_active"]
        read_only_fields = ["is_active"]
        extra_kwargs = {"lead_unit": {"required": False}}


class OperationSerializer(ScopedModelSerializer):
    """A joint operation: date, targets and teams; `results` rolls up its inspections."""

    results = serializers.SerializerMethodField()

    class Meta:
        model = JointOperation
        fields = ["id", "name", "planned_on", "status", "targets", "teams", "notes", "results"]
        read_only_fields = ["status"]

    def get_results(self, obj: JointOperation) -> dict[str, Any] | None:
        if self.context.get("view") and getattr(self.context["view"], "action", "") == "retrieve":
            results = selectors.operation_results(obj)
            results["measures"] = [{**m, "amount": str(m["amount"] or 0)} for m in results["measures"]]
            return results
        return None


class PhotoSerializer(serializers.Serializer):
    """A photo: the stored file (download at /files/<file_id>/), its hash and
    the time and position read from the photo."""

    id = serializers.IntegerField()
    file_id = serializers.IntegerField(source="stored_file_id")
    sha256 = serializers.CharField(source="stored_file.sha256")
    taken_at = serializers.DateTimeField(source="stored_file.taken_at", allow_null=True)
    latitude = serializers.FloatField(source="stored_file.latitude", allow_null=True)
    longitude = serializers.FloatField(source="stored_file.longitude", allow_null=True)


class InspectionSerializer(ScopedModelSerializer):
    """An inspection. Create with at least two inspectors of the team and
    the representative's acknowledgement; `follow_up` completes a scheduled
    re-inspection (with `follow_up_result`)."""

    inspectors = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.all())
    photos = PhotoSerializer(many=True, read_only=True)
    follow_up = serializers.PrimaryKeyRelatedField(
        queryset=Inspection.objects.filter(status=InspectionStatus.SCHEDULED), required=False, write_only=True
    )

    class Meta:
        model = Inspection
        fields = [
            "id",
            "operation",
            "enterprise",
            "team",
            "kind",
            "status",
            "scheduled_on",
            "inspected_on",
            "inspectors",
            "checklist",
            "findings",
            "representative_name",
            "representative_signed",
            "representative_refused",
            "follow_up_of",
            "follow_up",
            "follow_up_result",
            "photos",
            "submitted_at",
            "client_key",
        ]
        read_only_fields = ["kind", "status", "scheduled_on", "follow_up_of", "submitted_at"]


class ViolationSerializer(ScopedModelSerializer):
    """A violation found in an inspection, with its domain and legal basis."""

    class Meta:
        model = Violation
        fields = ["id", "inspection", "enterprise", "domain", "legal_basis", "description", "found_on", "created_at"]
        read_only_fields = ["enterprise", "found_on", "created_at"]


class MeasureSerializer(ScopedModelSerializer):
    """A measure. Rectification orders need `workdays`; fines `amount`.
    Anything but a rectification order waits for approval by a second person."""

    class Meta:
        model = Measure
        fields = [
            "id",
            "violation",
            "enterprise",
            "team",
            "kind",
            "status",
            "level",
            "content",
            "workdays",
            "deadline",
            "amount",
            "decision_number",
            "escalated_from",
            "created_by",
            "approved_by",
            "approved_at",
            "closed_at",
            "revoked_reason",
            "version",
            "created_at",
        ]
        read_only_fields = [
            "enterprise",
            "team",
            "status",
            "level",
            "deadline",
            "escalated_from",
            "created_by",
            "approved_by",
            "approved_at",
            "closed_at",
            "revoked_reason",
            "created_at",
        ]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class DocumentSerializer(ScopedModelSerializer):
    """A numbered enforcement document; download it at `download_url`."""

    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EnforcementDocument
        fields = ["id", "measure", "enterprise", "kind", "number", "sha256", "created_at", "download_url"]

    def get_download_url(self, obj: EnforcementDocument) -> str:
        from django.urls import reverse

        return reverse("enforcement:document_download", args=[obj.pk])
