"""Serializers of the parks API (api.py): parks with their lines, treatment
facilities, milestones, quotas and capacities; demand; proposals and
allocations; procedure items; policies; grants and their payments."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from relocation.enterprises.models import Industry
from relocation.organisation.api_scoping import ScopedModelSerializer, ScopedSerializer
from relocation.organisation.models import Unit
from relocation.parks import selectors
from relocation.parks.models import (
    Allocation,
    BuildStatus,
    EiaMilestone,
    Factory,
    Grant,
    HeavyMetalQuota,
    Metal,
    Park,
    Payment,
    Policy,
    ProcedureItem,
    Proposal,
    Stream,
    TreatmentFacility,
)


class FactorySerializer(ScopedModelSerializer):
    """A factory unit (承接厂房)."""

    class Meta:
        model = Factory
        fields = ["id", "park", "code", "area_m2", "status", "expected_delivery_on", "delivered_on"]


class TreatmentFacilitySerializer(ScopedModelSerializer):
    """A wastewater treatment line of one stream."""

    class Meta:
        model = TreatmentFacility
        fields = [
            "id",
            "park",
            "name",
            "stream",
            "capacity_t_per_day",
            "status",
            "expected_commission_on",
            "commissioned_on",
        ]


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = EiaMilestone
        fields = ["id", "name", "planned_on", "actual_on", "status"]


class QuotaSerializer(serializers.ModelSerializer):
    class Meta:
        model = HeavyMetalQuota
        fields = ["metal", "kg_per_year"]


class ParkSerializer(ScopedModelSerializer):
    """A receiving park with its factories, treatment lines, quotas and planning-EIA milestones."""

    factories = FactorySerializer(many=True, read_only=True)
    facilities = TreatmentFacilitySerializer(many=True, read_only=True)
    metal_quotas = QuotaSerializer(many=True, read_only=True)
    eia_milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Park
        fields = [
            "id",
            "code",
            "name",
            "town_unit",
            "industries",
            "land_area_m2",
            "latitude",
            "longitude",
            "notes",
            "version",
            "factories",
            "facilities",
            "metal_quotas",
            "eia_milestones",
        ]


class ResourceCapacitySerializer(serializers.Serializer):
    """One resource of a park: floor area (m²) or a wastewater stream (t/d)."""

    resource = serializers.CharField()
    capacity = serializers.DecimalField(max_digits=14, decimal_places=2)
    delivered_by = serializers.DecimalField(max_digits=14, decimal_places=2)
    used = serializers.DecimalField(max_digits=14, decimal_places=2)
    committed = serializers.DecimalField(max_digits=14, decimal_places=2)
    free = serializers.DecimalField(max_digits=14, decimal_places=2)
    alarm = serializers.BooleanField()
    shortfall = serializers.DecimalField(max_digits=14, decimal_places=2)


class LineWriteSerializer(serializers.Serializer):
    """A factory unit or treatment line in a write: with `id` it edits that
    line (omitted keys keep their value), without it adds one."""

    id = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=BuildStatus.choices, required=False)


class FactoryWriteSerializer(LineWriteSerializer):
    code = serializers.CharField(max_length=32, required=False)
    area_m2 = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0), required=False)
    expected_delivery_on = serializers.DateField(required=False, allow_null=True)
    delivered_on = serializers.DateField(required=False, allow_null=True)


class FacilityWriteSerializer(LineWriteSerializer):
    name = serializers.CharField(max_length=100, required=False)
    stream = serializers.ChoiceField(choices=Stream.choices, required=False)
    capacity_t_per_day = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal(0), required=False)
    expected_commission_on = serializers.DateField(required=False, allow_null=True)
    commissioned_on = serializers.DateField(required=False, allow_null=True)


class ParkWriteSerializer(ScopedSerializer):
    """Register (POST) or edit (PATCH) a park. PATCH needs the `version` read
    with the park (409 when someone saved it since) and changes only the keys
    given; `quotas` maps a metal to kg/year (null removes it)."""

    code = serializers.SlugField(max_length=32, required=False)
    name = serializers.CharField(max_length=100, required=False)
    town_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False)
    industries = serializers.ListField(child=serializers.ChoiceField(choices=Industry.choices), required=False)
    land_area_m2 = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0), required=False)
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    notes = serializers.CharField(required=False, allow_blank=True)
    factories = FactoryWriteSerializer(many=True, required=False)
    facilities = FacilityWriteSerializer(many=True, required=False)
    quotas = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True), required=False
    )
    version = serializers.IntegerField(required=False)

    def validate_quotas(self, value):
        unknown = set(value) - set(Metal.values)
        if unknown:
            raise serializers.ValidationError(f"unknown metal: {', '.join(sorted(unknown))}")
        return value


class DemandSerializer(serializers.Serializer):
    """An enterprise's park demand: floor area, t/d per stream, preferred parks (ids)."""

    enterprise = serializers.IntegerField(read_only=True)
    floor_area_m2 = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0))
    cyanide_t_per_day = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal(0), default=0)
    chromium_t_per_day = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal(0), default=0)
    nickel_t_per_day = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal(0), default=0)
    general_t_per_day = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal(0), default=0)
    dyeing_t_per_day = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal(0), default=0)
    preferred_parks = serializers.ListField(child=serializers.IntegerField(), default=list)
    is_derived = serializers.BooleanField(read_only=True)


