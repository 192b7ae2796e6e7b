"""REST API of tasks, unit reports, scorecards and the working-day calendar.
Scoped exactly like the pages; every write goes through the services."""

from __future__ import annotations

import datetime as dt

from django.forms import ValidationError as FormValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from relocation.core import workdays
from relocation.core.api import ExportActionMixin, IsStaffMember
from relocation.core.roles import is_hq, is_hq_editor
from relocation.organisation.api_scoping import ScopedModelSerializer, ScopedSerializer
from relocation.organisation.models import Unit, User
from relocation.organisation.selectors import programme_for
from relocation.supervision import reports, scorecards, selectors, services
from relocation.supervision.forms import parse_deadline
from relocation.supervision.models import CoordinationProblem, Task, TaskSource, TaskStage, TaskUpdate, UnitReport


@extend_schema_field(OpenApiTypes.STR)
class WorkdayDeadlineSerializerField(serializers.Field):
    """A date (2022-02-16) or "N 个工作日" counted from today."""

    def to_internal_value(self, data):
        try:
            return parse_deadline(str(data))
        except FormValidationError as exc:
            raise ValidationError(exc.messages[0]) from None

    def to_representation(self, value):
        return value.isoformat()


class TaskStageSerializer(serializers.ModelSerializer):
    holder_unit = serializers.StringRelatedField()
    holder = serializers.StringRelatedField()

    class Meta:
        model = TaskStage
        fields = ["status", "from_status", "holder_unit", "holder", "started_at", "ended_at", "reason"]


class TaskUpdateSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = TaskUpdate
        fields = ["id", "author", "kind", "body", "created_at"]


class TaskSerializer(ScopedModelSerializer):
    """A task as the list shows it; `warning` is none / yellow / red today."""

    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    # Not source="responsible.__str__": with no one responsible that renders None's method wrapper.
    responsible_name = serializers.StringRelatedField(source="responsible", read_only=True)
    warning = serializers.SerializerMethodField()
    deadline_is_estimate = serializers.SerializerMethodField()
    # Sources are registered by the apps (task_sources), so the schema names no fixed set.
    source = serializers.CharField(read_only=True, help_text="the registered source code, e.g. plan, manual")

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "description",
            "lead_unit",
            "lead_unit_name",
            "responsible",
            "responsible_name",
            "deadline",
            "status",
            "source",
            "warning",
            "deadline_is_estimate",
            "enterprise_id",
            "signed_for_at",
            "reported_done_at",
            "completed_at",
            "created_at",
        ]

    def get_warning(self, task: Task) -> str:
        ctx = self.context
        return selectors.colour(task, ctx["today"], ctx["yellow_until"])

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_deadline_is_estimate(self, task: Task) -> bool:
        """True when the deadline lies in a year whose official holidays are not entered yet."""
        return workdays.is_estimate(task.deadline, since=self.context["today"])


class TaskDetailSerializer(TaskSerializer):
    """A task with its co-units, stage clocks and progress thread."""

    co_units = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    stages = TaskStageSerializer(many=True, read_only=True)
    updates = TaskUpdateSerializer(many=True, read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "co_units", "stages", "updates"]


class TaskCreateSerializer(ScopedSerializer):
    """Assign a task. `deadline` takes a date or "10 个工作日"."""

    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    co_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False, default=list)
    responsible = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    deadline = WorkdayDeadlineSerializerField()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressSerializer(serializers.Serializer):
    body = serializers.CharField()


class ReassignSerializer(ScopedSerializer):
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    responsible = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    reason = serializers.CharField()
    deadline = WorkdayDeadlineSerializerField(required=False)


