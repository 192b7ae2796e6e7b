from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from relocation.core.api import IsStaffMember
from relocation.core.masking import mask_phone
from relocation.core.roles import is_security_admin, is_system_admin
from relocation.organisation import group_robots, selectors, services
from relocation.organisation.api_scoping import ScopedModelSerializer
from relocation.organisation.models import GroupRobot, Membership, Person, Unit, User


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


class PersonSerializer(ScopedModelSerializer):
    """A person of a member unit. The phone is write-only; reads show it masked."""

    phone = serializers.CharField(write_only=True, required=False, allow_blank=True)
    phone_masked = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "unit", "name", "title", "phone", "phone_masked", "email"]

    def get_phone_masked(self, person: Person) -> str:
        return mask_phone(person.phone)


class GroupRobotSerializer(serializers.Serializer):
    """A unit's group robot. The address and the secret are credentials: written, never read back."""

    platform = serializers.ChoiceField(choices=GroupRobot.Platform.choices)
    webhook_url = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=500)
    secret = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200)
    enabled = serializers.BooleanField(default=True)
    has_secret = serializers.SerializerMethodField()

    def get_has_secret(self, robot: GroupRobot) -> bool:
        return bool(robot.secret)


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Member units with their duties and current liaison."""

    serializer_class = UnitSerializer
    permission_classes = [IsStaffMember]

    def get_queryset(self):
        return selectors.units_for_user(self.request.user)

    @extend_schema(request=GroupRobotSerializer, responses=GroupRobotSerializer)
    @action(detail=True, methods=["get", "put", "delete"], serializer_class=GroupRobotSerializer)
    def robot(self, request, pk=None):
        """The unit's group robot for urgent notifications (HQ or the unit's leader)."""
        unit = self.get_object()
        if not group_robots.can_configure(request.user, unit):
            raise PermissionDenied
        if request.method == "DELETE":
            group_robots.group_robot_remove(actor=request.user, unit=unit)
            return Response(status=204)
        if request.method == "PUT":
            serializer = GroupRobotSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            robot = group_robots.group_robot_save(actor=request.user, unit=unit, **serializer.validated_data)
            return Response(GroupRobotSerializer(robot).data)
        robot = GroupRobot.objects.filter(unit=unit).first()
        if robot is None:
            return Response(status=404)
        return Response(GroupRobotSerializer(robot).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"], url_path="robot/test")
    def robot_test(self, request, pk=None):
        """Post a test message to the unit's group robot now."""
        unit = self.get_object()
        group_robots.group_robot_test(actor=request.user, unit=unit)
        return Response(status=204)


class PersonViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """People of the units; unit staff see their own unit's people. HQ staff and
    the unit's leader or liaison add and update them (the unit cannot be changed)."""

    serializer_class = PersonSerializer
    permission_classes = [IsStaffMember]

    def get_queryset(self):
        return selectors.people_for_user(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.person_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(person).data, status=201)

    def update(self, request, *args, **kwargs):
        person = self.get_object()
        serializer = self.get_serializer(person, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        values = {k: v for k, v in serializer.validated_data.items() if k != "unit"}
        person = services.person_update(actor=request.user, person=person, **values)
        return Response(self.get_serializer(person).data)


class MembershipSerializer(ScopedModelSerializer):
    """A seat in the coordination group (搬迁协调工作小组) or the on-site HQ (现场指挥部)."""

    person_name = serializers.CharField(source="person.name", read_only=True)
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())

    class Meta:
        model = Membership
        fields = ["id", "body", "position", "person", "person_name", "order"]
        read_only_fields = ["order"]


class MembershipViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Seats of the active programme's leading bodies; HQ editors add and remove them."""

    serializer_class = MembershipSerializer
    permission_classes = [IsStaffMember]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no request
            return Membership.objects.none()
        programme = selectors.programme_for(self.request.user)
        return selectors.memberships(programme) if programme else Membership.objects.none()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        programme = selectors.programme_for(self.request.user)
        if programme is None:
            raise PermissionDenied
        membership = services.membership_add(actor=request.user, programme=programme, **serializer.validated_data)
        return Response(self.get_serializer(membership).data, status=201)

    def perform_destroy(self, instance):
        services.membership_remove(actor=self.request.user, membership=instance)


