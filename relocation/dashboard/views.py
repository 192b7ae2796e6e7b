from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from relocation.dashboard import figures, risks, selectors
from relocation.enterprises.lifecycle_models import Batch
from relocation.enterprises.models import CapitalBackground, Industry, LifecycleStatus
from relocation.organisation.models import Unit


def _context(request: HttpRequest) -> tuple[Any, dict[str, str], dt.date | None]:
    if not selectors.can_view(request.user):
        raise PermissionDenied
    programme = selectors.programme_for(request.user)
    if programme is None:
        raise PermissionDenied
    params = {k: v.strip() for k, v in request.GET.items()}
    return programme, params, selectors.parse_as_of(params.get("as_of"))


def compute(request: HttpRequest) -> dict[str, Any]:
    """The figures and the filtered enterprises for this request's filters."""
    programme, params, as_of = _context(request)
    enterprises = list(selectors.map_enterprises(request.user, programme, params))
    data = figures.board(programme=programme, enterprises=enterprises, as_of=as_of)
    statuses = data.pop("statuses")
    if params.get("status"):
        statuses = {e: s for e, s in statuses.items() if s == params["status"]}
    data["risks"] = risks.at_risk(statuses, data["as_of"])
    return {"programme": programme, "params": params, "enterprises": enterprises, "statuses": statuses, "data": data}


def map_features(enterprises: list[Any], statuses: dict[int, str], risk: dict[int, list[str]]) -> dict[str, Any]:
    labels = dict(LifecycleStatus.choices)
    features = []
    for e in enterprises:
        status = statuses.get(e.pk)
        if status is None or e.latitude is None or e.longitude is None:
            continue
        plan = getattr(e, "relocation_plan", None)
        features.append(
            {
                "type": "Feature",
                "geometry": e.parcel
                if e.parcel.get("type") == "Polygon"
                else {"type": "Point", "coordinates": [e.longitude, e.latitude]},
                "properties": {
                    "id": e.pk,
                    "name": e.name,
                    "status": status,
                    "status_label": str(labels.get(status, status)),
                    "colour": figures.STAGE_COLOURS.get(status, "#999"),
                    "industry": e.industry,
                    "town": str(e.territorial_unit or ""),
                    "batch": plan.batch_id if plan else None,
                    "destination": plan.destination_name if plan else "",
                    "risks": risk.get(e.pk, []),
                    "lat": e.latitude,
                    "lon": e.longitude,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def board(request: HttpRequest) -> HttpResponse:
    """The battle map page (挂图作战)."""
    result = compute(request)
    return render(request, "dashboard/board.html", _page_context(request, result, wall=False))


def wall(request: HttpRequest) -> HttpResponse:
    """The same figures for the HQ wall screen (1920×1080, refreshes itself)."""
    result = compute(request)
    return render(request, "dashboard/wall.html", _page_context(request, result, wall=True))


def _page_context(request: HttpRequest, result: dict[str, Any], *, wall: bool) -> dict[str, Any]:
    data = result["data"]
    programme = result["programme"]
    features = map_features(result["enterprises"], result["statuses"], data["risks"])
    risk_rows = sorted(
        (
            {
                "id": f["properties"]["id"],
                "name": f["properties"]["name"],
                "status": f["properties"]["status_label"],
                "reasons": f["properties"]["risks"],
            }
            for f in features["features"]
            if f["properties"]["risks"]
        ),
        key=lambda r: (-len(r["reasons"]), r["name"]),
    )
    payload = {
        "features": features,
        "zone": programme.zone_geojson,
        "center": [programme.center_lat or 22.82, programme.center_lon or 113.69],
        "stages": data["stages"],
        "burn_down": data["burn_down"],
        "batches": [
            {"name": b["name"], "done_pct": b["done_pct"], "stopped_pct": b["stopped_pct"]} for b in data["batches"]
        ],
        "overdue_tasks": data["overdue_tasks"],
        "tile_url": settings.MAP_TILE_URL,
        "refresh_seconds": 60 if wall else 0,
    }
    return {
        "programme": programme,
        "data": data,
        "params": result["params"],
        "risk_rows": risk_rows[:50],
        "risk_count": len(risk_rows),
        "payload": json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False),
        "statuses": LifecycleStatus.choices,
        "industries": Industry.choices,
        "backgrounds": CapitalBackground.choices,
        "batches": Batch.objects.filter(programme=programme).order_by("deadline"),
        "towns": Unit.objects.filter(programme=programme, is_territorial=True),
        "today": timezone.localdate(),
    }


def data_json(request: HttpRequest) -> JsonResponse:
    """Every figure of the page as JSON (the page's own data endpoint)."""
    result = compute(request)
    data = result["data"]
    data["map"] = map_features(result["enterprises"], result["statuses"], data["risks"])
    data["risks"] = {str(k): v for k, v in data["risks"].items()}
    return JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


def enterprise_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The card that opens when an enterprise is clicked on the map."""
    if not selectors.can_view(request.user):
        raise PermissionDenied
    from relocation.enterprises.lifecycle import next_step
    from relocation.enterprises.selectors import enterprise_for_user

    enterprise = enterprise_for_user(request.user, pk)
    return render(request, "dashboard/_card.html", {"e": enterprise, "next": next_step(enterprise)})
