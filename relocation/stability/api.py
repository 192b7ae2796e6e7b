"""REST API of stability work, scoped exactly like the pages: HQ, group
leaders and auditors read everything, a member unit reads what it leads or
co-owns, enterprise contacts get 403. Writes go through the same services;
edits carry the `version` they were based on (409 when out of date).

The serializers (what each record looks like on the wire) are in
api_serializers; this module holds the viewsets."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from relocation.organisation.selectors import programme_for
from relocation.stability import permissions, selectors, services
from relocation.stability.api_serializers import (
    ApproveSerializer,
    CloseOpinionSerializer,
    DrillSerializer,
    IncidentActionSerializer,
    IncidentDetailSerializer,
    IncidentEvidenceSerializer,
    IncidentSerializer,
    OpinionDetailSerializer,
    OpinionSerializer,
    PlanDetailSerializer,
    PlanSerializer,
    PlanVersionSerializer,
    RiskSerializer,
    TextSerializer,
    UnassessedSignalsSerializer,
)
from relocation.stability.models import (
    EmergencyPlan,
    Incident,
    OpinionEvent,
    RiskAssessment,
)


def _programme(request: Any) -> Any:
    programme = programme_for(request.user)
    if programme is None:
        raise NotFound
    return programme


def _version(request: Any) -> int:
    try:
        return int(request.data["version"])
    except (KeyError, TypeError, ValueError):
        raise serializers.ValidationError({"version": "required: the version the edit is based on"}) from None


class ScopedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    http_method_names = ["get", "post", "patch", "head", "options"]

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not permissions.can_read(request.user):
            raise PermissionDenied

    def _merged(self, instance: Any, serializer_class: Any) -> dict[str, Any]:
        """PATCH semantics: the stored values, overridden by what was sent, validated."""
        current = serializer_class(instance).data
        data = {**current, **{k: v for k, v in self.request.data.items()}}
        serializer = serializer_class(instance, data=data, partial=True)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _validated(self, serializer_class: Any) -> Any:
        """The request body checked by `serializer_class` (a 400 with its errors otherwise)."""
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class StatusViewSet(ScopedViewSet):
    """Incidents and opinion events change status the same way: check the posted
    text, run the service on the record, answer with the record reread in the
    caller's scope. A subclass names the record's keyword in its services, the
    selector that rereads it and the serializer of the answer."""

    record_field: str
    reread: Any
    record_serializer: Any

    def _move(self, request: Any, fn: Any, key: str, body: Any = None, field: str = "text") -> Response:
        record = self.get_object()
        text = self._validated(body or TextSerializer)[field]
        fn(actor=request.user, **{self.record_field: record, key: text})
        return Response(self.record_serializer(self.reread(request.user, record.pk)).data)


class RiskViewSet(ScopedViewSet):
    """The stability risk register. Filter with `?level=high` for the high-risk list."""

    serializer_class = RiskSerializer
    queryset = RiskAssessment.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RiskAssessment.objects.none()
        qs = selectors.risks_for_user(self.request.user).prefetch_related("level_changes__actor")
        level = self.request.query_params.get("level")
        return qs.filter(level=level) if level else qs

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = selectors.with_signals(list(page if page is not None else self.get_queryset()))
        data = RiskSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(responses=UnassessedSignalsSerializer(many=True))
    @action(detail=False, methods=["get"])
    def signals(self, request):
        """Enterprises with risk signals (open labour cases, detector alerts)
        that are not on the register yet (HQ and auditors)."""
        return Response(UnassessedSignalsSerializer(selectors.unassessed_signals(request.user), many=True).data)

    def create(self, request):
        d = self._validated(RiskSerializer)
        risk = services.risk_assess(
            actor=request.user,
            enterprise=d["enterprise"],
            level=d["level"],
            factors=d.get("factors", []),
            notes=d.get("notes", ""),
            responsible_unit=d["responsible_unit"],
            co_units=d.get("co_units", []),
            review_on=d["review_on"],
        )
        return Response(RiskSerializer(selectors.risk_for_user(request.user, risk.pk)).data, status=201)

    def partial_update(self, request, pk=None):
        risk = self.get_object()
        expected = _version(request)
        d = self._merged(risk, RiskSerializer)
        services.risk_update(
            actor=request.user,
            risk=risk,
            expected_version=expected,
            level=d["level"],
            factors=d.get("factors", risk.factors),
            notes=d.get("notes", risk.notes),
            responsible_unit=d["responsible_unit"],
            co_units=d.get("co_units", []),
            review_on=d["review_on"],
            reason=d.get("reason", ""),
        )
        return Response(RiskSerializer(selectors.risk_for_user(request.user, risk.pk)).data)


class IncidentViewSet(StatusViewSet):
    """Incidents: report (POST), update (PATCH with `version`), take in hand
    (`respond`), settle (`resolve`, `text` = outcome), report to the city
    (`escalate`, `text` = reason), follow-up actions that become tasks
    (`actions`), evidence uploads (`evidence`, multipart)."""

    queryset = Incident.objects.none()
    record_field = "incident"
    reread = staticmethod(selectors.incident_for_user)
    record_serializer = IncidentSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Incident.objects.none()
        qs = selectors.incidents_for_user(self.request.user)
        status = self.request.query_params.get("status")
        return qs.filter(status=status) if status else qs

    def get_serializer_class(self):
        return IncidentDetailSerializer if self.action == "retrieve" else IncidentSerializer

    def retrieve(self, request, pk=None):
        incident = self.get_object()
        incident = (
            Incident.objects.filter(pk=incident.pk)
            .prefetch_related("status_changes__actor", "actions__task", "evidence__file", "co_units")
            .get()
        )
        return Response(IncidentDetailSerializer(incident).data)

    def create(self, request):
        d = dict(self._validated(IncidentSerializer))
        d.pop("version", None)
        incident = services.incident_report(actor=request.user, programme=_programme(request), **d)
        return Response(IncidentSerializer(incident).data, status=201)

    def partial_update(self, request, pk=None):
        incident = self.get_object()
        expected = _version(request)
        d = self._merged(incident, IncidentSerializer)
        services.incident_update(
            actor=request.user,
            incident=incident,
            expected_version=expected,
            title=d["title"],
            place=d["place"],
            description=d["description"],
            severity=d["severity"],
            people_count=d["people_count"],
            co_units=d.get("co_units", []),
        )
        return Response(IncidentSerializer(selectors.incident_for_user(request.user, incident.pk)).data)

    @extend_schema(request=TextSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        return self._move(request, services.incident_respond, "note")

    @extend_schema(request=TextSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._move(request, services.incident_resolve, "outcome")

    @extend_schema(request=TextSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        return self._move(request, services.incident_escalate, "reason")

    @extend_schema(request=IncidentActionSerializer, responses=IncidentActionSerializer)
    @action(detail=True, methods=["post"])
    def actions(self, request, pk=None):
        incident = self.get_object()
        d = self._validated(IncidentActionSerializer)
        created = services.incident_action_add(
            actor=request.user, incident=incident, text=d["text"], unit=d["unit"], due_on=d["due_on"]
        )
        return Response(IncidentActionSerializer(created).data, status=201)

    @extend_schema(request={"multipart/form-data": IncidentEvidenceSerializer}, responses=IncidentEvidenceSerializer)
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        incident = self.get_object()
        d = self._validated(IncidentEvidenceSerializer)
        created = services.incident_evidence_add(
            actor=request.user,
            incident=incident,
            uploaded_file=d["file"],
            note=d.get("note", ""),
        )
        return Response(IncidentEvidenceSerializer(created).data, status=201)


class OpinionViewSet(StatusViewSet):
    """Public-opinion events: record (POST), update (PATCH with `version`),
    `verify`, `respond`, `close` (with the published response). `?overdue=1`
    lists those past their response deadline."""

    queryset = OpinionEvent.objects.none()
    record_field = "event"
    reread = staticmethod(selectors.opinion_for_user)
    record_serializer = OpinionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OpinionEvent.objects.none()
        qs = selectors.opinions_for_user(self.request.user)
        status = self.request.query_params.get("status")
        if status:
            qs = qs.filter(status=status)
        if self.request.query_params.get("overdue") == "1":
            qs = qs.filter(overdue=True)
        return qs

    def get_serializer_class(self):
        return OpinionDetailSerializer if self.action == "retrieve" else OpinionSerializer

    def create(self, request):
        d = dict(self._validated(OpinionSerializer))
        d.pop("version", None)
        event = services.opinion_record(actor=request.user, programme=_programme(request), **d)
        return Response(OpinionSerializer(selectors.opinion_for_user(request.user, event.pk)).data, status=201)

    def partial_update(self, request, pk=None):
        event = self.get_object()
        expected = _version(request)
        d = self._merged(event, OpinionSerializer)
        services.opinion_update(
            actor=request.user,
            event=event,
            expected_version=expected,
            title=d["title"],
            level=d["level"],
            sentiment=d["sentiment"],
            heat=d["heat"],
            url=d.get("url", ""),
            description=d.get("description", ""),
            co_units=d.get("co_units", []),
        )
        return Response(OpinionSerializer(selectors.opinion_for_user(request.user, event.pk)).data)

    @extend_schema(request=TextSerializer, responses=OpinionSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._move(request, services.opinion_verify, "note")

    @extend_schema(request=TextSerializer, responses=OpinionSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        return self._move(request, services.opinion_respond, "note")

    @extend_schema(request=CloseOpinionSerializer, responses=OpinionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._move(
            request, services.opinion_close, "published_response", CloseOpinionSerializer, "published_response"
        )


class PlanViewSet(ScopedViewSet):
    """Emergency plans: create (POST), edit (PATCH with `version`), upload a
    version (`versions`, multipart), approve a version (`approve`), record a
    drill (`drills`). The plan in force is the latest approved version."""

    queryset = EmergencyPlan.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EmergencyPlan.objects.none()
        return selectors.plans_for_user(self.request.user)

    def get_serializer_class(self):
        return PlanDetailSerializer if self.action == "retrieve" else PlanSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "list" and not getattr(self, "swagger_fake_view", False):
            context["current"] = selectors.current_versions(list(self.get_queryset()))
        return context

    def retrieve(self, request, pk=None):
        plan = self.get_object()
        plan = (
            EmergencyPlan.objects.filter(pk=plan.pk)
            .prefetch_related("responsible_units", "versions__file", "drills__plan_version")
            .get()
        )
        return Response(PlanDetailSerializer(plan).data)

    def create(self, request):
        d = self._validated(PlanSerializer)
        plan = services.plan_create(
            actor=request.user,
            programme=_programme(request),
            title=d["title"],
            scope=d["scope"],
            responsible_units=d["responsible_units"],
            contact_roles=d.get("contact_roles", ""),
        )
        return Response(PlanSerializer(plan).data, status=201)

    def partial_update(self, request, pk=None):
        plan = self.get_object()
        expected = _version(request)
        d = self._merged(plan, PlanSerializer)
        plan = services.plan_update(
            actor=request.user,
            plan=plan,
            expected_version=expected,
            title=d["title"],
            scope=d["scope"],
            responsible_units=d["responsible_units"],
            contact_roles=d.get("contact_roles", ""),
        )
        return Response(PlanSerializer(plan).data)

    @extend_schema(request={"multipart/form-data": PlanVersionSerializer}, responses=PlanVersionSerializer)
    @action(detail=True, methods=["post"])
    def versions(self, request, pk=None):
        plan = self.get_object()
        d = self._validated(PlanVersionSerializer)
        version = services.plan_version_upload(
            actor=request.user,
            plan=plan,
            uploaded_file=d["file"],
            changes=d.get("changes", ""),
        )
        return Response(PlanVersionSerializer(version).data, status=201)

    @extend_schema(request=ApproveSerializer, responses=PlanVersionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = self.get_object()
        d = self._validated(ApproveSerializer)
        version = plan.versions.filter(pk=d["version"]).first()
        if version is None:
            raise NotFound
        services.plan_version_approve(
            actor=request.user,
            version=version,
            approved_by=d["approved_by"],
            approved_on=d["approved_on"],
        )
        version.refresh_from_db()
        return Response(PlanVersionSerializer(version).data)

    @extend_schema(request=DrillSerializer, responses=DrillSerializer)
    @action(detail=True, methods=["post"])
    def drills(self, request, pk=None):
        plan = self.get_object()
        d = self._validated(DrillSerializer)
        drill = services.drill_record(
            actor=request.user,
            plan=plan,
            held_on=d["held_on"],
            findings=d["findings"],
            place=d.get("place", ""),
            participants=d.get("participants", ""),
        )
        return Response(DrillSerializer(drill).data, status=201)
