"""REST API of the relocation lifecycle, scoped exactly like the pages.

Every write calls the same service as the page (lifecycle, closure, batches,
commitments); refusals come back as 400/403/409 with the Chinese message.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from relocation.core.api import IsStaffMember
from relocation.core.roles import is_enterprise_contact, is_hq_editor, is_staff_member
from relocation.enterprises import batches, closure, commitments, lifecycle, lifecycle_selectors, selectors
from relocation.enterprises.models import (
    Batch,
    ClosureCheck,
    ClosureItemKind,
    CommitmentDateChange,
    CommitmentLetter,
    DestinationType,
    Enterprise,
    LifecycleStatus,
    StatusChange,
)
from relocation.organisation.api_scoping import ScopedModelSerializer
from relocation.organisation.selectors import programme_for


class IsStaffOrEnterpriseContact(IsStaffMember):
    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (is_staff_member(user) or is_enterprise_contact(user)))


# ---------------------------------------------------------------- lifecycle


class StatusChangeSerializer(ScopedModelSerializer):
    """One move of an enterprise's lifecycle."""

    actor_name = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "enterprise",
            "from_status",
            "to_status",
            "actor",
            "actor_name",
            "at",
            "reason",
            "evidence",
            "evidence_url",
            "destination_type",
            "destination_park_id",
            "destination_name",
            "decision_ref",
            "decision_object_type",
            "decision_object_id",
        ]

    def get_actor_name(self, obj: StatusChange) -> str:
        return (obj.actor.display_name or obj.actor.username) if obj.actor else ""

    def get_evidence_url(self, obj: StatusChange) -> str | None:
        return f"/files/{obj.evidence_id}/" if obj.evidence_id else None


class LifecycleSerializer(ScopedModelSerializer):
    """Where an enterprise stands: status, batch, destination, overdue flag."""

    batch = serializers.IntegerField(source="relocation_plan.batch_id", default=None, read_only=True)
    destination_type = serializers.CharField(source="relocation_plan.destination_type", default="", read_only=True)
    destination_park_id = serializers.IntegerField(
        source="relocation_plan.destination_park_id", default=None, read_only=True
    )
    destination_name = serializers.CharField(source="relocation_plan.destination_name", default="", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "status",
            "status_changed_at",
            "territorial_unit",
            "batch",
            "destination_type",
            "destination_park_id",
            "destination_name",
            "overdue",
        ]

    def get_overdue(self, obj: Enterprise) -> bool:
        ids = self.context.get("overdue_ids")
        if ids is None:
            return lifecycle_selectors.is_overdue(obj)
        return obj.pk in ids


class TransitionSerializer(serializers.Serializer):
    """A move: target state, a reason, and what the target needs (a
    destination for "destination_confirmed", a decision reference for
    "forced_closure"); `evidence` is an optional PDF/JPEG/PNG (multipart)."""

    target = serializers.ChoiceField(choices=LifecycleStatus.choices)
    reason = serializers.CharField(max_length=2000)
    destination_type = serializers.ChoiceField(choices=DestinationType.choices, required=False, allow_blank=True)
    destination_park_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    destination_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    decision_ref = serializers.CharField(required=False, allow_blank=True, max_length=100)
    evidence = serializers.FileField(required=False, allow_null=True)


class ForcedClosureSerializer(serializers.Serializer):
    """Start forced closure (HQ editors): the decision number is required, and the
    plan must allow it (a holdout past its batch's deadline)."""

    reason = serializers.CharField(max_length=2000)
    decision_ref = serializers.CharField(max_length=100)


class ForcedClosureLiftSerializer(serializers.Serializer):
    """Lift a forced closure (HQ editors), with the reason: back to holdout."""

    reason = serializers.CharField(max_length=2000)


