"""REST API of joint enforcement, scoped exactly like the pages (selectors)
and writing only through services.

The serializers (what each record looks like on the wire) are in
api_serializers; this module holds the viewsets."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from relocation.core.api import ExportActionMixin, IsStaffMember
from relocation.core.roles import is_hq_editor
from relocation.enforcement import exports, selectors, services
from relocation.enforcement.api_serializers import (
    ChecklistItemSerializer,
    DocumentSerializer,
    DomainSerializer,
    EscalationStepSerializer,
    InspectionSerializer,
    LegalBasisSerializer,
    MeasureSerializer,
    OperationSerializer,
    PhotoSerializer,
    ReasonSerializer,
    RepeatOffenderRuleSerializer,
    TeamSerializer,
    ViolationSerializer,
)
from relocation.enforcement.models import (
    ChecklistItem,
    EscalationStep,
    InspectionPhoto,
    InspectionStatus,
    LegalBasis,
    MeasureKind,
    RepeatOffenderRule,
)
from relocation.enterprises.models import Enterprise
from relocation.organisation.models import User


class StaffViewSetMixin:
    permission_classes = [IsStaffMember]


class DomainViewSet(StaffViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Enforcement domains with checklist items and legal bases."""

    serializer_class = DomainSerializer

    def get_queryset(self):
        return selectors.domains_for_user(self.request.user).prefetch_related(
            "checklist_items", "legal_bases", "co_units"
        )


