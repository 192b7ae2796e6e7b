from __future__ import annotations

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from relocation.core import spreadsheets
from relocation.core.masking import mask_phone
from relocation.core.roles import is_hq_editor, is_staff_member
from relocation.enterprises import categories, ledger_export, ledger_import, selectors, services
from relocation.enterprises.models import Category, Enterprise, ProductionStatusChange, Visit
from relocation.organisation.api_scoping import ScopedModelSerializer
from relocation.organisation.selectors import programme_for


class CategorySerializer(serializers.ModelSerializer):
    """A category (分类) and the rule (data) that proposes it."""

    class Meta:
        model = Category
        fields = ["code", "name", "order", "rule", "description", "is_active"]


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The categories of the 分类管理, in the order their rules are tried."""

    serializer_class = CategorySerializer
    lookup_field = "code"

    def get_queryset(self):
        if not (is_staff_member(self.request.user) or selectors.enterprises_for_user(self.request.user).exists()):
            return Category.objects.none()
        return Category.objects.filter(is_active=True)


class EnterpriseSerializer(ScopedModelSerializer):
    """One enterprise of the ledger. Phones are write-only; reads get them masked."""

    contact_phone = serializers.CharField(write_only=True, required=False, allow_blank=True)
    contact_phone_masked = serializers.SerializerMethodField()
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True, default="")
    proposed_category = serializers.SerializerMethodField()
    # Send back the version you read; a stale one gets 409 Conflict.
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            *services.EDITABLE_FIELDS,
            "contact_phone_masked",
            "category",
            "category_name",
            "proposed_category",
            "intention",
            "status",
            "is_repeat_offender",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["intention", "status", "is_repeat_offender", "created_at", "updated_at"]
        extra_kwargs = {"credit_code": {"validators": []}}

    def get_contact_phone_masked(self, obj: Enterprise) -> str:
        return mask_phone(obj.contact_phone)

    def get_proposed_category(self, obj: Enterprise) -> str | None:
        """What the category rules propose from the enterprise's facts (code)."""
        if "active_categories" not in self.context:
            self.context["active_categories"] = categories.active_categories()
        proposed = categories.propose(obj, self.context["active_categories"])
        return proposed.code if proposed else None


class ProductionStatusChangeSerializer(serializers.ModelSerializer):
    """One hold or release of the production status by an enforcement decision."""

    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = ProductionStatusChange
        fields = [
            "id",
            "enterprise",
            "kind",
            "from_status",
            "to_status",
            "actor",
            "actor_name",
            "at",
            "reason",
            "decision_object_type",
            "decision_object_id",
        ]
        read_only_fields = fields

    def get_actor_name(self, obj: ProductionStatusChange) -> str:
        return (obj.actor.display_name or obj.actor.username) if obj.actor else ""


class CategoryConfirmSerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.filter(is_active=True))
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class LedgerImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The ledger workbook (.xlsx) in the template's columns.")
    dry_run = serializers.BooleanField(default=True, help_text="true: only check and report (default).")


ROW_REPORT = inline_serializer(
    "LedgerImportReport",
    {
        "accepted": serializers.BooleanField(),
        "applied": serializers.BooleanField(),
        "dry_run": serializers.BooleanField(),
        "sha256": serializers.CharField(),
        "counts": serializers.DictField(child=serializers.IntegerField()),
        "created": serializers.ListField(child=serializers.DictField()),
        "updated": serializers.ListField(child=serializers.DictField()),
        "unchanged": serializers.ListField(child=serializers.DictField()),
        "errors": serializers.ListField(child=serializers.DictField(), help_text="{row, column, reason}"),
        "warnings": serializers.ListField(child=serializers.CharField()),
    },
)