class AllocationSerializer(serializers.ModelSerializer):
    """A proposed, confirmed or rejected placement of an enterprise in a park."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    park_code = serializers.CharField(source="park.code", read_only=True)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "proposal",
            "enterprise",
            "enterprise_name",
            "park",
            "park_code",
            "status",
            "reason",
            "is_preferred",
            "distance_km",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class ProposalSerializer(serializers.ModelSerializer):
    """A run of the optimiser. POST with {"time_limit": seconds} to start one;
    `result` holds status, objective, assignments and unplaced (with reasons)."""

    time_limit = serializers.FloatField(write_only=True, required=False, default=60.0, min_value=1, max_value=600)

    class Meta:
        model = Proposal
        fields = ["id", "status", "created_by", "created_at", "finished_at", "params", "result", "error", "time_limit"]
        read_only_fields = ["id", "status", "created_by", "created_at", "finished_at", "params", "result", "error"]


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class BulkConfirmSerializer(serializers.Serializer):
    allocations = serializers.ListField(child=serializers.IntegerField(), required=False)


class ProcedureItemSerializer(serializers.ModelSerializer):
    """One step of an enterprise's relocation procedures."""

    class Meta:
        model = ProcedureItem
        fields = [
            "id",
            "enterprise",
            "allocation",
            "kind",
            "responsible_unit",
            "due_on",
            "status",
            "note",
            "completed_on",
            "task_id",
        ]
        read_only_fields = fields


class ProcedureMoveSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=[c for c, _label in ProcedureItem._meta.get_field("status").choices])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PolicySerializer(serializers.ModelSerializer):
    """A support policy; tiers = [{"stopped_by": "YYYY-MM-DD", "rate": "300"}]."""

    totals = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = [
            "id",
            "code",
            "name",
            "basis",
            "tiers",
            "cap_amount",
            "requires_no_open_violations",
            "requires_closure_verified",
            "is_active",
            "totals",
        ]
        read_only_fields = ["id", "is_active", "totals"]
        # The model defaults `tiers` to an empty list, but a policy without tiers is refused:
        # asking for it here gives a 400 naming the field (the fuzzing found a 500).
        extra_kwargs = {"tiers": {"required": True}}

    def get_totals(self, obj: Policy) -> dict[str, str]:
        totals = self.context.get("totals") or selectors.totals_by_policy([obj.pk])
        return {k: str(v) for k, v in totals[obj.pk].items()}


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "amount", "paid_on", "voucher_no", "recorded_by", "created_at"]
        read_only_fields = ["id", "recorded_by", "created_at"]


class GrantSerializer(ScopedModelSerializer):
    """A computed grant: amount with the explanation of each term; approval by
    a second person (four-eyes) and its payments."""

    payments = PaymentSerializer(many=True, read_only=True)
    stop_override_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        default="",
        help_text="Basis of a manual production_stopped_on; only accepted when the lifecycle has no production stop.",
    )

    class Meta:
        model = Grant
        fields = [
            "id",
            "policy",
            "enterprise",
            "production_stopped_on",
            "production_stop_source",
            "production_stop_basis",
            "stop_override_reason",
            "quantity",
            "rate",
            "amount",
            "explanation",
            "status",
            "created_by",
            "approved_by",
            "approved_at",
            "payments",
        ]
        read_only_fields = [
            "id",
            "production_stop_source",
            "production_stop_basis",
            "quantity",
            "rate",
            "amount",
            "explanation",
            "status",
            "created_by",
            "approved_by",
            "approved_at",
            "payments",
        ]
        extra_kwargs = {
            "production_stopped_on": {
                "required": False,
                "help_text": "Read from the lifecycle history (the move to production stopped); give it, with "
                "stop_override_reason, only when the history has none.",
            }
        }


class GrantDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
