"""Serializers of the remediation API (api.py): sites with their stage moves,
land use and targets, sampling results and their import, liability and
obligations, milestones, screening values and the overview."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from relocation.enterprises.models import Enterprise
from relocation.organisation.api_scoping import ScopedModelSerializer, ScopedSerializer
from relocation.remediation.models import (
    LandUse,
    LiabilityBasis,
    Milestone,
    Obligation,
    SamplingResult,
    ScreeningValue,
    Site,
    Stage,
    TargetBasis,
)


class SiteSerializer(serializers.ModelSerializer):
    """A contaminated site; change its stage through the `move` action."""

    class Meta:
        model = Site
        fields = [
            "id",
            "code",
            "name",
            "enterprise",
            "territorial_unit",
            "address",
            "area_m2",
            "land_use",
            "target_basis",
            "stage",
            "stage_changed_on",
            "notes",
            "version",
        ]
        read_only_fields = fields


class SiteCreateSerializer(ScopedSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    land_use = serializers.ChoiceField(choices=LandUse.choices, default=LandUse.SECOND)
    area_m2 = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"), default=Decimal("0"))
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class SiteUpdateSerializer(serializers.Serializer):
    """The fields to change and the `version` you read (409 if it changed since)."""

    name = serializers.CharField(max_length=200, required=False)
    area_m2 = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField()


class MoveSerializer(serializers.Serializer):
    """Multipart: the target stage, the date, the reason and the evidence file."""

    target = serializers.ChoiceField(choices=Stage.choices)
    moved_on = serializers.DateField(required=False)
    reason = serializers.CharField()
    evidence = serializers.FileField()


class StageChangeSerializer(serializers.Serializer):
    from_stage = serializers.ChoiceField(choices=Stage.choices)
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    moved_on = serializers.DateField()
    reason = serializers.CharField()
    # Null for a reopening caused by a change of land use.
    evidence = serializers.IntegerField(source="evidence_id", allow_null=True)


class LandUseSerializer(serializers.Serializer):
    """The new planned land use and the planning decision behind it."""

    land_use = serializers.ChoiceField(choices=LandUse.choices)
    reason = serializers.CharField()


class LandUseResultSerializer(serializers.Serializer):
    site = SiteSerializer()
    # The reopening, when the change to first class reopened the site.
    reopened = StageChangeSerializer(allow_null=True)


class TargetBasisSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(choices=TargetBasis.choices)
    reason = serializers.CharField()


class TargetSetSerializer(serializers.Serializer):
    """A pollutant (code) and its target for the site's land use; `value`
    null goes back to the default."""

    pollutant = serializers.SlugRelatedField(slug_field="code", queryset=ScreeningValue.objects.all())
    value = serializers.DecimalField(max_digits=16, decimal_places=6, allow_null=True)
    reason = serializers.CharField()


class TargetRowSerializer(serializers.Serializer):
    pollutant = serializers.CharField(source="pollutant.code")
    name = serializers.CharField(source="pollutant.name")
    screening_value = serializers.DecimalField(source="screening", max_digits=16, decimal_places=6)
    intervention_value = serializers.DecimalField(source="intervention", max_digits=16, decimal_places=6)
    default = serializers.DecimalField(max_digits=16, decimal_places=6)
    target = serializers.DecimalField(max_digits=16, decimal_places=6)
    reason = serializers.SerializerMethodField()
    worst_effect = serializers.DecimalField(max_digits=18, decimal_places=7, allow_null=True)
    exceeded = serializers.BooleanField()

    def get_reason(self, obj) -> str:
        return obj.override.reason if obj.override else ""


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class ImportResultSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.CharField())
    # Items not in the standard's table: left out, the other rows imported.
    warnings = serializers.ListField(child=serializers.CharField())


@extend_schema_serializer(component_name="RemediationLiabilityRequest")
class LiabilitySerializer(ScopedSerializer):
    basis = serializers.ChoiceField(choices=LiabilityBasis.choices)
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    party_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    basis_note = serializers.CharField(required=False, allow_blank=True, default="")
    determined_on = serializers.DateField(required=False)


@extend_schema_serializer(component_name="RemediationLiability")
class LiabilityReadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    basis = serializers.ChoiceField(choices=LiabilityBasis.choices)
    enterprise = serializers.IntegerField(source="enterprise_id", allow_null=True)
    party_name = serializers.CharField()
    basis_note = serializers.CharField()
    determined_on = serializers.DateField()


class SamplingResultSerializer(ScopedModelSerializer):
    """A laboratory result, judged against the values for the site's land use."""

    pollutant = serializers.SlugRelatedField(slug_field="code", queryset=ScreeningValue.objects.all())
    screening_value = serializers.SerializerMethodField()
    intervention_value = serializers.SerializerMethodField()
    over_screening = serializers.SerializerMethodField()
    over_intervention = serializers.SerializerMethodField()

    class Meta:
        model = SamplingResult
        fields = [
            "id",
            "site",
            "point",
            "depth_m",
            "pollutant",
            "concentration",
            "sampled_on",
            "stage",
            "screening_value",
            "intervention_value",
            "over_screening",
            "over_intervention",
        ]
        read_only_fields = ["id", "screening_value", "intervention_value", "over_screening", "over_intervention"]

    def _limits(self, obj) -> tuple[Decimal, Decimal]:
        return obj.pollutant.limits(obj.site.land_use)

    def get_screening_value(self, obj) -> Decimal:
        return self._limits(obj)[0]

    def get_intervention_value(self, obj) -> Decimal:
        return self._limits(obj)[1]

    def get_over_screening(self, obj) -> bool:
        return obj.concentration > self._limits(obj)[0]

    def get_over_intervention(self, obj) -> bool:
        return obj.concentration > self._limits(obj)[1]


