from __future__ import annotations

from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from relocation.core.api import IsStaffMember
from relocation.core.masking import mask_phone
from relocation.organisation import selectors, services
from relocation.organisation.models import Person, Unit


class UnitSerializer(serializers.ModelSerializer):
    current_liaison = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "is_territorial",
            "is_receiving",
            "duties",
            "current_liaison",
        ]

    def get_current_liaison(self, unit: Unit) -> str | None:
        current = getattr(unit, "current_liaisons", [])
        return current[0].person.name if current else None


class PersonSerializer(serializers.ModelSerializer):
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True)
    phone_masked = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "unit", "name", "title", "phone", "phone_masked", "email"]

    def get_phone_masked(self, person: Person) -> str:
        return mask_phone(person.phone)


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Member units with their duties and current liaison."""

    serializer_class = UnitSerializer
    permission_classes = [IsStaffMember]

    def get_queryset(self):
        return selectors.units_for_user(self.request.user)


class PersonViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """People of the units; unit staff see their own unit's people."""

    serializer_class = PersonSerializer
    permission_classes = [IsStaffMember]

    def get_queryset(self):
        return selectors.people_for_user(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.person_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(person).data, status=201)
