"""Two programmes side by side: the people of one never see the other.

Both programmes are loaded from their own files (Zone B and the fictional
second programme, whose units carry other codes), each with a few
enterprises. For HQ staff, a unit liaison and an enterprise contact of each
programme, the test walks every page reachable from the home page (two links
deep) and every API list, and fails on a server error or on any name of the
other programme: its zone, city, programme, units or enterprises.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from relocation.conftest import make_user, valid_credit_code
from relocation.core.roles import Role
from relocation.organisation import functions
from relocation.organisation.models import Body, Position, Programme, Unit
from relocation.organisation.services import programme_load

PROGRAMMES = Path(__file__).resolve().parents[1] / "programmes"
# Pages that change state on GET-less forms or stream large files; the walk stays on plain pages.
SKIP = re.compile(r"(logout|/export|\.pdf|pdf/|\.xlsx|/download|/api/docs|/api/schema|/static/|/media/|wall)")
MAX_PAGES = 160


def _load(name: str) -> Programme:
    return programme_load(actor=None, config=json.loads((PROGRAMMES / f"{name}.json").read_text(encoding="utf-8")))


def _generic_words() -> set[str]:
    """Names that any programme may show as labels (a unit named exactly like
    its function, 现场指挥部, …): not evidence of a leak."""
    words = {str(label) for _v, label in functions.UnitFunction.choices}
    words |= {str(label) for _v, label in Unit.Kind.choices}
    words |= {str(label) for _v, label in Body.choices} | {str(label) for _v, label in Position.choices}
    return words


def _own_text(programme: Programme) -> str:
    """Everything a programme's own pages may legitimately show."""
    parts = [programme.name, programme.zone_name, programme.city, programme.goal]
    for unit in programme.units.all():
        parts += [unit.name, unit.short_name, unit.duties]
    return "\n".join(parts)


def _names_of(programme: Programme, viewer: Programme) -> tuple[set[str], set[str]]:
    """The other programme's names that must not reach `viewer`'s users: all of
    them, and the programme-level ones alone (zone, city, programme), which the
    installation-wide user guide must not use either."""
    from relocation.enterprises.models import Enterprise

    top = {programme.name, programme.zone_name, programme.city}
    names = set(top)
    for unit in programme.units.all():
        names |= {unit.name, unit.short_name}
    names |= set(Enterprise.objects.filter(programme=programme).values_list("name", flat=True))
    generic = _generic_words()
    own = _own_text(viewer)

    def telling(name: str) -> bool:
        # A short name that is part of a generic label (宣传部 of 宣传部门) or of
        # the viewer's own words (综合执法局 of 城市管理和综合执法局) proves nothing.
        return len(name) >= 3 and not any(name in word for word in generic) and name not in own

    return {n for n in names if n and telling(n)}, {n for n in top if n and telling(n)}


def _enterprise(programme: Programme, town: Unit, name: str, n: int) -> Any:
    from decimal import Decimal

    from relocation.enterprises.models import Enterprise

    e = Enterprise(
        programme=programme,
        name=name,
        credit_code=valid_credit_code(n),
        territorial_unit=town,
        industry="electroplating",
        processes=["zinc"],
        workers_count=40,
        floor_area_m2=Decimal("900"),
        wastewater_t_per_day=Decimal("20"),
        contact_phone="13812345678",
        latitude=programme.center_lat,
        longitude=programme.center_lon,
    )
    e.search_text = e.build_search_text()
    e.save()
    return e