class ObligationSerializer(ScopedModelSerializer):
    """An obligation of a responsible party, with the amount paid and whether it is overdue."""

    site = serializers.IntegerField(source="liability.site_id", read_only=True)
    party_name = serializers.CharField(source="liability.party_name", read_only=True)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Obligation
        fields = [
            "id",
            "liability",
            "site",
            "party_name",
            "kind",
            "description",
            "amount",
            "due_on",
            "status",
            "paid",
            "overdue",
            "task_id",
            "escalated_on",
            "version",
        ]
        read_only_fields = ["status", "task_id", "escalated_on", "version"]

    def get_overdue(self, obj) -> bool:
        from django.utils import timezone

        return obj.status == "open" and obj.due_on < timezone.localdate()


class ObligationUpdateSerializer(serializers.Serializer):
    description = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    due_on = serializers.DateField()
    version = serializers.IntegerField()


@extend_schema_serializer(component_name="RemediationReason")
class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ObligationPaymentSerializer(serializers.Serializer):
    paid_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    reference = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.FileField(required=False, allow_null=True, default=None)


class ObligationDocumentSerializer(serializers.Serializer):
    file = serializers.FileField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EscalationSerializer(serializers.Serializer):
    task = serializers.IntegerField()


class SiteMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "site", "order", "name", "workdays", "due_on", "percent", "done_on", "version"]
        read_only_fields = fields


class MilestoneProgressSerializer(serializers.Serializer):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    version = serializers.IntegerField()


class ScreeningValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScreeningValue
        fields = [
            "code",
            "name",
            "name_en",
            "synonyms",
            "cas",
            "standard",
            "table",
            "number",
            "group",
            "screening_first",
            "screening_second",
            "intervention_first",
            "intervention_second",
            "note",
        ]
        read_only_fields = fields


class StageCountSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    label = serializers.CharField()
    sites = serializers.IntegerField()


class OverviewSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    stages = StageCountSerializer(many=True)
    overdue_obligations = serializers.IntegerField()
    overdue_milestones = serializers.IntegerField()
