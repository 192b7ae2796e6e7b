"""REST API of the programme set-up checklist: the same gaps as the set-up page,
for the system admin (any programme) and HQ (its own; another is a 404)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from relocation.organisation import selectors, setup_checklist


class SetupGapSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="liaisons, functions, phases, hq_account, receiving_park, …")
    title = serializers.CharField()
    items = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField(help_text="the page where the gap is fixed")
    fix = serializers.CharField(help_text="who fixes it, and how")


class SetupChecklistSerializer(serializers.Serializer):
    programme = serializers.IntegerField()
    code = serializers.CharField()
    complete = serializers.BooleanField()
    gaps = SetupGapSerializer(many=True)


class ProgrammeChecklistView(APIView):
    """What the programme still lacks (empty `gaps` when its set-up is complete)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = SetupChecklistSerializer

    @extend_schema(responses=SetupChecklistSerializer)
    def get(self, request: Request, pk: int) -> Response:
        if not selectors.may_see_checklist(request.user):
            raise PermissionDenied
        programme = selectors.programme_for_setup(request.user, pk)
        gaps = setup_checklist.as_data(setup_checklist.checklist(programme))
        data = {"programme": programme.pk, "code": programme.code, "complete": not gaps, "gaps": gaps}
        return Response(SetupChecklistSerializer(data).data)