class LifecycleViewSet(viewsets.ReadOnlyModelViewSet):
    """Enterprises' lifecycle state. Filters: status, overdue=1, batch.
    `transition` moves one enterprise; `history` lists its moves;
    `forced_closure` starts forced closure and creates the territorial tasks."""

    serializer_class = LifecycleSerializer
    permission_classes = [IsStaffOrEnterpriseContact]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = selectors.enterprises_for_user(self.request.user).select_related("relocation_plan")
        params = self.request.query_params
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("batch", "").isdigit():
            qs = qs.filter(relocation_plan__batch_id=int(params["batch"]))
        if params.get("overdue") == "1":
            qs = qs.filter(lifecycle_selectors.overdue_q(_today()))
        return qs.order_by("name", "id")

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if getattr(self, "action", None) == "list":
            context["overdue_ids"] = lifecycle_selectors.overdue_ids(self.request.user)
        return context

    @extend_schema(request=TransitionSerializer, responses=StatusChangeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStaffMember])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        enterprise = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        change = lifecycle.enterprise_transition(
            actor=request.user,
            enterprise=enterprise,
            target=data["target"],
            reason=data["reason"],
            evidence=data.get("evidence"),
            destination_type=data.get("destination_type") or None,
            destination_park_id=data.get("destination_park_id"),
            destination_name=data.get("destination_name", ""),
            decision_ref=data.get("decision_ref", ""),
        )
        return Response(StatusChangeSerializer(change).data, status=201)

    @extend_schema(responses=StatusChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        enterprise = self.get_object()
        return Response(StatusChangeSerializer(lifecycle_selectors.history_of(enterprise), many=True).data)

    @extend_schema(request=ForcedClosureSerializer, responses=LifecycleSerializer)
    @action(detail=True, methods=["post"], url_path="forced-closure", permission_classes=[IsStaffMember])
    def forced_closure(self, request: Request, pk: str | None = None) -> Response:
        enterprise = self.get_object()
        serializer = ForcedClosureSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lifecycle.forced_closure_start(actor=request.user, enterprise=enterprise, **serializer.validated_data)
        enterprise.refresh_from_db()
        return Response(LifecycleSerializer(enterprise, context=self.get_serializer_context()).data)

    @extend_schema(request=ForcedClosureLiftSerializer, responses=LifecycleSerializer)
    @action(detail=True, methods=["post"], url_path="forced-closure-lift", permission_classes=[IsStaffMember])
    def forced_closure_lift(self, request: Request, pk: str | None = None) -> Response:
        enterprise = self.get_object()
        serializer = ForcedClosureLiftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lifecycle.forced_closure_lift(actor=request.user, enterprise=enterprise, **serializer.validated_data)
        enterprise.refresh_from_db()
        return Response(LifecycleSerializer(enterprise, context=self.get_serializer_context()).data)


def _today():
    from django.utils import timezone

    return timezone.localdate()


# ---------------------------------------------------------------- closure checks


class ClosureCheckSerializer(ScopedModelSerializer):
    """A confirmed item of the closure checklist (两断三清) with its photos."""

    photos = serializers.SerializerMethodField()

    class Meta:
        model = ClosureCheck
        fields = ["id", "enterprise", "item", "unit", "confirmed_by", "confirmed_at", "note", "photos"]

    def get_photos(self, obj: ClosureCheck) -> list[dict[str, Any]]:
        return [
            {"id": p.file_id, "url": f"/files/{p.file_id}/", "sha256": p.file.sha256, "taken_at": p.file.taken_at}
            for p in obj.photos.all()
        ]


class ClosureConfirmSerializer(serializers.Serializer):
    """Confirm one item: multipart with one or more `photos` (JPEG/PNG)."""

    enterprise = serializers.IntegerField()
    item = serializers.ChoiceField(choices=ClosureItemKind.choices)
    photos = serializers.ListField(child=serializers.FileField(), allow_empty=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class ClosureCheckViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Closure checklist items; filter by `enterprise`. POST confirms an item
    (a person of the responsible unit, with at least one photo)."""

    serializer_class = ClosureCheckSerializer
    permission_classes = [IsStaffMember]
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        qs = (
            ClosureCheck.objects.filter(enterprise__in=selectors.enterprises_for_user(self.request.user))
            .select_related("unit", "confirmed_by")
            .prefetch_related("photos__file")
        )
        enterprise = self.request.query_params.get("enterprise", "")
        if enterprise.isdigit():
            qs = qs.filter(enterprise_id=int(enterprise))
        return qs

    @extend_schema(request=ClosureConfirmSerializer, responses=ClosureCheckSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ClosureConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        enterprise = selectors.enterprise_for_user(request.user, data["enterprise"])
        check = closure.closure_item_confirm(
            actor=request.user,
            enterprise=enterprise,
            item=data["item"],
            photos=data["photos"],
            note=data.get("note", ""),
        )
        return Response(ClosureCheckSerializer(check).data, status=201)


# ---------------------------------------------------------------- batches


class BatchSerializer(serializers.ModelSerializer):
    """A batch (分批) with its deadline."""

    class Meta:
        model = Batch
        fields = ["id", "name", "order", "deadline", "description"]


class BatchAssignSerializer(serializers.Serializer):
    """Enterprise ids to put into the batch (or, with remove=true, take out)."""

    enterprises = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    remove = serializers.BooleanField(default=False)


class BatchViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Batches of the programme. `progress` gives counts per status for every
    batch; `assign` puts enterprises into a batch in bulk (HQ editors)."""

    serializer_class = BatchSerializer
    permission_classes = [IsStaffMember]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Batch.objects.none()
        programme = programme_for(self.request.user)
        return lifecycle_selectors.batches_for_programme(programme.pk if programme else None)

    def perform_create(self, serializer: BatchSerializer) -> None:
        programme = programme_for(self.request.user)
        if programme is None:
            raise PermissionDenied
        serializer.instance = batches.batch_create(
            actor=self.request.user, programme=programme, **serializer.validated_data
        )

    @extend_schema(
        request=BatchAssignSerializer, responses=inline_serializer("Assigned", {"changed": serializers.IntegerField()})
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        batch = self.get_object()
        if not is_hq_editor(request.user):
            raise PermissionDenied
        serializer = BatchAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data["enterprises"]
        chosen = list(selectors.enterprises_for_user(request.user).filter(pk__in=ids))
        if len(chosen) != len(set(ids)):
            raise serializers.ValidationError({"enterprises": "部分企业不存在或无权查看。"})
        target = None if serializer.validated_data["remove"] else batch
        changed = batches.batch_assign(actor=request.user, batch=target, enterprises=chosen)
        return Response({"changed": changed})

    @extend_schema(
        responses=inline_serializer(
            "BatchProgress",
            {
                "batch": serializers.IntegerField(),
                "name": serializers.CharField(),
                "deadline": serializers.DateField(),
                "total": serializers.IntegerField(),
                "done": serializers.IntegerField(),
                "percent": serializers.IntegerField(),
                "overdue": serializers.IntegerField(),
                "counts": serializers.DictField(child=serializers.IntegerField()),
            },
            many=True,
        )
    )
    @action(detail=False, methods=["get"])
    def progress(self, request: Request) -> Response:
        return Response(
            [
                {
                    "batch": row["batch"].pk,
                    "name": row["batch"].name,
                    "deadline": row["batch"].deadline,
                    "total": row["total"],
                    "done": row["done"],
                    "percent": row["percent"],
                    "overdue": row["overdue"],
                    "counts": {c["status"]: c["count"] for c in row["counts"]},
                }
                for row in lifecycle_selectors.batch_progress(request.user)
            ]
        )


# ---------------------------------------------------------------- letters


class CommitmentLetterSerializer(ScopedModelSerializer):
    """A commitment letter. POST generates (or, while unsigned, regenerates)
    the enterprise's letter; `obligations` defaults to the standard list."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    signed_file_url = serializers.SerializerMethodField()
    signed_file_sha256 = serializers.CharField(source="signed_file.sha256", default=None, read_only=True)

    class Meta:
        model = CommitmentLetter
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "number",
            "committed_shutdown_on",
            "committed_relocation_on",
            "obligations",
            "status",
            "signed_on",
            "signed_file_url",
            "signed_file_sha256",
            "dates_changed",
            "created_at",
        ]
        read_only_fields = ["number", "status", "signed_on", "dates_changed", "created_at"]
        extra_kwargs = {"enterprise": {"validators": []}, "obligations": {"required": False}}

    def get_signed_file_url(self, obj: CommitmentLetter) -> str | None:
        return f"/files/{obj.signed_file_id}/" if obj.signed_file_id else None


class LetterUploadSerializer(serializers.Serializer):
    """The signed scan (PDF, JPEG or PNG) and the date it was signed."""

    file = serializers.FileField()
    signed_on = serializers.DateField()


class CommitmentLetterViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The register of commitment letters. Filters: state (signed, unsigned,
    changed, pending_change), q. `upload` stores the signed scan and moves the
    enterprise to commitment signed; `docx` downloads the Word document."""

    serializer_class = CommitmentLetterSerializer
    permission_classes = [IsStaffOrEnterpriseContact]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = lifecycle_selectors.letters_for_user(self.request.user).select_related("signed_file")
        if self.action == "list":
            qs = lifecycle_selectors.filter_letters(qs, dict(self.request.query_params.items())).distinct()
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=["signed", "unsigned", "changed", "pending_change"]),
            OpenApiParameter("q", str),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        enterprise = selectors.enterprise_for_user(request.user, data.pop("enterprise").pk)
        letter = commitments.letter_generate(actor=request.user, enterprise=enterprise, **data)
        return Response(self.get_serializer(letter).data, status=201)

    @extend_schema(request=LetterUploadSerializer, responses=CommitmentLetterSerializer)
    @action(detail=True, methods=["post"])
    def upload(self, request: Request, pk: str | None = None) -> Response:
        letter = self.get_object()
        serializer = LetterUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        letter = commitments.letter_sign(
            actor=request.user,
            letter=letter,
            uploaded_file=serializer.validated_data["file"],
            signed_on=serializer.validated_data["signed_on"],
        )
        return Response(self.get_serializer(letter).data)

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): bytes})
    @action(detail=True, methods=["get"])
    def docx(self, request: Request, pk: str | None = None) -> HttpResponse:
        letter = self.get_object()
        response = HttpResponse(
            commitments.letter_document(letter),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = content_disposition_header(
            True, f"关停搬迁承诺书-{letter.enterprise.name}.docx"
        )
        return response


class DateChangeSerializer(ScopedModelSerializer):
    """A request to change a letter's committed dates."""

    class Meta:
        model = CommitmentDateChange
        fields = [
            "id",
            "letter",
            "old_shutdown_on",
            "old_relocation_on",
            "new_shutdown_on",
            "new_relocation_on",
            "reason",
            "status",
            "requested_by",
            "decided_by",
            "decided_at",
            "decision_note",
            "created_at",
        ]
        read_only_fields = [
            "old_shutdown_on",
            "old_relocation_on",
            "status",
            "requested_by",
            "decided_by",
            "decided_at",
            "decision_note",
            "created_at",
        ]


# Named apart from the other apps' `Decision` components (OpenAPI names are global).
@extend_schema_serializer(component_name="DateChangeDecision")
class DecisionSerializer(serializers.Serializer):
    """HQ's decision (by someone other than the requester); a rejection needs a note."""

    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class DateChangeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Date-change requests; filter by `status` or `letter`. `decide` approves or rejects."""

    serializer_class = DateChangeSerializer
    permission_classes = [IsStaffOrEnterpriseContact]

    def get_queryset(self):
        qs = lifecycle_selectors.date_changes_for_user(self.request.user)
        params = self.request.query_params
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("letter", "").isdigit():
            qs = qs.filter(letter_id=int(params["letter"]))
        return qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        letter = data.pop("letter")
        letter = lifecycle_selectors.letters_for_user(request.user).filter(pk=letter.pk).first()
        if letter is None:
            raise PermissionDenied
        change = commitments.date_change_request(
            actor=request.user,
            letter=letter,
            new_shutdown_on=data["new_shutdown_on"],
            new_relocation_on=data.get("new_relocation_on"),
            reason=data["reason"],
        )
        return Response(self.get_serializer(change).data, status=201)

    @extend_schema(request=DecisionSerializer, responses=DateChangeSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        change = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = commitments.date_change_decide(
            actor=request.user,
            change=change,
            approve=serializer.validated_data["approve"],
            note=serializer.validated_data.get("note", ""),
        )
        return Response(self.get_serializer(change).data)