class _ConfigViewSet(
    StaffViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Configuration data: everyone reads, HQ editors write (deactivate with
    is_active=false rather than delete: violations keep pointing at them)."""

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not is_hq_editor(request.user):
            raise PermissionDenied("只有指挥部可以修改执法配置。")

    def perform_create(self, serializer: Any) -> None:
        d = dict(serializer.validated_data)
        domain = d.get("domain")
        if domain is not None and not selectors.domains_for_user(self.request.user).filter(pk=domain.pk).exists():
            raise PermissionDenied
        serializer.instance = services.configuration_save(
            actor=self.request.user, instance=serializer.Meta.model(), data=d
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.configuration_save(
            actor=self.request.user, instance=serializer.instance, data=dict(serializer.validated_data)
        )


class ChecklistItemViewSet(_ConfigViewSet):
    """Checklist items per domain (HQ edits)."""

    serializer_class = ChecklistItemSerializer

    def get_queryset(self):
        return ChecklistItem.objects.filter(domain__in=selectors.domains_for_user(self.request.user))


class LegalBasisViewSet(_ConfigViewSet):
    """Legal bases per domain (HQ edits)."""

    serializer_class = LegalBasisSerializer

    def get_queryset(self):
        return LegalBasis.objects.filter(domain__in=selectors.domains_for_user(self.request.user))


class EscalationStepViewSet(_ConfigViewSet):
    """The escalation ladder (HQ may change a rung's measure or days)."""

    serializer_class = EscalationStepSerializer
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.scoped(EscalationStep.objects.all(), self.request.user)


class RepeatOffenderRuleViewSet(_ConfigViewSet):
    """The repeat-offender rule: N violations in M days (HQ edits)."""

    serializer_class = RepeatOffenderRuleSerializer
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.scoped(RepeatOffenderRule.objects.all(), self.request.user)


class TeamViewSet(StaffViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """专项执法组. HQ editors create teams and set members (`members` action)."""

    serializer_class = TeamSerializer

    def get_queryset(self):
        return selectors.teams_for_user(self.request.user).prefetch_related("members")

    def create(self, request, *args, **kwargs):
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        domain = get_object_or_404(selectors.domains_for_user(request.user), pk=s.validated_data["domain"].pk)
        team = services.team_create(
            actor=request.user,
            domain=domain,
            name=s.validated_data["name"],
            lead_unit=s.validated_data.get("lead_unit"),
            members=s.validated_data.get("members", []),
        )
        return Response(self.get_serializer(team).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TeamSerializer, responses=TeamSerializer)
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        """Replace the team's members (list of user ids in `members`)."""
        team = self.get_object()
        ids = request.data.get("members", [])
        users = list(User.objects.filter(pk__in=ids))
        services.team_set_members(actor=request.user, team=team, members=users)
        return Response(self.get_serializer(team).data)


class OperationViewSet(StaffViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """联合执法行动; retrieve includes the roll-up of results."""

    serializer_class = OperationSerializer

    def get_queryset(self):
        return selectors.operations_for_user(self.request.user).prefetch_related("targets", "teams")

    def create(self, request, *args, **kwargs):
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        teams = list(selectors.teams_for_user(request.user).filter(pk__in=[t.pk for t in d.get("teams", [])]))
        if not teams:
            raise serializers.ValidationError({"teams": "请至少选择一个参与执法组。"})
        op = services.operation_create(
            actor=request.user,
            programme=teams[0].programme,
            name=d["name"],
            planned_on=d["planned_on"],
            targets=d.get("targets", []),
            teams=teams,
            notes=d.get("notes", ""),
        )
        return Response(self.get_serializer(op).data, status=status.HTTP_201_CREATED)


class InspectionViewSet(ExportActionMixin, StaffViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections (submitted) and scheduled re-inspections. Filters: team,
    enterprise, status. Upload photos with the `photos` action (multipart).
    `export/`: the filtered list as .xlsx."""

    serializer_class = InspectionSerializer
    export_name = gettext_lazy("检查记录")
    export_columns = exports.INSPECTION_COLUMNS
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = selectors.inspections_for_user(self.request.user).prefetch_related(
            "inspectors", Prefetch("photos", queryset=InspectionPhoto.objects.select_related("stored_file"))
        )
        params = self.request.query_params
        for field in ("team", "enterprise"):
            if params.get(field, "").isdigit():
                qs = qs.filter(**{f"{field}_id": int(params[field])})
        if params.get("status") in InspectionStatus.values:
            qs = qs.filter(status=params["status"])
        return qs.order_by("-inspected_on", "-id")

    def create(self, request, *args, **kwargs):
        # A resend of a submission already recorded (`client_key`) answers with it, even a completed re-inspection.
        done = services.inspection_by_client_key(actor=request.user, client_key=str(request.data.get("client_key", "")))
        if done is not None:
            return Response(self.get_serializer(self.get_queryset().get(pk=done.pk)).data, status=status.HTTP_200_OK)
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        team = get_object_or_404(selectors.teams_for_user(request.user), pk=d["team"].pk)
        enterprise = get_object_or_404(Enterprise.objects.filter(programme_id=team.programme_id), pk=d["enterprise"].pk)
        inspection = services.inspection_record(
            actor=request.user,
            enterprise=enterprise,
            team=team,
            inspectors=d["inspectors"],
            inspected_on=d.get("inspected_on"),
            checklist=d.get("checklist") or {},
            findings=d.get("findings", ""),
            representative_name=d.get("representative_name", ""),
            representative_signed=d.get("representative_signed", False),
            representative_refused=d.get("representative_refused", False),
            operation=d.get("operation"),
            photos=request.FILES.getlist("photos") if hasattr(request, "FILES") else [],
            follow_up=d.get("follow_up"),
            follow_up_result=d.get("follow_up_result", ""),
            client_key=d.get("client_key", ""),
        )
        inspection = self.get_queryset().get(pk=inspection.pk)
        return Response(self.get_serializer(inspection).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
        responses=PhotoSerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request, pk=None):
        """Add a photo (JPEG/PNG, type and size checked, hash, time and position kept)."""
        inspection = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": "请选择照片文件。"})
        photo = services.photo_add(actor=request.user, inspection=inspection, uploaded_file=upload)
        return Response(PhotoSerializer(photo).data, status=status.HTTP_201_CREATED)


class ViolationViewSet(StaffViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Violations. Filters: enterprise, domain."""

    serializer_class = ViolationSerializer

    def get_queryset(self):
        qs = selectors.violations_for_user(self.request.user)
        params = self.request.query_params
        if params.get("enterprise", "").isdigit():
            qs = qs.filter(enterprise_id=int(params["enterprise"]))
        if params.get("domain"):
            qs = qs.filter(domain__code=params["domain"])
        return qs

    def create(self, request, *args, **kwargs):
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        inspection = selectors.inspection_for_user(request.user, d["inspection"].pk)
        violation = services.violation_record(
            actor=request.user,
            inspection=inspection,
            domain=d["domain"],
            legal_basis=d.get("legal_basis"),
            description=d["description"],
        )
        return Response(self.get_serializer(violation).data, status=status.HTTP_201_CREATED)


class MeasureViewSet(
    ExportActionMixin,
    StaffViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Measures. Update only while pending approval (send `version`);
    `approve`, `reject` and `revoke` are the four-eyes transitions; `lift` ends a
    suspension or sealing in force. `export/`: the filtered list as .xlsx."""

    serializer_class = MeasureSerializer
    export_name = gettext_lazy("执法措施")
    export_columns = exports.MEASURE_COLUMNS

    def get_queryset(self):
        qs = selectors.measures_for_user(self.request.user)
        params = self.request.query_params
        if params.get("enterprise", "").isdigit():
            qs = qs.filter(enterprise_id=int(params["enterprise"]))
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("kind") in MeasureKind.values:
            qs = qs.filter(kind=params["kind"])
        return qs

    def create(self, request, *args, **kwargs):
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        violation = selectors.violation_for_user(request.user, d["violation"].pk)
        measure = services.measure_issue(
            actor=request.user,
            violation=violation,
            kind=d["kind"],
            content=d.get("content", ""),
            workdays=d.get("workdays"),
            amount=d.get("amount"),
            decision_number=d.get("decision_number", ""),
        )
        return Response(self.get_serializer(measure).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        measure = self.get_object()
        s = self.get_serializer(measure, data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        expected = request.data.get("version")
        if expected is None:
            raise serializers.ValidationError({"version": "请提供读取时的版本号 / version is required"})
        data = {k: v for k, v in s.validated_data.items() if k in services.EDITABLE_MEASURE_FIELDS}
        services.measure_update(actor=request.user, measure=measure, data=data, expected_version=int(expected))
        measure.refresh_from_db()
        return Response(self.get_serializer(measure).data)

    @extend_schema(request=None, responses=MeasureSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve (by a second person, never the creator)."""
        measure = self.get_object()
        services.measure_approve(actor=request.user, measure=measure)
        measure.refresh_from_db()
        return Response(self.get_serializer(measure).data)

    @extend_schema(request=ReasonSerializer, responses=MeasureSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject a draft decision, with a reason."""
        measure = self.get_object()
        services.measure_reject(actor=request.user, measure=measure, reason=str(request.data.get("reason", "")))
        measure.refresh_from_db()
        return Response(self.get_serializer(measure).data)

    @extend_schema(request=ReasonSerializer, responses=MeasureSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke a decision in force, with a reason (approved decisions are never edited)."""
        measure = self.get_object()
        services.measure_revoke(actor=request.user, measure=measure, reason=str(request.data.get("reason", "")))
        measure.refresh_from_db()
        return Response(self.get_serializer(measure).data)

    @extend_schema(request=ReasonSerializer, responses=MeasureSerializer)
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        """Lift (解除) a suspension or sealing in force, with a reason; the
        enterprise's production status returns to what is right."""
        measure = self.get_object()
        services.measure_lift(actor=request.user, measure=measure, reason=str(request.data.get("reason", "")))
        measure.refresh_from_db()
        return Response(self.get_serializer(measure).data)


class DocumentViewSet(StaffViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Generated documents (metadata; the .docx at download_url)."""

    serializer_class = DocumentSerializer

    def get_queryset(self):
        qs = selectors.documents_for_user(self.request.user)
        if self.request.query_params.get("enterprise", "").isdigit():
            qs = qs.filter(enterprise_id=int(self.request.query_params["enterprise"]))
        return qs


class QueueView(APIView):
    """The caller's team queue: scheduled re-inspections (30 per `page`,
    earliest due first) and the decisions waiting for the caller's approval."""

    permission_classes = [IsStaffMember]

    @extend_schema(responses={200: {"type": "object"}})
    def get(self, request: Request) -> Response:
        page = request.query_params.get("page", "1")
        q = selectors.queue_for_user(request.user, page=int(page) if page.isdigit() else 1)
        return Response(
            {
                "follow_ups": q["follow_ups"],
                "follow_ups_total": q["follow_ups_total"],
                "page": q["page"],
                "pages": q["pages"],
                "approvals": q["approvals"],
            }
        )


class StatisticsView(APIView):
    """Counts per domain, department, team and month (optional `year`)."""

    permission_classes = [IsStaffMember]

    @extend_schema(responses={200: {"type": "object"}})
    def get(self, request: Request) -> Response:
        year = request.query_params.get("year", "")
        stats = selectors.statistics(request.user, year=int(year) if year.isdigit() else None)
        for rows in stats.values():
            for r in rows:
                r["fines"] = str(r.get("fines", 0) or 0)
        return Response(stats)


class EnterpriseFileView(APIView):
    """一企一档 of one enterprise: the newest inspections, violations, measures, documents."""

    permission_classes = [IsStaffMember]

    @extend_schema(responses={200: {"type": "object"}})
    def get(self, request: Request, pk: int) -> Response:
        enterprise = selectors.enterprise_for_file(request.user, pk)
        f = selectors.enterprise_file(enterprise)
        return Response(
            {
                "enterprise": {
                    "id": enterprise.pk,
                    "name": enterprise.name,
                    "is_repeat_offender": enterprise.is_repeat_offender,
                },
                "counts": f["counts"],
                "inspections": f["inspections"],
                "violations": f["violations"],
                "measures": f["measures"],
                "documents": f["documents"],
            }
        )