class TaskViewSet(ExportActionMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Tasks of the user's unit (or all, for HQ). Filters: status (or "open"),
    unit, source, warning (yellow/red), q. `export/`: the filtered list as .xlsx."""

    permission_classes = [IsStaffMember]
    export_name = gettext_lazy("任务清单")

    def get_export_columns(self):
        from relocation.supervision.exports import task_columns

        ctx = self.get_serializer_context()
        return task_columns(ctx["today"], ctx["yellow_until"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        params = {k: v for k, v in self.request.query_params.items()}
        ctx = self.get_serializer_context()
        qs = selectors.tasks_for_user(self.request.user)
        if self.action == "retrieve":
            return qs.prefetch_related("co_units", "stages__holder_unit", "stages__holder", "updates__author")
        return selectors.filter_tasks(qs, params, today=ctx["today"], yellow_until=ctx["yellow_until"])

    def get_serializer_class(self):
        if self.action == "create":
            return TaskCreateSerializer
        if self.action == "retrieve":
            return TaskDetailSerializer
        return TaskSerializer

    def get_serializer_context(self):
        ctx = super().get_serializer_context()
        today = timezone.localdate()
        programme = programme_for(self.request.user)
        days = services.settings_for(programme).yellow_workdays if programme else 3
        ctx.update(today=today, yellow_until=workdays.add_workdays(today, days))
        return ctx

    def _out(self, task: Task, status: int = 200) -> Response:
        task = selectors.task_for_user(self.request.user, task.pk)
        return Response(TaskSerializer(task, context=self.get_serializer_context()).data, status=status)

    def create(self, request, *args, **kwargs):
        # task_create serves every module (their own guards apply); assigning by hand is HQ's.
        if not is_hq_editor(request.user):
            raise PermissionDenied
        serializer = TaskCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = services.task_create(actor=request.user, source=TaskSource.MANUAL, **serializer.validated_data)
        return self._out(task, status=201)

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def sign_for(self, request, pk=None):
        """The lead unit signs for (签收) the task."""
        return self._out(services.task_sign_for(actor=request.user, task=self.get_object()))

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._out(services.task_start(actor=request.user, task=self.get_object()))

    @extend_schema(request=ProgressSerializer, responses=TaskUpdateSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """Add a progress update to the task's thread."""
        s = ProgressSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        update = services.task_update_add(actor=request.user, task=self.get_object(), body=s.validated_data["body"])
        return Response(TaskUpdateSerializer(update).data, status=201)

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def report_done(self, request, pk=None):
        s = NoteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._out(services.task_report_done(actor=request.user, task=self.get_object(), **s.validated_data))

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """HQ verifies (核销) a task the unit reported done."""
        s = NoteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._out(services.task_verify(actor=request.user, task=self.get_object(), **s.validated_data))

    @extend_schema(request=NoteSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        """HQ sends a reported task back to the unit (note = the reason)."""
        s = NoteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._out(
            services.task_return(actor=request.user, task=self.get_object(), reason=s.validated_data["note"])
        )

    @extend_schema(request=ReassignSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """HQ gives the task to another unit; old and new owners are notified."""
        s = ReassignSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._out(services.task_reassign(actor=request.user, task=self.get_object(), **s.validated_data))

    @extend_schema(request=NoteSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        """催办: remind the responsible person and the liaison."""
        s = NoteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        sent = services.task_remind(actor=request.user, task=self.get_object(), **s.validated_data)
        return Response({"sent": sent})


class CoordinationProblemSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = CoordinationProblem
        fields = ["id", "title", "detail", "is_urgent", "status", "resolution", "unit", "unit_name"]
        read_only_fields = ["status", "resolution", "unit"]


class UnitReportSerializer(serializers.ModelSerializer):
    """A unit's biweekly report. `problems` (title, detail, is_urgent) replaces the draft's list when given."""

    problems = CoordinationProblemSerializer(many=True, required=False)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = UnitReport
        fields = [
            "id",
            "unit",
            "unit_name",
            "period_start",
            "period_end",
            "due_on",
            "status",
            "progress",
            "next_steps",
            "suggestions",
            "problems",
            "submitted_at",
            "reviewed_at",
            "review_comment",
            "version",
        ]
        read_only_fields = [
            "unit",
            "period_end",
            "due_on",
            "status",
            "submitted_at",
            "reviewed_at",
            "review_comment",
            "version",
        ]


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField()


class UnitReportViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Biweekly unit reports: a unit opens (POST period_start), edits (PATCH),
    submits; HQ reviews. Units see their own, HQ sees all."""

    serializer_class = UnitReportSerializer
    permission_classes = [IsStaffMember]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.reports_for_user(self.request.user).prefetch_related("problems__unit")

    def create(self, request, *args, **kwargs):
        if request.user.unit is None:
            raise PermissionDenied
        try:
            start = dt.date.fromisoformat(str(request.data.get("period_start", "")))
        except ValueError:
            raise ValidationError({"period_start": "请填写报送周期开始日期（YYYY-MM-DD）。"}) from None
        report = reports.report_open(actor=request.user, unit=request.user.unit, period_start=start)
        return Response(self.get_serializer(report).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        s = self.get_serializer(report, data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        reports.report_save(
            actor=request.user,
            report=report,
            progress=data.get("progress", report.progress),
            next_steps=data.get("next_steps", report.next_steps),
            suggestions=data.get("suggestions", report.suggestions),
            problems=[dict(p) for p in data["problems"]] if "problems" in data else None,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=None, responses=UnitReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = reports.report_submit(actor=request.user, report=self.get_object())
        return Response(self.get_serializer(report).data)

    @extend_schema(request=ReviewSerializer, responses=UnitReportSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        s = ReviewSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        report = reports.report_review(
            actor=request.user, report=self.get_object(), comment=s.validated_data["comment"]
        )
        return Response(self.get_serializer(report).data)


class CoordinationProblemViewSet(viewsets.ReadOnlyModelViewSet):
    """Open problems needing coordination (the monthly meeting's agenda). HQ only."""

    serializer_class = CoordinationProblemSerializer
    permission_classes = [IsStaffMember]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CoordinationProblem.objects.none()
        programme = programme_for(self.request.user)
        if not is_hq(self.request.user) or programme is None:
            return CoordinationProblem.objects.none()
        return selectors.open_coordination_problems(programme)


class ScorecardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    due = serializers.IntegerField()
    on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    reports_expected = serializers.IntegerField()
    reports_on_time = serializers.IntegerField()
    report_rate = serializers.FloatField(allow_null=True)
    overdue = serializers.IntegerField()
    score = serializers.FloatField()
    trend = serializers.ListField(child=serializers.FloatField(allow_null=True))


class ScorecardView(APIView):
    """The league table of member units (on-time rate, report timeliness, overdue, monthly trend)."""

    permission_classes = [IsStaffMember]

    @extend_schema(responses=ScorecardRowSerializer(many=True))
    def get(self, request):
        programme = programme_for(self.request.user)
        if programme is None:
            return Response([])
        table = scorecards.league_table(programme, timezone.localdate())
        return Response(ScorecardRowSerializer(table, many=True).data)


class WorkdaysView(APIView):
    """Working days (official calendar + local overrides).
    `?op=add&date=2022-01-28&n=10` → {"date": "2022-02-16"};
    `?op=between&start=…&end=…` → {"workdays": n}."""

    permission_classes = [IsStaffMember]

    @extend_schema(
        parameters=[
            OpenApiParameter("op", str, enum=["add", "between"]),
            OpenApiParameter("date", str, required=False),
            OpenApiParameter("n", int, required=False),
            OpenApiParameter("start", str, required=False),
            OpenApiParameter("end", str, required=False),
        ],
        responses={200: dict},
    )
    def get(self, request):
        q = request.query_params
        try:
            if q.get("op") == "between":
                a, b = dt.date.fromisoformat(q["start"]), dt.date.fromisoformat(q["end"])
                return Response(
                    {
                        "start": a,
                        "end": b,
                        "workdays": workdays.workdays_between(a, b),
                        "estimate": workdays.is_estimate(b, since=a),
                        "uncovered_years": workdays.uncovered_years(a, b),
                    }
                )
            d, n = dt.date.fromisoformat(q["date"]), int(q["n"])
            if n < 0:
                raise ValueError
            result = workdays.add_workdays(d, n)
            return Response(
                {
                    "from": d,
                    "n": n,
                    "date": result,
                    "estimate": workdays.is_estimate(result, since=d),
                    "uncovered_years": workdays.uncovered_years(d, result),
                }
            )
        except (KeyError, ValueError):
            raise ValidationError(
                {"detail": "参数错误：add 需要 date 和 n，between 需要 start 和 end（日期格式 YYYY-MM-DD）。"}
            ) from None
