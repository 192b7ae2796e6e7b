"""REST API of the two-person approval of HQ and admin accounts."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from relocation.organisation import approvals, selectors
from relocation.organisation.api import IsAccountAdmin
from relocation.organisation.models import AccountApproval


class AccountApprovalSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = AccountApproval
        fields = [
            "id",
            "user",
            "username",
            "kind",
            "role",
            "previous_role",
            "unit",
            "status",
            "requested_by",
            "created_at",
            "decided_by",
            "decided_at",
            "reason",
        ]
        read_only_fields = fields


class ApprovalDecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AccountApprovalViewSet(viewsets.ReadOnlyModelViewSet):
    """Requests to create or elevate HQ and admin accounts; the security admin
    approves or rejects (a reason is required to reject). `?status=pending`."""

    serializer_class = AccountApprovalSerializer
    permission_classes = [IsAccountAdmin]

    def get_queryset(self):
        qs = approvals.pending_approvals(self.request.user).filter(
            user__in=selectors.accounts_for_admin(self.request.user)
        )
        status = self.request.query_params.get("status")
        if status in approvals.Status.values:
            qs = qs.filter(status=status)
        return qs.order_by("-created_at")

    def _decide(self, request, approve: bool) -> Response:
        body = ApprovalDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        approval = approvals.approval_decide(
            actor=request.user,
            approval=self.get_object(),
            approve=approve,
            reason=body.validated_data.get("reason", ""),
        )
        return Response(self.get_serializer(approval).data)

    @extend_schema(request=ApprovalDecisionSerializer, responses=AccountApprovalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, True)

    @extend_schema(request=ApprovalDecisionSerializer, responses=AccountApprovalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, False)
