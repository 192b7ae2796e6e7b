"""REST API of rosters, wage-arrears / deposit cases, placement and
placement activities — scoped exactly like the pages (selectors.py).
Personal data is masked in every response; it is written, never read back."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from relocation.core import masking
from relocation.organisation.api_scoping import ScopedModelSerializer
from relocation.workers import roster_excel, selectors, services
from relocation.workers.models import (
    ActivityKind,
    CaseEvidence,
    CaseKind,
    CaseLine,
    CasePayment,
    CaseStatus,
    EscalatedTo,
    LabourCase,
    PlacementActivity,
    PlacementOutcome,
    Worker,
)


def _require_read(request: Request) -> None:
    if not selectors.can_read(request.user):
        raise PermissionDenied


class WorkerSerializer(ScopedModelSerializer):
    """A roster entry; ID number, phone and bank account are masked."""

    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    bank_account = serializers.SerializerMethodField()

    class Meta:
        model = Worker
        fields = [
            "id",
            "enterprise",
            "name",
            "id_number",
            "phone",
            "bank_account",
            "job",
            "hired_on",
            "monthly_wage",
            "status",
            "placement_outcome",
            "placement_employer",
            "placed_on",
            "placement_note",
            "version",
        ]

    def get_id_number(self, obj: Worker) -> str:
        return masking.mask_id_number(obj.id_number)

    def get_phone(self, obj: Worker) -> str:
        return masking.mask_phone(obj.phone)

    def get_bank_account(self, obj: Worker) -> str:
        return masking.mask_bank_account(obj.bank_account)


class WorkerWriteSerializer(serializers.Serializer):
    """Create (POST: enterprise, name, id_number required) or edit (PATCH with the `version` read)."""

    enterprise = serializers.IntegerField(required=False)
    name = serializers.CharField(max_length=64, required=False)
    id_number = serializers.CharField(max_length=18, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    bank_account = serializers.CharField(max_length=40, required=False, allow_blank=True)
    job = serializers.CharField(max_length=64, required=False, allow_blank=True)
    hired_on = serializers.DateField(required=False, allow_null=True)
    monthly_wage = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, min_value=0)
    version = serializers.IntegerField(required=False)


class PlacementSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=PlacementOutcome.choices)
    employer = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    placed_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class WorkerLeaveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class RosterImportSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    file = serializers.FileField()


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    reason = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)
    applied = serializers.BooleanField()
    accepted = serializers.BooleanField()


class WorkerViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rosters. Filters: `enterprise` (id), `status`, `id_number` (exact, via
    the blind index). POST adds a worker, PATCH edits one (409 when the
    `version` is stale); `placement` records the outcome, `leave` the departure,
    `import` applies a workbook all or nothing."""

    serializer_class = WorkerSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Worker.objects.none()
        _require_read(self.request)
        qs = selectors.workers_for_user(self.request.user)
        params = self.request.query_params
        if params.get("enterprise", "").isdigit():
            qs = qs.filter(enterprise_id=int(params["enterprise"]))
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("id_number"):
            qs = qs.filter(pk__in=selectors.find_by_id_number(self.request.user, params["id_number"]).values("pk"))
        return qs.order_by("enterprise_id", "name", "id")

    @extend_schema(request=WorkerWriteSerializer, responses={201: WorkerSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = WorkerWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "enterprise" not in data:
            raise serializers.ValidationError({"enterprise": "必填 / required"})
        enterprise = selectors.enterprise_for_user(request.user, data.pop("enterprise"))
        data.pop("version", None)
        worker = services.worker_create(actor=request.user, enterprise=enterprise, data=data)
        return Response(WorkerSerializer(worker).data, status=201)

    @extend_schema(request=WorkerWriteSerializer, responses=WorkerSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        worker = self.get_object()
        body = WorkerWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "version" not in data:
            raise serializers.ValidationError({"version": "请提供读取时的版本号 / version is required"})
        data.pop("enterprise", None)
        version = data.pop("version")
        services.worker_update(actor=request.user, worker=worker, expected_version=version, data=data)
        return Response(WorkerSerializer(worker).data)

    @extend_schema(request=PlacementSerializer, responses=WorkerSerializer)
    @action(detail=True, methods=["post"])
    def placement(self, request: Request, pk: str | None = None) -> Response:
        body = PlacementSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        worker = services.placement_record(
            actor=request.user,
            worker=self.get_object(),
            outcome=d["outcome"],
            employer=d["employer"],
            placed_on=d["placed_on"],
            note=d["note"],
            expected_version=d["version"],
        )
        return Response(WorkerSerializer(worker).data)

    @extend_schema(request=WorkerLeaveSerializer, responses=WorkerSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: str | None = None) -> Response:
        body = WorkerLeaveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        worker = services.worker_leave(actor=request.user, worker=self.get_object(), **body.validated_data)
        return Response(WorkerSerializer(worker).data)

    @extend_schema(request=RosterImportSerializer, responses={200: ImportReportSerializer, 400: ImportReportSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_roster(self, request: Request) -> Response:
        body = RosterImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        enterprise = selectors.enterprise_for_user(request.user, body.validated_data["enterprise"])
        upload = body.validated_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise serializers.ValidationError({"file": "文件过大：最大 10 MB。"})
        report = roster_excel.import_roster(
            actor=request.user, enterprise=enterprise, content=upload.read(), file_name=upload.name
        )
        return Response(report.as_dict(), status=200 if report.applied else 400)


class CaseLineSerializer(ScopedModelSerializer):
    worker_name = serializers.CharField(source="worker.name", read_only=True)

    class Meta:
        model = CaseLine
        fields = ["worker", "worker_name", "months", "amount", "months_counted", "basis"]


class CasePaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CasePayment
        fields = ["id", "amount", "paid_on", "payer", "note", "created_at"]


class CaseEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseEvidence
        fields = ["id", "title", "file", "created_at"]


class LabourCaseSerializer(ScopedModelSerializer):
    """A wage-arrears, deposit, severance or social-insurance case with its
    lines, payments and evidence. Severance cases carry the separation date
    and the local average wage; each line says how its amount was computed."""

    lines = CaseLineSerializer(many=True, read_only=True)
    payments = CasePaymentSerializer(many=True, read_only=True)
    evidence = CaseEvidenceSerializer(many=True, read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = LabourCase
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "kind",
            "status",
            "summary",
            "reporter_name",
            "reported_on",
            "total_owed",
            "total_paid",
            "escalated_to",
            "separation_on",
            "average_wage",
            "version",
            "lines",
            "payments",
            "evidence",
        ]


class LineWriteSerializer(serializers.Serializer):
    worker = serializers.IntegerField()
    months = serializers.IntegerField(min_value=0, max_value=120, default=0)
    # Not needed for severance: the service computes it (art. 47).
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, default=0)


class CaseReportSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    summary = serializers.CharField(max_length=500)
    reporter_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    reported_on = serializers.DateField(required=False, allow_null=True, default=None)
    separation_on = serializers.DateField(required=False, allow_null=True, default=None)
    average_wage = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, default=None
    )
    lines = LineWriteSerializer(many=True)


class CaseKindFiguresSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    cases = serializers.IntegerField()
    open = serializers.IntegerField()
    paid = serializers.IntegerField()
    owed = serializers.DecimalField(max_digits=16, decimal_places=2)
    repaid = serializers.DecimalField(max_digits=16, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=16, decimal_places=2)


class CaseLinesSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    lines = LineWriteSerializer(many=True)


class CaseMoveSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=CaseStatus.choices)
    reason = serializers.CharField(max_length=500)
    escalated_to = serializers.ChoiceField(choices=EscalatedTo.choices, required=False, default="")


class PaymentWriteSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_on = serializers.DateField()
    payer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EvidenceWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    file = serializers.FileField()


class LabourCaseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Wage-arrears and deposit cases. Filters: `enterprise`, `status`, `kind`.
    POST reports a case; `lines` corrects the amounts (409 on a stale
    `version`); `move` changes the status; `payments` records a payment (the
    case becomes paid when the total is covered); `evidence` uploads a document."""

    serializer_class = LabourCaseSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return LabourCase.objects.none()
        _require_read(self.request)
        qs = selectors.cases_for_user(self.request.user).prefetch_related("lines__worker", "payments", "evidence")
        params = self.request.query_params
        if params.get("enterprise", "").isdigit():
            qs = qs.filter(enterprise_id=int(params["enterprise"]))
        for key in ("status", "kind"):
            if params.get(key):
                qs = qs.filter(**{key: params[key]})
        return qs.order_by("-reported_on", "-id")

    def _fresh(self, case: LabourCase) -> dict[str, Any]:
        return LabourCaseSerializer(self.get_queryset().get(pk=case.pk)).data

    @extend_schema(request=CaseReportSerializer, responses={201: LabourCaseSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = CaseReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = dict(body.validated_data)
        enterprise = selectors.enterprise_for_user(request.user, d.pop("enterprise"))
        case = services.case_report(actor=request.user, enterprise=enterprise, **d)
        return Response(self._fresh(case), status=201)

    @extend_schema(responses=CaseKindFiguresSerializer(many=True))
    @action(detail=False, methods=["get"])
    def figures(self, request: Request) -> Response:
        """Per kind (wages, deposits, severance, social insurance): cases, open,
        paid, the amounts owed and repaid, and what is still owed on open cases."""
        _require_read(request)
        rows = selectors.case_totals(request.user)["by_kind"]
        return Response(CaseKindFiguresSerializer(rows, many=True).data)

    @extend_schema(request=CaseLinesSerializer, responses=LabourCaseSerializer)
    @action(detail=True, methods=["post"])
    def lines(self, request: Request, pk: str | None = None) -> Response:
        body = CaseLinesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.case_lines_update(
            actor=request.user,
            case=self.get_object(),
            expected_version=body.validated_data["version"],
            lines=body.validated_data["lines"],
        )
        return Response(self._fresh(case))

    @extend_schema(request=CaseMoveSerializer, responses=LabourCaseSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        body = CaseMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.case_transition(actor=request.user, case=self.get_object(), **body.validated_data)
        return Response(self._fresh(case))

    @extend_schema(request=PaymentWriteSerializer, responses={201: LabourCaseSerializer})
    @action(detail=True, methods=["post"])
    def payments(self, request: Request, pk: str | None = None) -> Response:
        body = PaymentWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = self.get_object()
        services.payment_record(actor=request.user, case=case, **body.validated_data)
        return Response(self._fresh(case), status=201)

    @extend_schema(request=EvidenceWriteSerializer, responses={201: LabourCaseSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        body = EvidenceWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = self.get_object()
        services.evidence_add(
            actor=request.user,
            case=case,
            uploaded_file=body.validated_data["file"],
            title=body.validated_data["title"],
        )
        return Response(self._fresh(case), status=201)


class PlacementActivitySerializer(ScopedModelSerializer):
    """A job fair, referral or training class; `workers` are roster ids."""

    workers = serializers.PrimaryKeyRelatedField(many=True, queryset=Worker.objects.none(), required=False)
    kind = serializers.ChoiceField(choices=ActivityKind.choices)

    class Meta:
        model = PlacementActivity
        fields = ["id", "kind", "title", "held_on", "enterprise", "employers", "jobs_offered", "workers", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["workers"].child_relation.queryset = selectors.workers_for_user(request.user)
            self.fields["enterprise"].queryset = selectors.enterprises_in_scope(request.user)


class PlacementActivityViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Placement activities; the bureau and HQ record them (POST)."""

    serializer_class = PlacementActivitySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return PlacementActivity.objects.none()
        _require_read(self.request)
        # A zone-wide activity lists workers of every enterprise: each reader
        # sees only the roster ids they may see (the probe read other enterprises' ids).
        visible = Prefetch("workers", queryset=selectors.workers_for_user(self.request.user))
        return selectors.activities_for_user(self.request.user).prefetch_related(visible)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = PlacementActivitySerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        d = body.validated_data
        programme = selectors.programme_for(request.user)
        if programme is None:
            raise NotFound
        activity = services.activity_record(
            actor=request.user,
            programme=programme,
            kind=d["kind"],
            title=d["title"],
            held_on=d["held_on"],
            enterprise=d.get("enterprise"),
            employers=d.get("employers", 0),
            jobs_offered=d.get("jobs_offered", 0),
            workers=d.get("workers", []),
            note=d.get("note", ""),
        )
        return Response(PlacementActivitySerializer(activity).data, status=201)


class OutcomeCountSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class EnterprisePlacementSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    name = serializers.CharField()
    roster = serializers.IntegerField()
    population = serializers.IntegerField()
    placed = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    open_cases = serializers.IntegerField()


class PlacementSummarySerializer(serializers.Serializer):
    """Placement rate (percent of workers to be placed: roster minus those who
    left on their own) for the user's scope and per enterprise."""

    roster = serializers.IntegerField()
    population = serializers.IntegerField()
    placed = serializers.IntegerField()
    left = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    outcomes = OutcomeCountSerializer(many=True)
    enterprises = EnterprisePlacementSerializer(many=True)


class PlacementSummaryView(APIView):
    """Programme-wide and per-enterprise placement rates."""

    serializer_class = PlacementSummarySerializer

    def get(self, request: Request) -> Response:
        _require_read(request)
        figures = selectors.programme_placement(request.user)
        rows = selectors.enterprise_overview(request.user)
        data = {
            **{k: figures[k] for k in ("roster", "population", "placed", "left", "rate")},
            "outcomes": [{"outcome": v, "label": str(label), "count": n} for v, label, n in figures["outcomes"]],
            "enterprises": [
                {
                    "enterprise": e.pk,
                    "name": e.name,
                    "roster": e.roster,
                    "population": e.population,
                    "placed": e.placed,
                    "rate": e.rate,
                    "open_cases": e.open_cases,
                }
                for e in rows
            ],
        }
        return Response(PlacementSummarySerializer(data).data)
