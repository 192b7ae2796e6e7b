"""REST API of the remediation app, scoped exactly like the pages; writes go
through the same services (a stale `version` answers 409)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from relocation.enterprises.models import Enterprise
from relocation.enterprises.selectors import enterprises_for_user
from relocation.organisation.api_scoping import ScopedModelSerializer, ScopedSerializer
from relocation.remediation import permissions, selectors, services
from relocation.remediation.models import (
    LandUse,
    LiabilityBasis,
    Milestone,
    Obligation,
    ObligationKind,
    SamplingResult,
    ScreeningValue,
    Site,
    Stage,
    TargetBasis,
)


class _ReaderMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not permissions.can_read(request.user):
            raise PermissionDenied


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


class SiteViewSet(_ReaderMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Sites the user may see (HQ, the bureau and auditors: all; a town: its
    own; an enterprise: its plot and those it is liable for). Filters: stage,
    town (unit id), q, overdue=1."""

    serializer_class = SiteSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = selectors.sites_for_user(self.request.user)
        if self.action == "list":
            qs = selectors.filter_sites(qs, dict(self.request.query_params.items()))
        return qs

    @extend_schema(request=SiteCreateSerializer, responses={201: SiteSerializer})
    def create(self, request, *args, **kwargs):
        data = SiteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        enterprise = values.pop("enterprise")
        if not enterprises_for_user(request.user).filter(pk=enterprise.pk).exists():
            raise PermissionDenied
        site = services.site_create(actor=request.user, enterprise=enterprise, **values)
        return Response(SiteSerializer(site).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SiteUpdateSerializer, responses=SiteSerializer)
    def partial_update(self, request, *args, **kwargs):
        site = self.get_object()
        if "land_use" in request.data:
            # A change of land use may reopen the site: it has its own action with a reason.
            raise ValidationError({"land_use": [_("规划用地类型请通过“变更规划用地类型”修改，并写明依据。")]})
        data = SiteUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version")
        services.site_update(actor=request.user, site=site, expected_version=version, values=values)
        return Response(SiteSerializer(site).data)

    @extend_schema(request=None, responses=SiteSerializer(many=False), exclude=True)
    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request={"multipart/form-data": MoveSerializer}, responses=StageChangeSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def move(self, request, pk=None):
        """Move the site to its next stage with the evidence (checked upload)."""
        site = self.get_object()
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.site_move(actor=request.user, site=site, **data.validated_data)
        return Response(StageChangeSerializer(change).data)

    @extend_schema(request=LandUseSerializer, responses=LandUseResultSerializer)
    @action(detail=True, methods=["post"], url_path="land-use", parser_classes=[JSONParser, FormParser])
    def land_use(self, request, pk=None):
        """Change the planned land use with its reason. To first class, an
        accepted or handed-over site whose effect evaluation exceeds the
        first-class targets (or a 无需修复 site above the first-class screening
        values) is reopened; `reopened` then holds the stage change."""
        site = self.get_object()
        data = LandUseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.site_change_land_use(actor=request.user, site=site, **data.validated_data)
        site.refresh_from_db()
        return Response(
            {"site": SiteSerializer(site).data, "reopened": StageChangeSerializer(change).data if change else None}
        )

    @extend_schema(methods=["GET"], request=None, responses=TargetRowSerializer(many=True))
    @extend_schema(methods=["POST"], request=TargetSetSerializer, responses=TargetRowSerializer(many=True))
    @action(detail=True, methods=["get", "post"], parser_classes=[JSONParser, FormParser])
    def targets(self, request, pk=None):
        """The site's remediation targets (every pollutant measured or given a
        target) with the effect evaluation against them; POST sets one."""
        site = self.get_object()
        if request.method == "POST":
            data = TargetSetSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            services.target_set(actor=request.user, site=site, **data.validated_data)
        return Response(TargetRowSerializer(selectors.site_targets(site), many=True).data)

    @extend_schema(request=TargetBasisSerializer, responses=SiteSerializer)
    @action(detail=True, methods=["post"], url_path="target-basis", parser_classes=[JSONParser, FormParser])
    def target_basis(self, request, pk=None):
        """Whether the targets default to the screening or the intervention values."""
        site = self.get_object()
        data = TargetBasisSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.target_basis_set(actor=request.user, site=site, **data.validated_data)
        return Response(SiteSerializer(site).data)

    @extend_schema(responses=StageChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """The site's stage changes, newest first."""
        site = self.get_object()
        return Response(StageChangeSerializer(site.stage_changes.all(), many=True).data)

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={200: ImportResultSerializer, 400: ImportResultSerializer},
    )
    @action(detail=True, methods=["post"], url_path="import-results", parser_classes=[MultiPartParser])
    def import_results(self, request, pk=None):
        """Excel or CSV of results. A malformed row refuses the file (400 lists
        every bad row); items not in the standard's table are left out and
        named in `warnings`, the other rows imported."""
        site = self.get_object()
        data = ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        outcome = services.results_import(
            actor=request.user, site=site, file_name=upload.name, data=upload.read(5 * 1024 * 1024)
        )
        body = {"imported": outcome.imported, "errors": outcome.errors, "warnings": outcome.warnings}
        return Response(body, status=status.HTTP_400_BAD_REQUEST if outcome.errors else status.HTTP_200_OK)

    @extend_schema(request=LiabilitySerializer, responses={201: LiabilityReadSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def liabilities(self, request, pk=None):
        """Determine the responsible party (HQ, the ecology-environment bureau)."""
        site = self.get_object()
        data = LiabilitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        liability = services.liability_determine(actor=request.user, site=site, **data.validated_data)
        return Response(LiabilityReadSerializer(liability).data, status=status.HTTP_201_CREATED)


class SamplingResultViewSet(_ReaderMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Results of the sites the user may see. Filter: site (id)."""

    serializer_class = SamplingResultSerializer

    def get_queryset(self):
        qs = SamplingResult.objects.filter(site__in=selectors.sites_for_user(self.request.user).values("pk"))
        site = self.request.query_params.get("site", "")
        if site.isdigit():
            qs = qs.filter(site_id=int(site))
        return qs.select_related("site", "pollutant")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        site = selectors.site_for_user(self.request.user, data.pop("site").pk)
        serializer.instance = services.result_add(actor=self.request.user, site=site, **data)


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


class ObligationViewSet(_ReaderMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Obligations of the sites the user may see. Filter: overdue=1."""

    serializer_class = ObligationSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = selectors.obligations_for_user(self.request.user)
        if self.request.query_params.get("overdue") == "1":
            qs = selectors.overdue_obligations(qs)
        return qs

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        liability = data.pop("liability")
        selectors.site_for_user(self.request.user, liability.site_id)
        if data.get("kind") != ObligationKind.COMPENSATION:
            data.pop("amount", None)
        serializer.instance = services.obligation_create(actor=self.request.user, liability=liability, **data)

    @extend_schema(request=ObligationUpdateSerializer, responses=ObligationSerializer)
    def partial_update(self, request, *args, **kwargs):
        obligation = self.get_object()
        data = ObligationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        services.obligation_update(
            actor=request.user,
            obligation=obligation,
            expected_version=values["version"],
            description=values["description"],
            due_on=values["due_on"],
            amount=values.get("amount"),
        )
        return Response(ObligationSerializer(self.get_queryset().get(pk=obligation.pk)).data)

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def _reply(self, obligation):
        return Response(ObligationSerializer(self.get_queryset().get(pk=obligation.pk)).data)

    @extend_schema(request=ReasonSerializer, responses=ObligationSerializer)
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        """Confirm the obligation fulfilled (compensation: only when paid in full)."""
        obligation = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.obligation_fulfil(actor=request.user, obligation=obligation, reason=data.validated_data["reason"])
        return self._reply(obligation)

    @extend_schema(request=None, responses=EscalationSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """Hand an overdue obligation to the territorial unit as a supervision task."""
        obligation = self.get_object()
        task = services.obligation_escalate(actor=request.user, obligation=obligation)
        return Response({"task": task.pk})

    @extend_schema(request={"multipart/form-data": ObligationPaymentSerializer}, responses=ObligationSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def payments(self, request, pk=None):
        """Record a compensation payment, with an optional receipt."""
        obligation = self.get_object()
        data = ObligationPaymentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.payment_record(actor=request.user, obligation=obligation, **data.validated_data)
        return self._reply(obligation)

    @extend_schema(request={"multipart/form-data": ObligationDocumentSerializer}, responses=ObligationSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def documents(self, request, pk=None):
        """Upload a document for the obligation (the liable enterprise may too)."""
        obligation = self.get_object()
        data = ObligationDocumentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.obligation_document_upload(
            actor=request.user,
            obligation=obligation,
            uploaded_file=data.validated_data["file"],
            note=data.validated_data["note"],
        )
        return self._reply(obligation)


class SiteMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "site", "order", "name", "workdays", "due_on", "percent", "done_on", "version"]
        read_only_fields = fields


class MilestoneProgressSerializer(serializers.Serializer):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    version = serializers.IntegerField()


class MilestoneViewSet(_ReaderMixin, viewsets.ReadOnlyModelViewSet):
    """Remediation plan milestones of the sites the user may see. Filters: site, overdue=1."""

    serializer_class = SiteMilestoneSerializer

    def get_queryset(self):
        qs = selectors.milestones_for_user(self.request.user)
        site = self.request.query_params.get("site", "")
        if site.isdigit():
            qs = qs.filter(site_id=int(site))
        if self.request.query_params.get("overdue") == "1":
            qs = selectors.overdue_milestones(qs)
        return qs

    @extend_schema(request=MilestoneProgressSerializer, responses=SiteMilestoneSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """Report progress in percent with the version you read (409 if stale)."""
        milestone = self.get_object()
        data = MilestoneProgressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.milestone_progress(
            actor=request.user,
            milestone=milestone,
            percent=data.validated_data["percent"],
            expected_version=data.validated_data["version"],
        )
        return Response(SiteMilestoneSerializer(milestone).data)


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


class ScreeningValueViewSet(_ReaderMixin, viewsets.ReadOnlyModelViewSet):
    """GB 36600-2018 screening and intervention values (mg/kg) as entered."""

    serializer_class = ScreeningValueSerializer
    lookup_field = "code"
    queryset = ScreeningValue.objects.all()


class StageCountSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    label = serializers.CharField()
    sites = serializers.IntegerField()


class OverviewSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    stages = StageCountSerializer(many=True)
    overdue_obligations = serializers.IntegerField()
    overdue_milestones = serializers.IntegerField()


class OverviewView(APIView):
    """Sites per stage and overdue counts (HQ, the bureau, auditors)."""

    serializer_class = OverviewSerializer

    def get(self, request):
        if not permissions.can_see_overview(request.user):
            raise PermissionDenied
        data = selectors.overview(request.user)
        return Response(
            {
                "total": data["total"],
                "stages": [{"stage": v, "label": str(label), "sites": n} for v, label, n in data["stages"]],
                "overdue_obligations": len(data["late_obligations"]),
                "overdue_milestones": len(data["late_milestones"]),
            }
        )
