from __future__ import annotations

from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from relocation.core.masking import mask_phone
from relocation.enterprises import selectors, services
from relocation.enterprises.models import Enterprise, Visit
from relocation.organisation.selectors import active_programme


class EnterpriseSerializer(serializers.ModelSerializer):
    contact_phone = serializers.CharField(write_only=True, required=False, allow_blank=True)
    contact_phone_masked = serializers.SerializerMethodField()
    # Send back the version you read; a stale one gets 409 Conflict.
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            *services.EDITABLE_FIELDS,
            "contact_phone_masked",
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


class VisitSerializer(serializers.ModelSerializer):
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


class EnterpriseViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The enterprise ledger, scoped like the pages. Filters: q, status, industry,
    town, capital_background, key_polluter, production_status, intention."""

    serializer_class = EnterpriseSerializer

    def get_queryset(self):
        qs = selectors.enterprises_for_user(self.request.user)
        if self.action == "list":
            params = {k: v for k, v in self.request.query_params.items()}
            qs = selectors.sort_ledger(selectors.filter_ledger(qs, params), params.get("sort"))
        return qs

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        programme = active_programme()
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


class VisitViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = VisitSerializer

    def get_queryset(self):
        qs = selectors.visits_for_user(self.request.user)
        enterprise = self.request.query_params.get("enterprise")
        if enterprise and enterprise.isdigit():
            qs = qs.filter(enterprise_id=int(enterprise))
        return qs

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        enterprise = selectors.enterprise_for_user(request.user, data.pop("enterprise").pk)
        visit = services.visit_record(actor=request.user, enterprise=enterprise, **data)
        return Response(self.get_serializer(visit).data, status=201)
