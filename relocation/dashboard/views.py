from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from relocation.dashboard import figures, history, panels, risks, selectors
from relocation.enterprises.lifecycle_models import Batch
from relocation.enterprises.models import CapitalBackground, Category, Industry, LifecycleStatus
from relocation.organisation.models import Unit


def _context(request: HttpRequest) -> tuple[Any, dict[str, str], dt.date | None]:
    if not selectors.can_view(request.user):
        raise PermissionDenied
    programme = selectors.programme_for(request.user)
    if programme is None:
        raise PermissionDenied
    params = {k: v.strip() for k, v in request.GET.items()}
    return programme, params, selectors.parse_as_of(params.get("as_of"))


def compute(
    request: HttpRequest, *, with_figures: bool = True, with_map: bool = True, fields: str = "full"
) -> dict[str, Any]:
    """For this request's filters: the figures (with_figures), and the
    enterprises with their stage and risks (with_map; `fields` names the
    columns fetched, see selectors.FIELD_SETS)."""
    programme, params, as_of = _context(request)
    scope = selectors.map_enterprises(request.user, programme, params)
    result: dict[str, Any] = {"programme": programme, "params": params, "scope": scope}
    past_statuses = None
    if with_figures:
        data = figures.board(programme=programme, scope=scope, as_of=as_of)
        past_statuses = data.pop("statuses")
        result["data"] = data
    if not with_map:
        return result
    rows = selectors.map_rows(scope, fields=fields)
    if as_of is None:
        statuses = {r["id"]: r["status"] for r in rows}
    else:
        statuses = past_statuses if past_statuses is not None else history.statuses_on(scope, as_of)
    if params.get("status"):
        statuses = {e: s for e, s in statuses.items() if s == params["status"]}
    result.update(
        enterprises=rows,
        statuses=statuses,
        risks=risks.at_risk(statuses, scope, as_of or timezone.localdate()),
    )
    return result


STAGES = [value for value, _label in LifecycleStatus.choices]


def map_layer(rows: list[dict[str, Any]], statuses: dict[int, str], risk: dict[int, list[str]]) -> dict[str, Any]:
    """The zone map's data in a compact form (one short list per enterprise),
    so that ten thousand enterprises stay a small, fast payload."""
    stage_index = {value: i for i, value in enumerate(STAGES)}
    points, parcels = [], []
    for r in rows:
        status = statuses.get(r["id"])
        if status is None or r["latitude"] is None or r["longitude"] is None:
            continue
        points.append(
            [
                r["id"],
                round(r["latitude"], 6),
                round(r["longitude"], 6),
                stage_index[status],
                len(risk.get(r["id"], ())),
                r["name"],
            ]
        )
        if r["parcel"] and r["parcel"].get("type") == "Polygon":
            parcels.append([r["id"], r["parcel"]])
    return {
        "columns": ["id", "lat", "lon", "stage", "risks", "name"],
        "stages": [
            {"status": v, "label": str(label), "colour": figures.STAGE_COLOURS[v]}
            for v, label in LifecycleStatus.choices
        ],
        "points": points,
        "parcels": parcels,
    }


def map_features(rows: list[dict[str, Any]], statuses: dict[int, str], risk: dict[int, list[str]]) -> dict[str, Any]:
    """The same enterprises as standard GeoJSON, for API clients (GIS tools)."""
    labels = {value: str(label) for value, label in LifecycleStatus.choices}
    features = []
    for r in rows:
        status = statuses.get(r["id"])
        if status is None or r["latitude"] is None or r["longitude"] is None:
            continue
        parcel = r["parcel"] or {}
        geometry = (
            parcel
            if parcel.get("type") == "Polygon"
            else {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]}
        )
        properties = {
            "id": r["id"],
            "name": r["name"],
            "status": status,
            "status_label": labels.get(status, status),
            "industry": r["industry"],
            "town": r["territorial_unit__short_name"] or r["territorial_unit__name"] or "",
            "batch": r["relocation_plan__batch_id"],
            "destination": r["relocation_plan__destination_name"] or "",
            "risks": risk.get(r["id"], []),
        }
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def board(request: HttpRequest) -> HttpResponse:
    """The battle map page (挂图作战); the map itself loads from map.json."""
    result = compute(request, fields="light")
    return render(request, "dashboard/board.html", _page_context(request, result, wall=False))


def wall(request: HttpRequest) -> HttpResponse:
    """The same figures for the HQ wall screen (1920×1080, refreshes itself)."""
    result = compute(request, fields="light")
    return render(request, "dashboard/wall.html", _page_context(request, result, wall=True))


def _page_context(request: HttpRequest, result: dict[str, Any], *, wall: bool) -> dict[str, Any]:
    data = result["data"]
    programme = result["programme"]
    names = {r["id"]: r["name"] for r in result["enterprises"]}
    labels = {value: str(label) for value, label in LifecycleStatus.choices}
    risk_rows = sorted(
        (
            {
                "id": pk,
                "name": names.get(pk, ""),
                "status": labels.get(result["statuses"].get(pk, ""), ""),
                "reasons": reasons,
            }
            for pk, reasons in result["risks"].items()
        ),
        key=lambda r: (-len(r["reasons"]), r["name"]),
    )
    today = data["as_of"]
    city = panels.city_map(programme, result["scope"], today)
    payload = {
        "city": city,
        "map_url": reverse("dashboard:map") + ("?" + request.GET.urlencode() if request.GET else ""),
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
        "city": city,
        "capacity": panels.capacity_in_use(city),
        "enforcement": panels.enforcement_this_month(programme, today),
        "reports": panels.missing_reports(programme, today),
        "categories": Category.objects.filter(is_active=True).order_by("order"),
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
    data = compute(request, with_map=False)["data"]
    return JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


def map_json(request: HttpRequest) -> JsonResponse:
    """The zone map's enterprises, coloured by stage, with their risk count."""
    result = compute(request, with_figures=False, fields="map")
    layer = map_layer(result["enterprises"], result["statuses"], result["risks"])
    return JsonResponse(layer, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


def enterprise_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The card that opens when an enterprise is clicked on the map."""
    if not selectors.can_view(request.user):
        raise PermissionDenied
    from relocation.enterprises.lifecycle import next_step
    from relocation.enterprises.selectors import enterprise_for_user

    enterprise = enterprise_for_user(request.user, pk)
    return render(request, "dashboard/_card.html", {"e": enterprise, "next": next_step(enterprise)})
