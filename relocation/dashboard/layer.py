"""The zone map's layer (map.json): one short list per enterprise, so that
ten thousand enterprises stay a small, fast payload.

Today's layer is written by the database as JSON text (`layer_json`): a
Python object per enterprise would cost more than the query, and the
garbage collector's passes over ten thousand live rows made the response
time jumpy. A past date (time travel) needs the stages rebuilt from
history in Python, so `layer` builds the same structure from tuples."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import Aggregate, Case, F, FloatField, Func, IntegerField, QuerySet, TextField, Value, When

from relocation.dashboard import figures, risks
from relocation.enterprises.models import LifecycleStatus

STAGES = [value for value, _label in LifecycleStatus.choices]
COLUMNS = ["id", "lat", "lon", "stage", "risks", "name"]
PRECISION = 6  # decimal places of a coordinate: about 0.1 m


def _header() -> dict[str, Any]:
    return {
        "columns": COLUMNS,
        "stages": [
            {"status": v, "label": str(label), "colour": figures.STAGE_COLOURS[v]}
            for v, label in LifecycleStatus.choices
        ],
    }


def layer(points: list[tuple[Any, ...]]) -> dict[str, Any]:
    """The layer from (id, latitude, longitude, status, name, parcel, number
    of risk reasons) tuples (see views.map_points)."""
    stage_index = {value: i for i, value in enumerate(STAGES)}
    located = [p for p in points if p[1] is not None and p[2] is not None]
    return {
        **_header(),
        "points": [
            [pk, round(lat, PRECISION), round(lon, PRECISION), stage_index[status], n, name]
            for pk, lat, lon, status, name, _parcel, n in located
        ],
        "parcels": [[pk, parcel] for pk, _lat, _lon, _status, _name, parcel, _n in located if _is_polygon(parcel)],
    }


def _is_polygon(parcel: Any) -> bool:
    return isinstance(parcel, dict) and parcel.get("type") == "Polygon"


class JSONRows(Aggregate):
    """Every row's JSON value in one JSON array, as text (so that the driver
    hands over one string instead of decoding it into objects)."""

    function = "JSON_AGG"
    template = "CAST(%(function)s(%(expressions)s) AS text)"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


class JSONList(Func):
    """A JSON array of the given values. Django's JSONArray builds JSONB on
    PostgreSQL, which costs twice as much here and only to be turned back
    into text."""

    function = "JSON_ARRAY"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_BUILD_ARRAY", **extra_context)


class Coordinate(Func):
    """A coordinate rounded to PRECISION decimal places. Float arithmetic on
    PostgreSQL: ROUND(x, n) wants a numeric, and converting is slow."""

    template = f"ROUND(%(expressions)s, {PRECISION})"
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra_context):
        scale = f"1e{PRECISION}::float8"
        return self.as_sql(
            compiler, connection, template=f"ROUND(%(expressions)s * {scale}) / {scale}", **extra_context
        )


class StoredJSON(Func):
    """A JSONField column as a JSON value inside JSON_ARRAY (SQLite stores it
    as text, which would otherwise be embedded as a string)."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="JSON(%(expressions)s)", **extra_context)


def _stage_index() -> Case:
    return Case(
        *(When(status=value, then=Value(i)) for i, value in enumerate(STAGES)),
        default=Value(None),
        output_field=IntegerField(),
    )


def layer_json(scope: QuerySet, today: dt.date) -> str:
    """`layer` for today's stages and risks, as JSON text written by the
    database (two aggregate queries, nothing per enterprise in Python)."""
    located = risks.annotate(scope, today).filter(latitude__isnull=False, longitude__isnull=False)
    points = located.aggregate(
        rows=JSONRows(
            JSONList(
                "id",
                Coordinate("latitude"),
                Coordinate("longitude"),
                _stage_index(),
                "risk_count",
                "name",
            )
        )
    )["rows"]
    parcels = (
        scope.filter(latitude__isnull=False, longitude__isnull=False, parcel__type="Polygon")
        .order_by()
        .aggregate(rows=JSONRows(JSONList("id", StoredJSON(F("parcel")))))["rows"]
    )
    header = json.dumps(_header(), ensure_ascii=False, separators=(",", ":"))
    return f'{header[:-1]},"points":{points or "[]"},"parcels":{parcels or "[]"}}}'
