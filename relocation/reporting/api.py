"""REST API of the monthly bulletin, scoped like the pages: HQ compiles, edits
and issues; member units and group leaders read issued bulletins (which
records their read receipt); HQ and the group see the receipts."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from relocation.core.roles import is_hq_editor
from relocation.organisation.selectors import active_programme
from relocation.reporting import selectors, services
from relocation.reporting.models import Bulletin, BulletinSection


class SectionSerializer(serializers.ModelSerializer):
    """A text section. PATCH `text` with the `version` you read (409 if stale)."""

    class Meta:
        model = BulletinSection
        fields = ["key", "order", "heading", "text", "edited", "version"]
        read_only_fields = ["key", "order", "heading", "edited"]


class BulletinSerializer(serializers.ModelSerializer):
    """A monthly bulletin (list view: without figures and text)."""

    docx_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "year",
            "month",
            "title",
            "status",
            "document_number",
            "compiled_at",
            "issued_at",
            "docx_url",
            "pdf_url",
        ]

    def get_docx_url(self, obj: Bulletin) -> str | None:
        return f"/api/reporting/bulletins/{obj.pk}/docx/" if obj.issued_at else None

    def get_pdf_url(self, obj: Bulletin) -> str | None:
        return f"/api/reporting/bulletins/{obj.pk}/pdf/" if obj.issued_at else None


class BulletinDetailSerializer(BulletinSerializer):
    """A bulletin with its compiled figures and its text sections."""

    sections = SectionSerializer(many=True, read_only=True)

    class Meta(BulletinSerializer.Meta):
        fields = [*BulletinSerializer.Meta.fields, "figures", "sections"]


class CompileSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)


class ReceiptSerializer(serializers.Serializer):
    user = serializers.CharField()
    display_name = serializers.CharField()
    unit = serializers.CharField(allow_null=True)
    kind = serializers.CharField()
    opened_at = serializers.DateTimeField(allow_null=True)


def _require_hq(request) -> None:
    if not is_hq_editor(request.user):
        raise PermissionDenied


class BulletinViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly bulletins. Reading an issued bulletin (retrieve, docx, pdf) records
    the caller's read receipt."""

    queryset = Bulletin.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Bulletin.objects.none()
        if not selectors.can_read(self.request.user):
            raise PermissionDenied
        return selectors.bulletins_for_user(self.request.user)

    def get_serializer_class(self):
        return BulletinDetailSerializer if self.action == "retrieve" else BulletinSerializer

    def retrieve(self, request, pk=None):
        bulletin = self._bulletin(pk)
        services.receipt_record(user=request.user, bulletin=bulletin)
        full = Bulletin.objects.defer("docx", "pdf").prefetch_related("sections").get(pk=bulletin.pk)
        return Response(BulletinDetailSerializer(full).data)

    def _bulletin(self, pk) -> Bulletin:
        if not str(pk).isdigit():
            raise NotFound
        return selectors.bulletin_for_user(self.request.user, int(pk))

    @extend_schema(request=CompileSerializer, responses=BulletinDetailSerializer)
    @action(detail=False, methods=["post"])
    def compile(self, request):
        """Compile (or compile again) a month's bulletin; edited sections keep HQ's text."""
        _require_hq(request)
        data = CompileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        programme = active_programme()
        if programme is None:
            raise NotFound
        bulletin = services.bulletin_compile(actor=request.user, programme=programme, **data.validated_data)
        full = Bulletin.objects.defer("docx", "pdf").prefetch_related("sections").get(pk=bulletin.pk)
        return Response(BulletinDetailSerializer(full).data, status=201)

    @extend_schema(
        request=SectionSerializer,
        responses=SectionSerializer,
        parameters=[OpenApiParameter("key", str, OpenApiParameter.PATH, description="section code, e.g. overview")],
    )
    @action(detail=True, methods=["patch"], url_path=r"sections/(?P<key>[^/.]+)")
    def section(self, request, pk=None, key=None):
        """Edit one section's text (send `text` and the section's `version`)."""
        _require_hq(request)
        bulletin = self._bulletin(pk)
        section = bulletin.sections.filter(key=key).first()
        if section is None:
            raise NotFound
        data = SectionSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if "version" not in data.validated_data or "text" not in data.validated_data:
            raise serializers.ValidationError(
                {"version": "请提供 text 和读取时的 version / text and version are required"}
            )
        section = services.section_update(
            actor=request.user,
            section=section,
            text=data.validated_data["text"],
            expected_version=data.validated_data["version"],
        )
        section.refresh_from_db()
        return Response(SectionSerializer(section).data)

    @extend_schema(request=None, responses=BulletinSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """Number and issue the bulletin (Word + PDF) to the units, group leaders in copy."""
        _require_hq(request)
        bulletin = services.bulletin_issue(actor=request.user, bulletin=self._bulletin(pk))
        return Response(BulletinSerializer(bulletin).data)

    @extend_schema(responses=ReceiptSerializer(many=True))
    @action(detail=True, methods=["get"])
    def receipts(self, request, pk=None):
        """Every recipient and when they first opened the bulletin (null: not yet)."""
        if not selectors.can_see_receipts(request.user):
            raise PermissionDenied
        rows = selectors.receipts_of(self._bulletin(pk))
        return Response(
            ReceiptSerializer(
                [
                    {
                        "user": r["recipient"].user.username,
                        "display_name": r["recipient"].user.display_name,
                        "unit": r["recipient"].unit.name if r["recipient"].unit else None,
                        "kind": r["recipient"].kind,
                        "opened_at": r["opened_at"],
                    }
                    for r in rows
                ],
                many=True,
            ).data
        )

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None) -> HttpResponse:
        """The issued bulletin as Word (.docx)."""
        return self._file(pk, "docx")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None) -> HttpResponse:
        """The issued bulletin as PDF (CJK fonts embedded)."""
        return self._file(pk, "pdf")

    def _file(self, pk, fmt: str) -> HttpResponse:
        from relocation.reporting.views import document_response

        bulletin = self._bulletin(pk)
        services.receipt_record(user=self.request.user, bulletin=bulletin)
        return document_response(Bulletin.objects.get(pk=bulletin.pk), fmt)