class IsAccountAdmin(permissions.BasePermission):
    """The system admin (accounts) and the security admin (lock-outs, second factor)."""

    def has_permission(self, request, view) -> bool:
        return is_system_admin(request.user) or is_security_admin(request.user)


class AccountSerializer(ScopedModelSerializer):
    """A user account. The password is write-only and only used on creation;
    the phone is write-only and shown masked."""

    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True)
    phone_masked = serializers.SerializerMethodField()
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "password",
            "role",
            "unit",
            "display_name",
            "email",
            "phone",
            "phone_masked",
            "is_active",
            "last_login",
        ]
        read_only_fields = ["is_active", "last_login"]

    def get_phone_masked(self, user: User) -> str:
        return mask_phone(user.phone)


class PasswordResetSerializer(serializers.Serializer):
    """The new password for someone else's account."""

    new_password = serializers.CharField(write_only=True, style={"input_type": "password"})


class AccountViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Accounts, for the system admin (create, edit, deactivate, reset password)
    and the security admin (unlock, reset second factor). Each action is checked
    again by its service, so the two roles cannot do each other's work."""

    serializer_class = AccountSerializer
    permission_classes = [IsAccountAdmin]

    def get_queryset(self):
        return selectors.accounts_for_admin(
            self.request.user, q=self.request.query_params.get("q", ""), role=self.request.query_params.get("role", "")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if not data.get("password"):
            raise serializers.ValidationError({"password": ["请设置初始密码。"]})
        user = services.user_create(actor=request.user, **data)
        return Response(self.get_serializer(user).data, status=201)

    def update(self, request, *args, **kwargs):
        account = self.get_object()
        serializer = self.get_serializer(account, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        values = {k: v for k, v in serializer.validated_data.items() if k in services.ACCOUNT_FIELDS}
        if set(serializer.validated_data) - set(values) - {"username"}:
            raise serializers.ValidationError({"password": ["请使用 reset_password 重置密码。"]})
        account = services.user_update(actor=request.user, user=account, **values)
        return Response(self.get_serializer(account).data)

    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Stop the account from logging in (system admin)."""
        account = services.user_deactivate(actor=request.user, user=self.get_object())
        return Response(self.get_serializer(account).data)

    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        """Let a deactivated account log in again (system admin)."""
        account = services.user_reactivate(actor=request.user, user=self.get_object())
        return Response(self.get_serializer(account).data)

    @action(detail=True, methods=["post"], serializer_class=PasswordResetSerializer)
    def reset_password(self, request, pk=None):
        """Set a new password (system admin)."""
        account = self.get_object()
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset(
            actor=request.user, user=account, new_password=serializer.validated_data["new_password"]
        )
        return Response({"detail": "ok"})

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "AccountUnlockResult", {"detail": serializers.CharField(), "failures_cleared": serializers.IntegerField()}
        ),
    )
    @action(detail=True, methods=["post"], serializer_class=serializers.Serializer)
    def unlock(self, request, pk=None):
        """Lift a login lock-out (security admin)."""
        cleared = services.account_unlock(actor=request.user, user=self.get_object())
        return Response({"detail": "ok", "failures_cleared": cleared})

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "SecondFactorResetResult",
            {"detail": serializers.CharField(), "devices_removed": serializers.IntegerField()},
        ),
    )
    @action(detail=True, methods=["post"], serializer_class=serializers.Serializer)
    def reset_second_factor(self, request, pk=None):
        """Remove the account's TOTP devices; its owner enrols again (security admin)."""
        removed = services.second_factor_reset(actor=request.user, user=self.get_object())
        return Response({"detail": "ok", "devices_removed": removed})
