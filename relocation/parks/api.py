"""REST API of receiving parks, capacity, allocation proposals, procedures
and incentives — scoped exactly like the pages (selectors.py).

The serializers (what each record looks like on the wire) are in
api_serializers; this module holds the viewsets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from relocation.core.roles import is_hq_editor
from relocation.enterprises.models import Enterprise
from relocation.parks import incentives, selectors, services, streams
from relocation.parks.api_serializers import (
    AllocationSerializer,
    BulkConfirmSerializer,
    DecisionSerializer,
    DemandSerializer,
    FactorySerializer,
    GrantDecisionSerializer,
    GrantSerializer,
    ParkSerializer,
    ParkWriteSerializer,
    PaymentSerializer,
    PolicySerializer,
    ProcedureItemSerializer,
    ProcedureMoveSerializer,
    ProposalSerializer,
    ResourceCapacitySerializer,
    TreatmentFacilitySerializer,
)
from relocation.parks.models import (
    Allocation,
    AllocationStatus,
    Factory,
    Grant,
    Park,
    Policy,
    ProcedureItem,
    Proposal,
    TreatmentFacility,
)


def _deadline(request: Request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.query_params.get("deadline", ""))
    except ValueError:
        programme = selectors.programme_for(request.user)
        return programme.deadline if programme else timezone.localdate()


class ParkViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Receiving parks (HQ and member units). `capacity` gives used / committed /
    free per resource and the alarm against `?deadline=YYYY-MM-DD`. HQ
    registers a park (POST) and edits it (PATCH with the `version` it read)."""

    serializer_class = ParkSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=ParkWriteSerializer, responses={201: ParkSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        if not is_hq_editor(request.user):
            raise PermissionDenied
        body = ParkWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        missing = [k for k in ("code", "name", "town_unit", "industries") if k not in data]
        if missing:
            raise serializers.ValidationError({k: "必填 / required" for k in missing})
        park = services.park_create(
            actor=request.user,
            programme=selectors.programme_for(request.user),
            code=data["code"],
            name=data["name"],
            town_unit=data["town_unit"],
            industries=data["industries"],
            land_area_m2=data.get("land_area_m2", Decimal(0)),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            notes=data.get("notes", ""),
            factories=data.get("factories", []),
            facilities=data.get("facilities", []),
            quotas={k: v for k, v in data.get("quotas", {}).items() if v is not None},
        )
        return Response(ParkSerializer(self.get_queryset().get(pk=park.pk)).data, status=201)

    @extend_schema(request=ParkWriteSerializer, responses=ParkSerializer)
    def partial_update(self, request: Request, *args, **kwargs) -> Response:
        park = self.get_object()
        if not is_hq_editor(request.user):
            raise PermissionDenied
        body = ParkWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "version" not in data:
            raise serializers.ValidationError({"version": "请提供读取时的版本号 / version is required"})
        if "code" in data and data["code"] != park.code:
            raise serializers.ValidationError({"code": "园区代码登记后不可修改 / the code cannot change"})
        services.park_update(
            actor=request.user,
            park=park,
            expected_version=data["version"],
            values={k: data[k] for k in services.PARK_FIELDS if k in data},
            factories=data.get("factories", []),
            facilities=data.get("facilities", []),
            quotas=data.get("quotas"),
        )
        return Response(ParkSerializer(self.get_queryset().get(pk=park.pk)).data)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Park.objects.none()
        if not selectors.can_read_parks(self.request.user):
            raise PermissionDenied
        return selectors.parks_for_user(self.request.user).prefetch_related(
            "factories", "facilities", "metal_quotas", "eia_milestones"
        )

    @extend_schema(
        parameters=[OpenApiParameter("deadline", str, description="YYYY-MM-DD")],
        responses=ResourceCapacitySerializer(many=True),
    )
    @action(detail=True)
    def capacity(self, request: Request, pk: str | None = None) -> Response:
        park = self.get_object()
        cap = selectors.capacity_of([park], deadline=_deadline(request))[park.pk]
        return Response(ResourceCapacitySerializer(cap.rows(), many=True).data)


class ParkLineViewSet(viewsets.ReadOnlyModelViewSet):
    """The lines (`model`: factory units or treatment facilities) of the parks
    the user may see; the subclasses name the model, serializer and docs."""

    model: type[Factory] | type[TreatmentFacility]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return self.model.objects.none()
        if not selectors.can_read_parks(self.request.user):
            raise PermissionDenied
        return self.model.objects.filter(park__in=selectors.parks_for_user(self.request.user))


class FactoryViewSet(ParkLineViewSet):
    """Factory units of the parks the user may see."""

    model = Factory
    serializer_class = FactorySerializer


class FacilityViewSet(ParkLineViewSet):
    """Treatment facilities of the parks the user may see."""

    model = TreatmentFacility
    serializer_class = TreatmentFacilitySerializer


def _demand_data(enterprise: Enterprise) -> dict:
    demand = selectors.demand_of(enterprise)
    data = {f"{s}_t_per_day": demand[s] for s in streams.STREAMS}
    data.update(
        enterprise=enterprise.pk,
        floor_area_m2=demand[streams.FLOOR_AREA],
        preferred_parks=selectors.preferred_park_ids(enterprise),
        is_derived=not hasattr(enterprise, "park_demand"),
    )
    return data


class DemandViewSet(viewsets.ViewSet):
    """Park demand of the enterprises intending to move to a park; HQ may PUT
    new figures (they replace the derived ones). The id is the enterprise id."""

    serializer_class = DemandSerializer

    def _enterprises(self):
        if not selectors.can_read_parks(self.request.user):
            raise PermissionDenied
        return selectors.demand_enterprises(self.request.user)

    @extend_schema(responses=DemandSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response(DemandSerializer([_demand_data(e) for e in self._enterprises()], many=True).data)

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)], responses=DemandSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        enterprise = get_object_or_404(self._enterprises(), pk=pk)
        return Response(DemandSerializer(_demand_data(enterprise)).data)

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        request=DemandSerializer,
        responses=DemandSerializer,
    )
    def update(self, request: Request, pk: str | None = None) -> Response:
        enterprise = get_object_or_404(self._enterprises(), pk=pk)
        serializer = DemandSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        parks = list(selectors.parks_for_user(request.user).filter(pk__in=data["preferred_parks"]))
        services.demand_save(
            actor=request.user,
            enterprise=enterprise,
            values={k: data.get(k, 0) for k in services.DEMAND_FIELDS},
            preferred_parks=parks,
        )
        enterprise = get_object_or_404(self._enterprises(), pk=pk)
        return Response(DemandSerializer(_demand_data(enterprise)).data)


class ProposalViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Allocation proposals (HQ). Create = run the optimiser in the background;
    `confirm` confirms the listed allocations (all proposed ones if none listed)."""

    serializer_class = ProposalSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Proposal.objects.none()
        if not selectors.can_read_allocations(self.request.user):
            raise PermissionDenied
        return selectors.proposals_for_user(self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        if not selectors.can_read_allocations(request.user):
            raise PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = services.proposal_start(
            actor=request.user,
            programme=selectors.programme_for(request.user),
            time_limit=serializer.validated_data.get("time_limit", 60.0),
        )
        return Response(self.get_serializer(proposal).data, status=202)

    @extend_schema(request=BulkConfirmSerializer, responses=AllocationSerializer(many=True))
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        proposal = self.get_object()
        body = BulkConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        qs = proposal.allocations.filter(status=AllocationStatus.PROPOSED).select_related("enterprise", "park")
        if body.validated_data.get("allocations"):
            qs = qs.filter(pk__in=body.validated_data["allocations"])
        done, errors = services.allocations_confirm_bulk(actor=request.user, allocations=list(qs))
        return Response({"confirmed": AllocationSerializer(done, many=True).data, "errors": errors})


class AllocationViewSet(viewsets.ReadOnlyModelViewSet):
    """Allocations (HQ). POST `confirm` or `reject` (with a reason) on one."""

    serializer_class = AllocationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Allocation.objects.none()
        if not selectors.can_read_allocations(self.request.user):
            raise PermissionDenied
        qs = selectors.allocations_for_user(self.request.user)
        status = self.request.query_params.get("status")
        return qs.filter(status=status) if status else qs

    def _decide(self, request: Request, decide: Callable[..., Allocation]) -> Response:
        """Confirm and reject take the same body (a reason) and answer alike."""
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        allocation = decide(actor=request.user, allocation=self.get_object(), reason=body.validated_data["reason"])
        return Response(AllocationSerializer(allocation).data)

    @extend_schema(request=DecisionSerializer, responses=AllocationSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, services.allocation_confirm)

    @extend_schema(request=DecisionSerializer, responses=AllocationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, services.allocation_reject)


class ProcedureItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Procedure items: HQ sees all, a unit its own, an enterprise contact its
    enterprise's. `?attention=1` lists blocked and late items. POST `move`."""

    serializer_class = ProcedureItemSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ProcedureItem.objects.none()
        if not selectors.can_read_procedures(self.request.user):
            raise PermissionDenied
        qs = selectors.procedure_items_for_user(self.request.user)
        if self.request.query_params.get("attention"):
            qs = selectors.attention_items(qs)
        enterprise = self.request.query_params.get("enterprise", "")
        if enterprise.isdigit():
            qs = qs.filter(enterprise_id=int(enterprise))
        return qs.order_by("due_on", "id")

    @extend_schema(request=ProcedureMoveSerializer, responses=ProcedureItemSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        body = ProcedureMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.procedure_item_move(actor=request.user, item=self.get_object(), **body.validated_data)
        return Response(ProcedureItemSerializer(item).data)


class PolicyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Incentive policies (HQ), with the total committed, pending and paid."""

    serializer_class = PolicySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Policy.objects.none()
        if not selectors.can_read_incentives(self.request.user):
            raise PermissionDenied
        return selectors.policies_for_user(self.request.user)

    def list(self, request: Request, *args, **kwargs) -> Response:
        policies = list(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(policies)
        rows = page if page is not None else policies
        context = {**self.get_serializer_context(), "totals": selectors.totals_by_policy([p.pk for p in rows])}
        data = PolicySerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def create(self, request: Request, *args, **kwargs) -> Response:
        if not selectors.can_read_incentives(request.user):
            raise PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        policy = incentives.policy_create(
            actor=request.user, programme=selectors.programme_for(request.user), **serializer.validated_data
        )
        return Response(self.get_serializer(policy).data, status=201)


class GrantViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Grants (HQ). Create computes one (pending) with the production-stop date
    from the enterprise's lifecycle history (`production_stop_source` says where
    it came from); `decide` approves or rejects (not by its creator); `pay`
    records a payment."""

    serializer_class = GrantSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Grant.objects.none()
        if not selectors.can_read_incentives(self.request.user):
            raise PermissionDenied
        return selectors.grants_for_user(self.request.user).prefetch_related("payments")

    def create(self, request: Request, *args, **kwargs) -> Response:
        if not is_hq_editor(request.user):
            raise PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        policy = selectors.policy_for_user(request.user, data["policy"].pk)
        grant = incentives.grant_create(
            actor=request.user,
            policy=policy,
            enterprise=data["enterprise"],
            production_stopped_on=data.get("production_stopped_on"),
            stop_override_reason=data.get("stop_override_reason", ""),
        )
        return Response(self.get_serializer(grant).data, status=201)

    @extend_schema(request=GrantDecisionSerializer, responses=GrantSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        body = GrantDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        grant = incentives.grant_decide(actor=request.user, grant=self.get_object(), **body.validated_data)
        return Response(self.get_serializer(grant).data)

    @extend_schema(request=PaymentSerializer, responses=PaymentSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str | None = None) -> Response:
        body = PaymentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payment = incentives.payment_record(actor=request.user, grant=self.get_object(), **body.validated_data)
        return Response(PaymentSerializer(payment).data, status=201)
