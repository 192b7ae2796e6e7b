from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import map_layers
from relocation.dashboard import base_layer, figures, history, layer, panels, risks, selectors
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


def _time_travel_paused_gc(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Runs a view asking for a past date with the cyclic collector paused
    (see history.collector_paused); today's views hold few objects."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.GET.get("as_of"):
            return view(request, *args, **kwargs)
        with history.collector_paused():
            return view(request, *args, **kwargs)

    return wrapper


def compute(request: HttpRequest, *, with_figures: bool = True) -> dict[str, Any]:
    """The programme, filters, date and scoped enterprises of this request,
    and (with_figures) every figure of the page."""
    programme, params, as_of = _context(request)
    scope = selectors.map_enterprises(request.user, programme, params)
    result: dict[str, Any] = {"programme": programme, "params": params, "as_of": as_of, "scope": scope}
    if with_figures:
        data = figures.board(programme=programme, scope=scope, as_of=as_of)
        result["past_statuses"] = data.pop("statuses")
        result["data"] = data
    return result


def _past_statuses(result: dict[str, Any]) -> dict[int, str]:
    """Stages on the requested past date (reusing the figures' replay), narrowed by the status filter."""
    statuses = result.get("past_statuses")
    if statuses is None:
        statuses = history.statuses_on(result["scope"], result["as_of"])
    wanted = result["params"].get("status")
    return {e: s for e, s in statuses.items() if s == wanted} if wanted else statuses


def _today_scope(result: dict[str, Any]) -> Any:
    wanted = result["params"].get("status")
    return result["scope"].filter(status=wanted) if wanted else result["scope"]


def risk_list(result: dict[str, Any], limit: int | None = None) -> tuple[list[dict[str, Any]], int]:
    """The enterprises at risk ({id, name, status, reasons}), most reasons
    first, then by name: up to `limit` of them, and how many in all."""
    if result["as_of"] is None:
        return risks.ranked(_today_scope(result), timezone.localdate(), limit)
    statuses = _past_statuses(result)
    risk = risks.at_risk(statuses, result["scope"], result["as_of"])
    names = dict(result["scope"].values_list("id", "name")) if risk else {}
    ranked = risks.rank(risk, names)
    rows = [
        {"id": pk, "name": names.get(pk, ""), "status": statuses[pk], "reasons": reasons}
        for pk, reasons in (ranked if limit is None else ranked[:limit])
    ]
    return rows, len(ranked)


def enterprise_rows(result: dict[str, Any], fields: str) -> list[dict[str, Any]]:
    """The enterprises (columns `fields`, see selectors.FIELD_SETS) with their
    stage on the requested date as "status" and their risk reasons as "risks"."""
    if result["as_of"] is None:
        qs = risks.annotate(_today_scope(result), timezone.localdate())
        rows = list(qs.order_by("id").values(*selectors.FIELD_SETS[fields], *risks.COLUMNS))
        for r in rows:
            r["risks"] = risks.reasons_of(r)
        return rows
    statuses = _past_statuses(result)
    risk = risks.at_risk(statuses, result["scope"], result["as_of"])
    rows = [r for r in selectors.map_rows(result["scope"], fields=fields) if r["id"] in statuses]
    for r in rows:
        r["status"] = statuses[r["id"]]
        r["risks"] = risk.get(r["id"], [])
    return rows


def map_points(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    """selectors.MAP_FIELDS plus the number of risk reasons, per enterprise, as
    tuples (for layer.layer; map.json sends today's layer written by the
    database, layer.layer_json)."""
    if result["as_of"] is None:
        qs = risks.annotate(_today_scope(result), timezone.localdate())
        return list(qs.order_by("id").values_list(*selectors.MAP_FIELDS, "risk_count"))
    statuses = _past_statuses(result)
    risk = risks.at_risk(statuses, result["scope"], result["as_of"])
    return [
        (pk, lat, lon, statuses[pk], name, parcel, len(risk.get(pk, ())))
        for pk, lat, lon, _status, name, parcel in result["scope"].order_by("id").values_list(*selectors.MAP_FIELDS)
        if pk in statuses
    ]


def map_features(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The same enterprises as standard GeoJSON, for API clients (GIS tools)."""
    labels = {value: str(label) for value, label in LifecycleStatus.choices}
    features = []
    for r in rows:
        status = r["status"]
        if r["latitude"] is None or r["longitude"] is None:
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
            "risks": r["risks"],
        }
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


@_time_travel_paused_gc
def board(request: HttpRequest) -> HttpResponse:
    """The battle map page (挂图作战); the map itself loads from map.json."""
    result = compute(request)
    return render(request, "dashboard/board.html", _page_context(request, result, wall=False))


@_time_travel_paused_gc
def wall(request: HttpRequest) -> HttpResponse:
    """The same figures for the HQ wall screen (1920×1080, refreshes itself)."""
    result = compute(request)
    return render(request, "dashboard/wall.html", _page_context(request, result, wall=True))


def _tile_sources() -> dict[str, Any] | None:
    """An intranet GIS's tiles (e.g. 天地图政务版) when the deployer set them; off by default."""
    if not settings.MAP_TILE_URL:
        return None
    return {
        "url": settings.MAP_TILE_URL,
        "labels_url": settings.MAP_TILE_LABEL_URL,
        "subdomains": settings.MAP_TILE_SUBDOMAINS,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "max_zoom": settings.MAP_TILE_MAX_ZOOM,
    }


RISK_ROWS = 50  # the page lists the riskiest; the API lists all


def _page_context(request: HttpRequest, result: dict[str, Any], *, wall: bool) -> dict[str, Any]:
    data = result["data"]
    programme = result["programme"]
    labels = {value: str(label) for value, label in LifecycleStatus.choices}
    # The wall screen has no room for the risk list.
    risk_rows, risk_count = ([], 0) if wall else risk_list(result, limit=RISK_ROWS)
    for r in risk_rows:
        r["status"] = labels.get(r["status"], "")
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
        "base_url": reverse("dashboard:base"),
        "layers_url": reverse("dashboard:layers"),
        "tiles": _tile_sources(),
        "refresh_seconds": 60 if wall else 0,
        "labels": {"actual": _("实际剩余"), "plan": _("计划剩余")},
    }
    return {
        "programme": programme,
        "data": data,
        "params": result["params"],
        "risk_rows": risk_rows,
        "city": city,
        "capacity": panels.capacity_in_use(city),
        "enforcement": panels.enforcement_this_month(programme, today),
        "reports": panels.missing_reports(programme, today),
        "categories": Category.objects.filter(is_active=True).order_by("order"),
        "risk_count": risk_count,
        # Rendered with json_script, which escapes <, > and & so no name can close the tag.
        "payload": payload,
        "statuses": LifecycleStatus.choices,
        "industries": Industry.choices,
        "backgrounds": CapitalBackground.choices,
        "batches": Batch.objects.filter(programme=programme).order_by("deadline"),
        "towns": Unit.objects.filter(programme=programme, is_territorial=True),
        "today": timezone.localdate(),
    }


@_time_travel_paused_gc
def data_json(request: HttpRequest) -> JsonResponse:
    """Every figure of the page as JSON (the page's own data endpoint)."""
    data = compute(request)["data"]
    return JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


@_time_travel_paused_gc
def map_json(request: HttpRequest) -> HttpResponse:
    """The zone map's enterprises, coloured by stage, with their risk count."""
    result = compute(request, with_figures=False)
    if result["as_of"] is None:
        text = layer.layer_json(_today_scope(result), timezone.localdate())
        return HttpResponse(text, content_type="application/json")
    data = layer.layer(map_points(result))
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


def layers_json(request: HttpRequest) -> JsonResponse:
    """The layers other apps add to the battle map (core.map_layers): workers,
    the public channel, contaminated sites, stability, alerts, each read
    through its own app's scoped selectors, with its headline figures."""
    programme, _params, _as_of = _context(request)
    return JsonResponse(
        {"layers": map_layers.collect(request.user, programme)},
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False},
    )


def base_json(request: HttpRequest) -> HttpResponse:
    """The base layer under both maps (city, districts, towns, zone): static
    for a programme, so the browser keeps it and asks again with its version."""
    programme, _params, _as_of = _context(request)
    text, tag = base_layer.cached_json(programme)
    etag = f'"{tag}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(text, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=86400"
    return response


def enterprise_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The card that opens when an enterprise is clicked on the map."""
    if not selectors.can_view(request.user):
        raise PermissionDenied
    from relocation.enterprises.lifecycle import next_step
    from relocation.enterprises.selectors import enterprise_for_user

    enterprise = enterprise_for_user(request.user, pk)
    return render(request, "dashboard/_card.html", {"e": enterprise, "next": next_step(enterprise)})
