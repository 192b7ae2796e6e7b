"""The second demo programme (江海 临港), loaded from its own file, for tests
that prove a rule works in a programme whose units carry other codes than
Zone B's: the rules must find every unit by its function.

Its units, by function: lgjd territorial town; xhz receiving town; sthj
environment; zhzf urban management, natural resources, housing and market
regulation; yjxf emergency management and fire; gafj police and stability;
swfj tax; rsfj human resources and justice; xcb propaganda and HK/Macao/Taiwan
affairs; jhsw water supply; jhgd power supply; lgsq community; zb HQ.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from relocation.conftest import valid_credit_code
from relocation.organisation.models import Programme, Unit
from relocation.organisation.services import programme_load

PROGRAMMES = Path(__file__).resolve().parents[1] / "programmes"


def load_programme_file(name: str) -> Programme:
    """Load a programme the way `load_programme` does (its hooks run too)."""
    return programme_load(actor=None, config=json.loads((PROGRAMMES / f"{name}.json").read_text(encoding="utf-8")))


def load_second_programme() -> tuple[Programme, dict[str, Unit]]:
    programme = load_programme_file("jianghai_lingang")
    return programme, {u.code: u for u in programme.units.all()}


def enterprise_in(programme: Programme, town: Unit, n: int, **overrides: Any) -> Any:
    """An enterprise of `programme` in `town` (n keeps credit codes unique)."""
    from relocation.enterprises.models import Enterprise

    values: dict[str, Any] = {
        "programme": programme,
        "name": f"江海市测试{n}号表面处理有限公司",
        "credit_code": valid_credit_code(900 + n),
        "territorial_unit": town,
        "industry": "electroplating",
        "processes": ["zinc"],
        "workers_count": 40,
        "floor_area_m2": Decimal("900"),
        "wastewater_t_per_day": Decimal("20"),
        "contact_phone": "13812345678",
        "latitude": programme.center_lat,
        "longitude": programme.center_lon,
    }
    values.update(overrides)
    enterprise = Enterprise(**values)
    enterprise.search_text = enterprise.build_search_text()
    enterprise.save()
    return enterprise
