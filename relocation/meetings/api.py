"""REST API of the coordination meetings, scoped exactly like the pages:
staff members read, HQ (commander, staff) writes, unit leaders and liaisons
request extra meetings."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from relocation.core.roles import is_hq_editor
from relocation.meetings import selectors, services
from relocation.meetings.models import AgendaItem, Attendance, AttendanceStatus, Decision, Meeting, MeetingRequest
from relocation.organisation.api_scoping import ScopedModelSerializer
from relocation.organisation.models import Unit
from relocation.organisation.selectors import programme_for


class AgendaItemSerializer(ScopedModelSerializer):
    """An agenda item; `source` says where it came from (follow-up, unit report, request, HQ)."""

    class Meta:
        model = AgendaItem
        fields = ["id", "order", "source", "title", "description", "unit", "source_ref"]
        read_only_fields = ["order", "source", "source_ref"]


class AttendanceSerializer(ScopedModelSerializer):
    """One unit's attendance: present, deputy (name the deputy in `attendee`) or absent."""

    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)

    class Meta:
        model = Attendance
        fields = ["unit", "attendee", "status", "note"]


# Named apart from the other apps' `Decision` components (OpenAPI names are global).
@extend_schema_serializer(component_name="MeetingDecision")
class DecisionSerializer(ScopedModelSerializer):
    """A decision (议定事项). `task` is the task it became; `task_status` its status now.
    POST with `make_task: true` to turn it into a task in the same call."""

    co_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    task_status = serializers.SerializerMethodField()
    make_task = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Decision
        fields = ["id", "order", "text", "lead_unit", "co_units", "deadline", "task", "task_status", "make_task"]
        read_only_fields = ["order", "task"]

    def get_task_status(self, obj: Decision) -> str | None:
        return obj.task.status if obj.task_id else None


class MeetingSerializer(serializers.ModelSerializer):
    """A coordination meeting (monthly or extra)."""

    minutes_docx_url = serializers.SerializerMethodField()
    minutes_pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "title",
            "period",
            "scheduled_at",
            "place",
            "status",
            "minutes_number",
            "minutes_issued_at",
            "minutes_docx_url",
            "minutes_pdf_url",
            "version",
        ]
        read_only_fields = ["kind", "period", "status", "minutes_number", "minutes_issued_at", "version"]

    def _url(self, obj: Meeting, fmt: str) -> str | None:
        return f"/meetings/{obj.pk}/minutes.{fmt}" if obj.minutes_issued_at else None

    def get_minutes_docx_url(self, obj: Meeting) -> str | None:
        return self._url(obj, "docx")

    def get_minutes_pdf_url(self, obj: Meeting) -> str | None:
        return self._url(obj, "pdf")


class MeetingDetailSerializer(MeetingSerializer):
    """A meeting with its agenda, attendance, minutes, decisions and the follow-up
    of the previous meeting's decisions."""

    agenda = AgendaItemSerializer(source="agenda_items", many=True, read_only=True)
    attendance = AttendanceSerializer(many=True, read_only=True)
    decisions = serializers.SerializerMethodField()
    follow_up = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "minutes", "agenda", "attendance", "decisions", "follow_up"]
        read_only_fields = [*MeetingSerializer.Meta.read_only_fields, "minutes"]

    def get_decisions(self, obj: Meeting) -> list[dict]:
        return DecisionSerializer(selectors.decisions_of(obj), many=True).data

    def get_follow_up(self, obj: Meeting) -> dict | None:
        previous, decisions = selectors.follow_up(obj)
        if previous is None:
            return None
        return {
            "meeting": previous.pk,
            "title": previous.title,
            "decisions": DecisionSerializer(decisions, many=True).data,
        }


class ScheduleSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    scheduled_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MinutesSerializer(serializers.Serializer):
    minutes = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