class VisitSerializer(ScopedModelSerializer):
    """A field visit: date, visitors, production status seen, intention, demands."""

    class Meta:
        model = Visit
        fields = [
            "id",
            "enterprise",
            "visited_on",
            "visitors",
            "production_status_seen",
            "intention",
            "demands",
            "notes",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["recorded_by", "created_at"]


LEDGER_FILTERS = [
    OpenApiParameter("q", str, description="full-text search (name, credit code, address, people)"),
    OpenApiParameter("category", str, description="category code, or `none` for uncategorised"),
    OpenApiParameter("status", str, description="lifecycle status"),
    OpenApiParameter("industry", str, description="electroplating / dyeing / other"),
    OpenApiParameter("town", int, description="territorial unit id"),
    OpenApiParameter("capital_background", str),
    OpenApiParameter("key_polluter", str, description="1 or 0"),
    OpenApiParameter("production_status", str),
    OpenApiParameter("intention", str),
    OpenApiParameter("sort", str, description="name, -name, workers, -workers, area, -area, status, -updated"),
]


@extend_schema(parameters=LEDGER_FILTERS)
class EnterpriseViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The enterprise ledger, scoped like the pages (HQ: the programme; units:
    the programme, editing their own territory; enterprise contacts: their own).
    List filters as on the ledger page: q, category, status, industry, town,
    capital_background, key_polluter, production_status, intention, sort.
    Updates need the `version` you read; a stale one gets 409 Conflict."""

    serializer_class = EnterpriseSerializer

    def get_queryset(self):
        qs = selectors.enterprises_for_user(self.request.user)
        if self.action in {"list", "export"}:
            params = {k: v for k, v in self.request.query_params.items()}
            qs = selectors.sort_ledger(selectors.filter_ledger(qs, params), params.get("sort"))
        return qs

    @extend_schema(request=CategoryConfirmSerializer, responses=EnterpriseSerializer)
    @action(detail=True, methods=["post"])
    def categorise(self, request, pk=None):
        """Confirm the enterprise's category (HQ editors or the territorial unit);
        the change is kept in its category history and the audit log."""
        enterprise = self.get_object()
        serializer = CategoryConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        categories.category_confirm(actor=request.user, enterprise=enterprise, **serializer.validated_data)
        enterprise.refresh_from_db()
        return Response(self.get_serializer(enterprise).data)

    # The ledger filters of the class do not apply to one enterprise's history.
    @extend_schema(
        parameters=[OpenApiParameter(p.name, exclude=True) for p in LEDGER_FILTERS],
        responses=ProductionStatusChangeSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="production-status-changes")
    def production_status_changes(self, request, pk=None):
        """The enterprise's production-status history, newest first (read only;
        decisions change it through enforcement). Paginated like every list."""
        enterprise = self.get_object()
        page = self.paginate_queryset(selectors.production_changes_of(enterprise))
        return self.get_paginated_response(ProductionStatusChangeSerializer(page, many=True).data)

    @extend_schema(parameters=LEDGER_FILTERS, responses={(200, ledger_export.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        """The filtered ledger as an .xlsx workbook (template columns, phones masked)."""
        if not is_staff_member(request.user):
            raise PermissionDenied
        qs = self.get_queryset().defer(*selectors.LIST_DEFERRED).select_related(*ledger_export.EXPORT_RELATED)
        content = ledger_export.export_ledger(qs[: spreadsheets.EXPORT_MAX_ROWS].iterator(chunk_size=2000))
        return spreadsheets.xlsx_response(spreadsheets.export_filename(_("企业台账")), content)

    @extend_schema(
        request={"multipart/form-data": LedgerImportSerializer}, responses={200: ROW_REPORT, 400: ROW_REPORT}
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
        serializer_class=LedgerImportSerializer,
    )
    def import_ledger(self, request):
        """Import a ledger workbook. With dry_run=true (the default) nothing is
        written and the row report says what would be created, updated or left
        unchanged, and every error as {row, column, reason}. With dry_run=false
        the file is applied all or nothing: 200 when written, 400 with the
        report when any row is wrong (nothing written). HQ editors only."""
        if not is_hq_editor(request.user):
            raise PermissionDenied
        serializer = LedgerImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        programme = programme_for(request.user)
        if programme is None:
            raise PermissionDenied
        if serializer.validated_data["dry_run"]:
            ledger_import.check_upload_size(upload.size)
            report = ledger_import.import_ledger(
                actor=request.user, programme=programme, content=upload.read(), file_name=upload.name, dry_run=True
            )
        else:
            report = ledger_import.ledger_import_direct(actor=request.user, programme=programme, uploaded_file=upload)
        return Response(report.as_dict(), status=200 if report.accepted else 400)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        programme = programme_for(request.user)
        if programme is None:
            raise PermissionDenied
        enterprise = services.enterprise_create(actor=request.user, programme=programme, data=data)
        return Response(self.get_serializer(enterprise).data, status=201)

    def update(self, request, *args, **kwargs):
        enterprise = self.get_object()
        serializer = self.get_serializer(enterprise, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = data.pop("version", None)
        if expected is None:
            raise serializers.ValidationError({"version": "请提供读取时的版本号 / version is required"})
        services.enterprise_update(actor=request.user, enterprise=enterprise, data=data, expected_version=expected)
        enterprise.refresh_from_db()
        return Response(self.get_serializer(enterprise).data)


@extend_schema(
    parameters=[
        OpenApiParameter("enterprise", int, description="only this enterprise's visits"),
        OpenApiParameter("visited_from", OpenApiTypes.DATE, description="visits on or after this date"),
        OpenApiParameter("visited_to", OpenApiTypes.DATE, description="visits on or before this date"),
        OpenApiParameter("intention", str, description="intention recorded at the visit"),
    ]
)
class VisitViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Field visits (走访), scoped like the enterprises they belong to. Staff
    members record visits; the enterprise's production status and intention
    follow its latest visit."""

    serializer_class = VisitSerializer

    def get_queryset(self):
        qs = selectors.visits_for_user(self.request.user)
        enterprise = self.request.query_params.get("enterprise")
        if enterprise and enterprise.isdigit():
            qs = qs.filter(enterprise_id=int(enterprise))
        for param, lookup in (("visited_from", "visited_on__gte"), ("visited_to", "visited_on__lte")):
            value = parse_date(self.request.query_params.get(param) or "")
            if value is not None:
                qs = qs.filter(**{lookup: value})
        if self.request.query_params.get("intention"):
            qs = qs.filter(intention=self.request.query_params["intention"])
        return qs

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        enterprise = selectors.enterprise_for_user(request.user, data.pop("enterprise").pk)
        visit = services.visit_record(actor=request.user, enterprise=enterprise, **data)
        return Response(self.get_serializer(visit).data, status=201)
