"""The base layer the app serves itself: the city from the installed
boundaries package, the deployer's towns, the zone; cached by the browser."""

from __future__ import annotations

import json
import struct

import pytest
from django.core.cache import cache
from django.urls import reverse

from relocation.dashboard import boundaries

pytestmark = pytest.mark.django_db

ZONE = {"type": "Polygon", "coordinates": [[[113.67, 22.812], [113.71, 22.812], [113.71, 22.83], [113.67, 22.812]]]}


def _square(lon, lat, size=0.05):
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]],
    }


@pytest.fixture
def towns_file(tmp_path, settings):
    path = tmp_path / "towns.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"name": "虎门镇"}, "geometry": _square(113.62, 22.78)},
                    {"type": "Feature", "properties": {"name": "长安镇"}, "geometry": _square(113.75, 22.78)},
                    # Another city's town, named as such; and one far away without a city.
                    {
                        "type": "Feature",
                        "properties": {"name": "某镇", "city": "江门市"},
                        "geometry": _square(113.6, 22.8),
                    },
                    {"type": "Feature", "properties": {"name": "远方镇"}, "geometry": _square(100.0, 30.0)},
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    settings.MAP_TOWNS_GEOJSON = str(path)
    cache.clear()
    return path


def _base(client):
    response = client.get(reverse("dashboard:base"))
    assert response.status_code == 200
    return response, response.json()["features"]


def test_the_base_layer_holds_the_city_its_towns_and_the_zone(client, programme, units, hq_staff, towns_file):
    programme.zone_geojson = ZONE
    programme.save()
    client.force_login(hq_staff)
    _response, features = _base(client)
    kinds = [(f["properties"]["kind"], f["properties"]["name"]) for f in features]
    assert kinds == [("city", "东莞市"), ("town", "虎门镇"), ("town", "长安镇"), ("zone", programme.zone_name)]
    city = features[0]["geometry"]["coordinates"][0]
    lons, lats = [p[0] for p in city], [p[1] for p in city]
    # 东莞市 spans about 113.5–114.3 E, 22.6–23.2 N; the ring is closed.
    assert 113.4 < min(lons) < 113.6 and 114.2 < max(lons) < 114.3
    assert 22.6 < min(lats) < 22.7 and 23.1 < max(lats) < 23.2
    assert city[0] == city[-1]
    own = {f["properties"]["name"]: f["properties"]["own"] for f in features if f["properties"]["kind"] == "town"}
    assert own == {"虎门镇": True, "长安镇": False}  # 虎门镇 is one of the programme's territorial units


def test_a_city_with_districts_lists_them_and_an_unknown_city_only_the_zone(client, programme, hq_staff, settings):
    settings.MAP_TOWNS_GEOJSON = ""
    names = [f["properties"]["name"] for f in boundaries.city_features("江门市")]
    assert names[0] == "江门市" and "新会区" in names and len(names) == 8
    programme.city = "江海市"  # the fictional demo city: no package knows it
    programme.zone_geojson = ZONE
    programme.save()
    cache.clear()
    client.force_login(hq_staff)
    _response, features = _base(client)
    assert [f["properties"]["kind"] for f in features] == ["zone"]


def test_the_browser_keeps_it_and_gets_304_for_the_same_version(client, programme, hq_staff, towns_file):
    client.force_login(hq_staff)
    response, _features = _base(client)
    assert "max-age" in response["Cache-Control"]
    again = client.get(reverse("dashboard:base"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    towns_file.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    import os

    os.utime(towns_file, ns=(1, 1))  # a new file: a new version
    assert client.get(reverse("dashboard:base"), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200


def test_a_broken_town_file_leaves_the_map_without_towns(client, programme, hq_staff, settings, tmp_path):
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json", encoding="utf-8")
    settings.MAP_TOWNS_GEOJSON = str(broken)
    cache.clear()
    client.force_login(hq_staff)
    _response, features = _base(client)
    assert [f["properties"]["kind"] for f in features] == ["city"]


def test_outsiders_get_no_base_layer(client, enterprise_contact):
    client.force_login(enterprise_contact)
    assert client.get(reverse("dashboard:base")).status_code == 403


def test_it_decodes_both_ways_the_package_stores_a_ring():
    def ring(points, steps):
        units = [(round((lon + 180) / 2e-6), round((lat + 90) / 2e-6)) for lon, lat in points]
        if steps:
            body = struct.pack("<II", *units[0]) + b"".join(
                struct.pack("<hh", b[0] - a[0], b[1] - a[1]) for a, b in zip(units, units[1:], strict=False)
            )
        else:
            body = b"".join(struct.pack("<II", *u) for u in units)
        return struct.pack("<I", int(steps)) + body

    def parts(blobs):
        return struct.pack("<I", len(blobs)) + b"".join(struct.pack("<I", len(b)) for b in blobs) + b"".join(blobs)

    square = [(113.6, 22.8), (113.61, 22.8), (113.61, 22.81), (113.6, 22.8)]
    polygon = struct.pack("<I", 5) + parts([ring(square, steps=True)])
    assert boundaries.decode(polygon) == {"type": "Polygon", "coordinates": [[list(p) for p in square]]}
    multi = struct.pack("<I", 6) + parts([parts([ring(square, steps=False)])])
    assert boundaries.decode(multi)["coordinates"] == [[[list(p) for p in square]]]