def _require_hq(request) -> None:
    if not is_hq_editor(request.user):
        raise PermissionDenied


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """Coordination meetings. HQ creates extra meetings (POST), moves them
    (`reschedule`), marks them held, records agenda, attendance, minutes and
    decisions, turns decisions into tasks and issues the minutes."""

    queryset = Meeting.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        if not selectors.can_read(self.request.user):
            raise PermissionDenied
        return selectors.meetings_for_user(self.request.user).prefetch_related("agenda_items", "attendance")

    def get_serializer_class(self):
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer

    @extend_schema(request=ScheduleSerializer, responses=MeetingSerializer)
    def create(self, request):
        """Call an extra meeting."""
        _require_hq(request)
        data = ScheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        programme = programme_for(request.user)
        if programme is None:
            raise NotFound
        meeting = services.meeting_schedule_extra(
            actor=request.user,
            programme=programme,
            title=data.validated_data.get("title", ""),
            scheduled_at=data.validated_data["scheduled_at"],
            place=data.validated_data["place"],
        )
        return Response(MeetingSerializer(meeting).data, status=201)

    @extend_schema(request=ScheduleSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        """Move a scheduled meeting (time, place); units are notified."""
        _require_hq(request)
        meeting = self.get_object()
        data = ScheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = services.meeting_reschedule(
            actor=request.user,
            meeting=meeting,
            scheduled_at=data.validated_data["scheduled_at"],
            place=data.validated_data["place"],
            reason=data.validated_data["reason"],
        )
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(request=None, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        """Mark the meeting as held."""
        _require_hq(request)
        meeting = services.meeting_mark_held(actor=request.user, meeting=self.get_object())
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(request=CancelSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a scheduled meeting, with a reason."""
        _require_hq(request)
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = services.meeting_cancel(actor=request.user, meeting=self.get_object(), **data.validated_data)
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(methods=["get"], responses=AgendaItemSerializer(many=True))
    @extend_schema(methods=["post"], request=AgendaItemSerializer, responses=AgendaItemSerializer)
    @action(detail=True, methods=["get", "post"])
    def agenda(self, request, pk=None):
        """GET the agenda; POST adds an HQ item (title, description, unit)."""
        meeting = self.get_object()
        if request.method == "POST":
            _require_hq(request)
            data = AgendaItemSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            item = services.agenda_item_add(actor=request.user, meeting=meeting, **data.validated_data)
            return Response(AgendaItemSerializer(item).data, status=201)
        return Response(AgendaItemSerializer(meeting.agenda_items.all(), many=True).data)

    @extend_schema(request=None, responses=AgendaItemSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="agenda/assemble")
    def assemble_agenda(self, request, pk=None):
        """Add the follow-up of the previous meeting and the units' problems needing coordination."""
        _require_hq(request)
        added = services.agenda_assemble(actor=request.user, meeting=self.get_object())
        return Response(AgendaItemSerializer(added, many=True).data)

    @extend_schema(methods=["get"], responses=AttendanceSerializer(many=True))
    @extend_schema(methods=["put"], request=AttendanceSerializer(many=True), responses=AttendanceSerializer(many=True))
    @action(detail=True, methods=["get", "put"])
    def attendance(self, request, pk=None):
        """GET the attendance; PUT a list of {unit, status, attendee, note} to record it."""
        meeting = self.get_object()
        if request.method == "PUT":
            _require_hq(request)
            data = AttendanceSerializer(data=request.data, many=True)
            data.is_valid(raise_exception=True)
            services.attendance_record(actor=request.user, meeting=meeting, entries=data.validated_data)
        return Response(AttendanceSerializer(meeting.attendance.select_related("unit"), many=True).data)

    @extend_schema(request=MinutesSerializer, responses=MeetingDetailSerializer)
    @action(detail=True, methods=["put"])
    def minutes(self, request, pk=None):
        """Save the draft minutes (rich text, sanitised); send the version you read."""
        _require_hq(request)
        data = MinutesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = services.minutes_save(
            actor=request.user,
            meeting=self.get_object(),
            minutes=data.validated_data["minutes"],
            expected_version=data.validated_data["version"],
        )
        meeting.refresh_from_db()
        return Response(MeetingDetailSerializer(meeting).data)

    @extend_schema(request=None, responses=MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="minutes/issue")
    def issue_minutes(self, request, pk=None):
        """Number and issue the minutes as Word and PDF (GB/T 9704-2012)."""
        _require_hq(request)
        meeting = services.minutes_issue(actor=request.user, meeting=self.get_object())
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(methods=["get"], responses=DecisionSerializer(many=True))
    @extend_schema(methods=["post"], request=DecisionSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["get", "post"])
    def decisions(self, request, pk=None):
        """GET the decisions with their task status; POST records one (optionally making its task)."""
        meeting = self.get_object()
        if request.method == "POST":
            _require_hq(request)
            data = DecisionSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            decision = services.decision_add(actor=request.user, meeting=meeting, **data.validated_data)
            decision = selectors.decisions_of(meeting).get(pk=decision.pk)
            return Response(DecisionSerializer(decision).data, status=201)
        return Response(DecisionSerializer(selectors.decisions_of(meeting), many=True).data)

    @extend_schema(
        request=None,
        responses=DecisionSerializer,
        parameters=[OpenApiParameter("decision_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"decisions/(?P<decision_id>\d+)/task")
    def decision_task(self, request, pk=None, decision_id=None):
        """Turn one decision into a task (idempotent: a second call returns the same task)."""
        _require_hq(request)
        meeting = self.get_object()
        decision = meeting.decisions.filter(pk=decision_id).first()
        if decision is None:
            raise NotFound
        services.decision_make_task(actor=request.user, decision=decision)
        return Response(DecisionSerializer(selectors.decisions_of(meeting).get(pk=decision.pk)).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="minutes/docx")
    def minutes_docx(self, request, pk=None):
        """The issued minutes as Word (.docx)."""
        return self._file(self.get_object(), "docx")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="minutes/pdf")
    def minutes_pdf(self, request, pk=None):
        """The issued minutes as PDF (fonts embedded)."""
        return self._file(self.get_object(), "pdf")

    def _file(self, meeting: Meeting, fmt: str) -> HttpResponse:
        from relocation.meetings.views import document_response

        return document_response(Meeting.objects.get(pk=meeting.pk), fmt)


class RequestSerializer(serializers.ModelSerializer):
    """A unit's request for an extra meeting about an urgent problem."""

    class Meta:
        model = MeetingRequest
        fields = ["id", "unit", "requested_by", "problem", "details", "status", "meeting", "reply", "created_at"]
        read_only_fields = ["unit", "requested_by", "status", "meeting", "reply", "created_at"]


class AcceptSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DeclineSerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=300)


class MeetingRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Extra-meeting requests: unit leaders and liaisons POST one; HQ accepts
    (scheduling the meeting) or declines it with a reply."""

    serializer_class = RequestSerializer
    queryset = MeetingRequest.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MeetingRequest.objects.none()
        if not selectors.can_read(self.request.user):
            raise PermissionDenied
        return selectors.requests_for_user(self.request.user)

    def create(self, request, *args, **kwargs):
        data = RequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.request_create(actor=request.user, **data.validated_data)
        return Response(RequestSerializer(item).data, status=201)

    @extend_schema(request=AcceptSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        _require_hq(request)
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = services.request_accept(actor=request.user, request=self.get_object(), **data.validated_data)
        return Response(MeetingSerializer(meeting).data, status=201)

    @extend_schema(request=DeclineSerializer, responses=RequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        _require_hq(request)
        data = DeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.request_decline(actor=request.user, request=self.get_object(), **data.validated_data)
        return Response(RequestSerializer(item).data)
