"""Checking a programme file before anything is written.

`problems(config)` reads the whole file and lists every problem it finds, each
in the user's language and naming where it is (the section, the entry, the
key), so that whoever wrote the file can fix all of them in one go: unknown
keys, missing or malformed values, duplicate unit codes, people of units that
are not in the file, and the unit functions a rule needs that no unit carries.
`manage.py load_programme --check`, the set-up page and `programme_load` ask
here first; loading a file with problems writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from relocation.organisation import functions
from relocation.organisation.models import Body, Phase, Position, Programme, Unit

# Every key the file may hold, per section (the guide documents each of them).
TOP_KEYS = {
    "code": True,
    "name": True,
    "zone_name": True,
    "city": True,
    "deadline": True,
    "tracking_prefix": True,
    "goal": False,
    "center": False,
    "zone_geojson": False,
    "phases": False,
    "units": True,
    "people": False,
    "memberships": False,
}
PHASE_KEYS = {"kind": True, "name": True, "starts_on": True, "ends_on": True, "tasks": False}
UNIT_KEYS = {
    "code": True,
    "name": True,
    "kind": True,
    "short_name": False,
    "functions": False,
    "duties": False,
    "is_territorial": False,
    "is_receiving": False,
}
PERSON_KEYS = {"key": True, "unit": True, "name": True, "title": False}
MEMBERSHIP_KEYS = {"body": True, "position": True, "person": True}

CODE_PATTERN = re.compile(r"^[-a-zA-Z0-9_]+$")
# Letters only: a programme without a declared prefix numbers under P<id>.
PREFIX_PATTERN = re.compile(r"^[A-Z]{2,6}$")
MAX_LENGTH = {"code": 64, "name": 200, "zone_name": 200, "city": 64, "short_name": 64, "title": 100}


@dataclass(frozen=True)
class Problem:
    where: str  # e.g. "units[3]", "" for the file as a whole
    message: str

    def __str__(self) -> str:
        return f"{self.where}：{self.message}" if self.where else self.message


class _Collector:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(Problem(where, message))

    def keys(self, where: str, entry: Any, spec: dict[str, bool]) -> bool:
        """Unknown and missing keys of one object; False if it is no object at all."""
        if not isinstance(entry, dict):
            self.add(where, _("应为对象（{…}）。"))
            return False
        for key in sorted(set(entry) - set(spec)):
            self.add(where, _("未知的键 %(key)s（可用：%(known)s）") % {"key": key, "known": ", ".join(spec)})
        for key, required in spec.items():
            if required and key not in entry:
                self.add(where, _("缺少必填项 %(key)s") % {"key": key})
        return True

    def text(self, where: str, entry: dict[str, Any], key: str, *, pattern: re.Pattern[str] | None = None) -> None:
        if key not in entry:
            return
        value = entry[key]
        if not isinstance(value, str) or (key in {"code", "name", "kind", "key", "unit"} and not value.strip()):
            self.add(where, _("%(key)s 应为非空文字。") % {"key": key})
            return
        limit = MAX_LENGTH.get(key)
        if limit and len(value) > limit:
            self.add(where, _("%(key)s 最多 %(n)s 个字符。") % {"key": key, "n": limit})
        if pattern is not None and not pattern.match(value):
            self.add(where, _("%(key)s 的格式不正确：%(value)s") % {"key": key, "value": value})

    def date(self, where: str, entry: dict[str, Any], key: str) -> dt.date | None:
        if key not in entry:
            return None
        try:
            return dt.date.fromisoformat(entry[key])
        except (TypeError, ValueError):
            self.add(where, _("%(key)s 应为日期 YYYY-MM-DD：%(value)s") % {"key": key, "value": entry[key]})
            return None

    def choice(self, where: str, entry: dict[str, Any], key: str, choices: Any) -> None:
        if key in entry and entry[key] not in choices.values:
            self.add(
                where,
                _("%(key)s 无法识别：%(value)s（可用：%(known)s）")
                % {"key": key, "value": entry[key], "known": ", ".join(choices.values)},
            )

    def listed(self, where: str, config: dict[str, Any], key: str) -> list[Any]:
        value = config.get(key, [])
        if not isinstance(value, list):
            self.add(where or key, _("%(key)s 应为列表（[…]）。") % {"key": key})
            return []
        return value


def problems(config: Any) -> list[Problem]:
    """Every problem of the file, in file order; an empty list means it loads."""
    found = _Collector()
    if not found.keys("", config, TOP_KEYS):
        return found.items
    _check_programme(found, config)
    _check_phases(found, config)
    unit_codes = _check_units(found, config)
    person_keys = _check_people(found, config, unit_codes)
    _check_memberships(found, config, person_keys)
    return found.items


def _check_programme(found: _Collector, config: dict[str, Any]) -> None:
    # The messages name the key, so the file's top level needs no "where".
    found.text("", config, "code", pattern=CODE_PATTERN)
    for key in ("name", "zone_name", "city", "goal"):
        found.text("", config, key)
    found.date("", config, "deadline")
    prefix = config.get("tracking_prefix")
    if "tracking_prefix" in config:
        if not isinstance(prefix, str) or not PREFIX_PATTERN.match(prefix):
            found.add("", _("受理编号前缀 tracking_prefix 应为 2 到 6 个大写字母：%(value)s") % {"value": prefix})
        elif Programme.objects.filter(tracking_prefix=prefix).exclude(code=config.get("code")).exists():
            found.add("", _("受理编号前缀 tracking_prefix %(value)s 已被另一个项目使用。") % {"value": prefix})
    center = config.get("center")
    if center is not None and not (
        isinstance(center, dict)
        and set(center) == {"lat", "lon"}
        and all(isinstance(center[k], int | float) and not isinstance(center[k], bool) for k in center)
    ):
        found.add("center", _('应为 {"lat": 纬度, "lon": 经度}。'))
    if "zone_geojson" in config and not isinstance(config["zone_geojson"], dict):
        found.add("zone_geojson", _("应为 GeoJSON 对象。"))


def _check_phases(found: _Collector, config: dict[str, Any]) -> None:
    seen: set[str] = set()
    for i, phase in enumerate(found.listed("phases", config, "phases")):
        where = f"phases[{i}]"
        if not found.keys(where, phase, PHASE_KEYS):
            continue
        found.choice(where, phase, "kind", Phase.Kind)
        kind = phase.get("kind")
        if isinstance(kind, str):
            if kind in seen:
                found.add(where, _("阶段 %(kind)s 重复。") % {"kind": kind})
            seen.add(kind)
        found.text(where, phase, "name")
        starts, ends = found.date(where, phase, "starts_on"), found.date(where, phase, "ends_on")
        if starts and ends and ends < starts:
            found.add(where, _("结束日期早于开始日期。"))
        if "tasks" in phase and not (
            isinstance(phase["tasks"], list) and all(isinstance(t, str) for t in phase["tasks"])
        ):
            found.add(where, _("tasks 应为文字列表。"))


def _check_units(found: _Collector, config: dict[str, Any]) -> set[str]:
    codes: set[str] = set()
    present: set[str] = set()
    for i, unit in enumerate(found.listed("units", config, "units")):
        where = f"units[{i}]"
        if not found.keys(where, unit, UNIT_KEYS):
            continue
        if isinstance(unit.get("code"), str):
            where = f"units[{i}]（{unit['code']}）"
        found.text(where, unit, "code", pattern=CODE_PATTERN)
        if isinstance(unit.get("code"), str):
            if unit["code"] in codes:
                found.add(where, _("单位代码重复：%(code)s") % {"code": unit["code"]})
            codes.add(unit["code"])
        for key in ("name", "short_name", "duties"):
            found.text(where, unit, key)
        found.choice(where, unit, "kind", Unit.Kind)
        declared = unit.get("functions", [])
        if not isinstance(declared, list):
            found.add(where, _("functions 应为列表。"))
            declared = []
        unknown = sorted(str(f) for f in declared if str(f) not in functions.UnitFunction.values)
        if unknown:
            found.add(
                where,
                _("职能无法识别：%(unknown)s（可用：%(known)s）")
                % {"unknown": "、".join(unknown), "known": ", ".join(functions.UnitFunction.values)},
            )
        present |= {f for f in declared if isinstance(f, str) and f in functions.UnitFunction.values}
        if unit.get("is_territorial"):
            present.add(functions.UnitFunction.TERRITORIAL_TOWN)
        if unit.get("is_receiving"):
            present.add(functions.UnitFunction.RECEIVING_TOWN)
    missing = functions.missing(present)
    if missing and "units" in config:
        found.add("units", missing_functions_message(missing))
    return codes


def missing_functions_message(missing: list[functions.Requirement]) -> str:
    """Which functions are missing and which rules need them (one sentence)."""
    rules: dict[str, list[str]] = {}
    for requirement in missing:
        rules.setdefault(requirement.function, []).append(str(requirement.rule))
    lines = "；".join(
        _("%(function)s [%(code)s]（%(rules)s）")
        % {"function": functions.UnitFunction(f).label, "code": f, "rules": "、".join(r)}
        for f, r in rules.items()
    )
    return _("项目配置缺少以下单位职能，请在承担该职能的单位的 functions 中声明：%(lines)s") % {"lines": lines}


def _check_people(found: _Collector, config: dict[str, Any], unit_codes: set[str]) -> set[str]:
    keys: set[str] = set()
    for i, person in enumerate(found.listed("people", config, "people")):
        where = f"people[{i}]"
        if not found.keys(where, person, PERSON_KEYS):
            continue
        for key in ("key", "unit", "name", "title"):
            found.text(where, person, key)
        if isinstance(person.get("key"), str):
            if person["key"] in keys:
                found.add(where, _("人员键重复：%(key)s") % {"key": person["key"]})
            keys.add(person["key"])
        if isinstance(person.get("unit"), str) and person["unit"] not in unit_codes:
            found.add(where, _("单位 %(unit)s 不在 units 中。") % {"unit": person["unit"]})
    return keys


def _check_memberships(found: _Collector, config: dict[str, Any], person_keys: set[str]) -> None:
    seats: set[tuple[str, str]] = set()
    for i, membership in enumerate(found.listed("memberships", config, "memberships")):
        where = f"memberships[{i}]"
        if not found.keys(where, membership, MEMBERSHIP_KEYS):
            continue
        found.choice(where, membership, "body", Body)
        found.choice(where, membership, "position", Position)
        person = membership.get("person")
        if "person" in membership and (not isinstance(person, str) or person not in person_keys):
            found.add(where, _("人员 %(person)s 不在 people 中。") % {"person": person})
        seat = (str(membership.get("body")), str(person))
        if seat in seats:
            found.add(where, _("%(person)s 在该机构中重复。") % {"person": person})
        seats.add(seat)
