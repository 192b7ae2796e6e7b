"""REST API of the portal, scoped like the pages: anonymous submit and lookup
(limited per address, 429 past the limit), and the inbox for HQ, the assigned
unit and enterprise contacts. Every change names the `version` it was based
on and gets 409 when someone changed the item since."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from relocation.core.masking import mask_phone
from relocation.core.middleware import client_ip
from relocation.core.roles import is_enterprise_contact
from relocation.enterprises.models import Enterprise
from relocation.organisation.api_scoping import ScopedSerializer
from relocation.organisation.models import Programme, Unit
from relocation.portal import selectors, services
from relocation.portal.models import Inquiry, InquiryKind, InquiryStatus, RejectReason


class InquiryPublicSubmitSerializer(serializers.Serializer):
    """A report or inquiry from the public. `website` must stay empty (it is a
    trap for scripts); `photos` (multipart, up to 3 JPG/PNG files) is optional.
    `programme` is the code of the programme whose portal is used (its public
    address /public/<code>/); without it, the installation's default programme."""

    programme = serializers.SlugField(max_length=64, required=False, allow_blank=True, default="")

    kind = serializers.ChoiceField(choices=InquiryKind.choices)
    subject = serializers.CharField(max_length=120)
    text = serializers.CharField(max_length=5000)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    website = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list, write_only=True)


class InquiryReceiptSerializer(serializers.Serializer):
    """The tracking number and the query code: the code is shown this once."""

    number = serializers.CharField()
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=InquiryStatus.choices)


class InquiryLookupSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=32)
    code = serializers.CharField(max_length=16)


class InquiryPublicStatusSerializer(serializers.Serializer):
    """What the public sees of their item: status, the unit handling it, the
    published answer. Never the names of the staff involved."""

    number = serializers.CharField()
    kind = serializers.CharField()
    subject = serializers.CharField()
    status = serializers.ChoiceField(choices=InquiryStatus.choices)
    status_label = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    unit_name = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    reject_reason = serializers.CharField()


class PublicSubmitView(APIView):
    """Submit a report or inquiry without an account."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = InquiryPublicSubmitSerializer

    @extend_schema(request=InquiryPublicSubmitSerializer, responses={201: InquiryReceiptSerializer})
    def post(self, request: Request) -> Response:
        serializer = InquiryPublicSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        data.pop("photos", None)
        code_of_programme = data.pop("programme", "")
        programme = None
        if code_of_programme:
            programme = Programme.objects.filter(code=code_of_programme).first()
            if programme is None:
                raise ValidationError({"programme": [_("没有代码为 %(code)s 的项目。") % {"code": code_of_programme}]})
        inquiry, code = services.inquiry_submit_public(
            honeypot=data.pop("website", ""), photos=photos, ip=client_ip(request), programme=programme, **data
        )
        return Response(
            InquiryReceiptSerializer({"number": inquiry.number, "code": code, "status": inquiry.status}).data,
            status=status.HTTP_201_CREATED,
        )


class PublicLookupView(APIView):
    """Look up an item by its number and query code (POST, so the code stays out of URLs)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []
    serializer_class = InquiryLookupSerializer

    @extend_schema(request=InquiryLookupSerializer, responses={200: InquiryPublicStatusSerializer})
    def post(self, request: Request) -> Response:
        serializer = InquiryLookupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inquiry = selectors.public_lookup(ip=client_ip(request), **serializer.validated_data)
        if inquiry is None:
            return Response({"detail": _("受理编号或查询码不正确，请核对后重试。"), "code": "not_found"}, status=404)
        view = selectors.public_view(inquiry)
        return Response(InquiryPublicStatusSerializer(view).data)


class InquirySerializer(serializers.ModelSerializer):
    """An item in the inbox. `phone` is masked; `overdue` is true when the unit's
    answer is past its due date."""

    phone = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    unit_name = serializers.CharField(source="unit.name", read_only=True, default="")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default="")

    class Meta:
        model = Inquiry
        fields = [
            "id",
            "number",
            "channel",
            "kind",
            "subject",
            "text",
            "location",
            "contact_name",
            "phone",
            "enterprise",
            "enterprise_name",
            "status",
            "unit",
            "unit_name",
            "due_date",
            "overdue",
            "draft_answer",
            "answer",
            "answered_at",
            "reject_reason",
            "reject_note",
            "task",
            "created_at",
            "version",
        ]
        read_only_fields = fields

    def get_phone(self, obj: Inquiry) -> str:
        return mask_phone(obj.phone)

    def get_overdue(self, obj: Inquiry) -> bool:
        return selectors.is_overdue(obj)

    def to_representation(self, instance: Inquiry) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and is_enterprise_contact(request.user):
            # An enterprise sees its question and the published answer, not HQ's workings.
            data["draft_answer"] = ""
            data["task"] = None
        return data


class InquiryAskSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=InquiryKind.choices)
    subject = serializers.CharField(max_length=120)
    text = serializers.CharField(max_length=5000)


class InquiryVersionSerializer(ScopedSerializer):
    version = serializers.IntegerField(help_text="The version the change is based on; 409 if it is stale.")


class InquiryAssignSerializer(InquiryVersionSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)


class InquiryDraftSerializer(InquiryVersionSerializer):
    text = serializers.CharField(max_length=5000)


class InquiryRejectSerializer(InquiryVersionSerializer):
    reason = serializers.ChoiceField(choices=RejectReason.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class InquiryFollowUpSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class CanUseInbox(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return selectors.can_use_inbox(request.user)


class InquiryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The inbox: HQ sees the programme's items, a unit those assigned to it, an
    enterprise contact its enterprise's questions. Filters: status (`open`
    default, `all`, or a status), kind, unit, overdue=1, q."""

    serializer_class = InquirySerializer
    permission_classes = [CanUseInbox]

    def get_queryset(self):
        from django.utils import timezone

        qs = selectors.inquiries_for_user(self.request.user)
        if self.action == "list":
            params = self.request.query_params.copy()
            if is_enterprise_contact(self.request.user):
                params.setdefault("status", "all")
            qs = selectors.filter_inquiries(qs, params, today=timezone.localdate())
        return qs

    def _versioned(self, request: Request, service: Callable[..., Any]) -> Response:
        """Publishing and closing carry nothing but the version the client read."""
        inquiry = self.get_object()
        serializer = InquiryVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service(actor=request.user, inquiry=inquiry, expected_version=serializer.validated_data["version"])
        return self._reply(inquiry)

    def _reply(self, inquiry: Inquiry) -> Response:
        fresh = selectors.inquiry_for_user(self.request.user, inquiry.pk)
        return Response(InquirySerializer(fresh, context={"request": self.request}).data)

    @extend_schema(request=InquiryAskSerializer, responses={201: InquirySerializer})
    def create(self, request: Request) -> Response:
        """An enterprise contact asks a question about their own enterprise."""
        if not is_enterprise_contact(request.user):
            raise PermissionDenied(_("只有企业联系人可以提交企业咨询。"))
        serializer = InquiryAskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inquiry = services.inquiry_ask(actor=request.user, **serializer.validated_data)
        response = self._reply(inquiry)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=InquiryAssignSerializer, responses=InquirySerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        """HQ assigns to a member unit (optionally linking an enterprise)."""
        inquiry = self.get_object()
        serializer = InquiryAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.inquiry_assign(
            actor=request.user,
            inquiry=inquiry,
            unit=data["unit"],
            enterprise=data.get("enterprise"),
            expected_version=data["version"],
        )
        return self._reply(inquiry)

    @extend_schema(request=InquiryDraftSerializer, responses=InquirySerializer)
    @action(detail=True, methods=["post"])
    def draft(self, request: Request, pk: str) -> Response:
        """The assigned unit (or HQ) saves the answer it drafts."""
        inquiry = self.get_object()
        serializer = InquiryDraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.inquiry_draft(
            actor=request.user,
            inquiry=inquiry,
            text=serializer.validated_data["text"],
            expected_version=serializer.validated_data["version"],
        )
        return self._reply(inquiry)

    @extend_schema(request=InquiryVersionSerializer, responses=InquirySerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Publish the draft (HQ; the unit where the kind's setting allows)."""
        return self._versioned(request, services.inquiry_publish)

    @extend_schema(request=InquiryVersionSerializer, responses=InquirySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """HQ closes an answered item."""
        return self._versioned(request, services.inquiry_close)

    @extend_schema(request=InquiryRejectSerializer, responses=InquirySerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        """HQ refuses spam, a duplicate or an item out of scope, with the reason."""
        inquiry = self.get_object()
        serializer = InquiryRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.inquiry_reject(
            actor=request.user,
            inquiry=inquiry,
            reason=data["reason"],
            note=data["note"],
            expected_version=data["version"],
        )
        return self._reply(inquiry)

    @extend_schema(request=InquiryFollowUpSerializer, responses=InquirySerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: str) -> Response:
        """An enterprise contact follows up its question; an answered one reopens."""
        inquiry = self.get_object()
        serializer = InquiryFollowUpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.inquiry_follow_up(actor=request.user, inquiry=inquiry, text=serializer.validated_data["text"])
        return self._reply(inquiry)