@pytest.fixture
def two_programmes(db):
    from relocation.enterprises.models import EnterpriseContact

    world: dict[str, dict[str, Any]] = {}
    for key, file, hq_code, town_code, names in [
        ("a", "humen_zone_b", "hq", "humen", ["东莞市甲号电镀有限公司", "东莞市乙号印染有限公司"]),
        ("b", "jianghai_lingang", "zb", "lgjd", ["江海市丙号表面处理有限公司", "江海市丁号漂染有限公司"]),
    ]:
        programme = _load(file)
        units = {u.code: u for u in programme.units.all()}
        base = 100 if key == "a" else 200
        enterprises = [_enterprise(programme, units[town_code], n, base + i) for i, n in enumerate(names)]
        contact = make_user(f"{key}_contact", Role.ENTERPRISE_CONTACT)
        EnterpriseContact.objects.create(user=contact, enterprise=enterprises[0])
        world[key] = {
            "programme": programme,
            "hq": make_user(f"{key}_hq", Role.HQ_STAFF, units[hq_code]),
            "liaison": make_user(f"{key}_liaison", Role.UNIT_LIAISON, units[town_code]),
            "contact": contact,
            "enterprises": enterprises,
        }
    for key, other in (("a", "b"), ("b", "a")):
        world[key]["foreign_names"], world[key]["foreign_programme_names"] = _names_of(
            world[other]["programme"], world[key]["programme"]
        )
    return world


def _links(html: str) -> list[str]:
    return [h for h in re.findall(r'href="(/[^"#]*)"', html) if not SKIP.search(h)]


def _walk(client: Client, start: str = "/", depth: int = 2) -> dict[str, str]:
    """GET every same-site page reachable from `start` within `depth` links: path → body."""
    seen: dict[str, str] = {}
    frontier = [start]
    for _level in range(depth + 1):
        following: list[str] = []
        for url in frontier:
            if url in seen or len(seen) >= MAX_PAGES:
                continue
            response = client.get(url)
            assert response.status_code < 500, (url, response.status_code)
            body = response.content.decode("utf-8", "replace") if response.status_code == 200 else ""
            seen[url] = body
            if "text/html" in response.get("Content-Type", ""):
                following += _links(body)
        frontier = following
    return seen


def _api_lists() -> list[str]:
    """Every API route without a parameter (the lists and summaries)."""

    def walk(resolver: Any, prefix: str = "") -> Any:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    paths = set()
    for pattern in walk(get_resolver()):
        if not pattern.startswith("api/") or "<" in pattern or "(?P" in pattern:
            continue
        path = "/" + pattern.replace("^", "").replace("$", "").replace("\\.", ".")
        if not SKIP.search(path):
            paths.add(path)
    return sorted(paths)


def _leaks(pages: dict[str, str], names: set[str], programme_names: set[str]) -> list[tuple[str, str]]:
    """The user guide is the installation's, not a programme's: it may cite the
    plan's unit names as examples, but never another programme's zone or city."""
    return sorted(
        {
            (url, name)
            for url, body in pages.items()
            for name in (programme_names if url.startswith("/guide/") else names)
            if name in body
        }
    )


@pytest.mark.django_db
@pytest.mark.parametrize("side", ["a", "b"])
@pytest.mark.parametrize("persona", ["hq", "liaison", "contact"])
def test_it_shows_nobody_the_other_programme(two_programmes, side, persona):
    me = two_programmes[side]
    client = Client()
    client.force_login(me[persona])
    pages = _walk(client)
    assert len(pages) > (10 if persona != "contact" else 2), sorted(pages)
    for url in _api_lists():
        response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code == 200:
            pages[url] = response.content.decode("utf-8", "replace")
    leaks = _leaks(pages, me["foreign_names"], me["foreign_programme_names"])
    assert not leaks, "\n".join(f"{url}: {name}" for url, name in leaks)


@pytest.mark.django_db
@pytest.mark.parametrize("side", ["a", "b"])
def test_the_other_programmes_objects_are_a_404(two_programmes, side):
    me, other = two_programmes[side], two_programmes["b" if side == "a" else "a"]
    client = Client()
    client.force_login(me["hq"])
    foreign_unit = other["programme"].units.order_by("order").first()
    assert client.get(f"/organisation/units/{foreign_unit.pk}/").status_code == 404
    assert client.get(f"/enterprises/{other['enterprises'][0].pk}/").status_code == 404
    assert client.get(f"/api/enterprises/enterprises/{other['enterprises'][0].pk}/").status_code == 404
    own_unit = me["programme"].units.order_by("order").first()
    assert client.get(f"/organisation/units/{own_unit.pk}/").status_code == 200
