"""REST API for every figure the battle map shows."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from relocation.core.api import IsStaffMember
from relocation.dashboard import panels, selectors, views

FILTER_PARAMS = [
    OpenApiParameter("category", int),
    OpenApiParameter("open_violations", str, description="1: only enterprises with an open violation"),
    OpenApiParameter("alerts", str, description="1: only enterprises with an open monitoring alert"),
    OpenApiParameter("as_of", str, description="回看日期 YYYY-MM-DD (time travel)"),
    OpenApiParameter("status", str),
    OpenApiParameter("batch", int),
    OpenApiParameter("industry", str),
    OpenApiParameter("capital_background", str),
    OpenApiParameter("town", int),
]


class IndicatorsView(APIView):
    """Countdown, shares stopped/closed/relocated, stages, batches with their
    forecasts, burn-down, overdue tasks per unit and the forecast."""

    permission_classes = [IsStaffMember]

    @extend_schema(parameters=FILTER_PARAMS, responses={200: dict})
    def get(self, request):
        return Response(views.compute(request)["data"])


class MapView(APIView):
    """The enterprises as GeoJSON features coloured by stage, with risks."""

    permission_classes = [IsStaffMember]

    @extend_schema(parameters=FILTER_PARAMS, responses={200: dict})
    def get(self, request):
        result = views.compute(request, with_figures=False)
        return Response(views.map_features(views.enterprise_rows(result, "full")))


class PanelsView(APIView):
    """The city map (receiving parks, flows, capacity gauges), enforcement
    this month, park capacity in use and missing unit reports."""

    permission_classes = [IsStaffMember]

    @extend_schema(parameters=FILTER_PARAMS, responses={200: dict})
    def get(self, request):
        result = views.compute(request, with_figures=False)
        programme = result["programme"]
        today = selectors.parse_as_of(request.query_params.get("as_of")) or timezone.localdate()
        city = panels.city_map(programme, result["scope"], today)
        return Response(
            {
                "city": city,
                "capacity_in_use": panels.capacity_in_use(city),
                "enforcement_this_month": panels.enforcement_this_month(programme, today),
                "missing_reports": panels.missing_reports(programme, today),
            }
        )


class AtRiskView(APIView):
    """Enterprises at risk of missing the deadline, with the reasons."""

    permission_classes = [IsStaffMember]

    @extend_schema(parameters=FILTER_PARAMS, responses={200: dict})
    def get(self, request):
        rows, _count = views.risk_list(views.compute(request, with_figures=False))
        return Response([{"enterprise": r["id"], "name": r["name"], "reasons": r["reasons"]} for r in rows])
