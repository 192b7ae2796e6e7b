"""REST API of the remediation app, scoped exactly like the pages; writes go
through the same services (a stale `version` answers 409).

The serializers (what each record looks like on the wire) are in
api_serializers; this module holds the viewsets."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from relocation.enterprises.selectors import enterprises_for_user
from relocation.remediation import permissions, selectors, services
from relocation.remediation.api_serializers import (
    EscalationSerializer,
    ImportResultSerializer,
    ImportSerializer,
    LandUseResultSerializer,
    LandUseSerializer,
    LiabilityReadSerializer,
    LiabilitySerializer,
    MilestoneProgressSerializer,
    MoveSerializer,
    ObligationDocumentSerializer,
    ObligationPaymentSerializer,
    ObligationSerializer,
    ObligationUpdateSerializer,
    OverviewSerializer,
    ReasonSerializer,
    SamplingResultSerializer,
    ScreeningValueSerializer,
    SiteCreateSerializer,
    SiteMilestoneSerializer,
    SiteSerializer,
    SiteUpdateSerializer,
    StageChangeSerializer,
    TargetBasisSerializer,
    TargetRowSerializer,
    TargetSetSerializer,
)
from relocation.remediation.models import (
    ObligationKind,
    SamplingResult,
    ScreeningValue,
)


class _ReaderMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not permissions.can_read(request.user):
            raise PermissionDenied


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


class ScreeningValueViewSet(_ReaderMixin, viewsets.ReadOnlyModelViewSet):
    """GB 36600-2018 screening and intervention values (mg/kg) as entered."""

    serializer_class = ScreeningValueSerializer
    lookup_field = "code"
    queryset = ScreeningValue.objects.all()


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
