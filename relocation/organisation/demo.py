"""Demo part of the organisation: the Zone B programme and one login per role,
and beside it a small fictional second programme (another city, other unit
codes) with its own HQ login, so that the separation of programmes can be seen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from relocation.core.roles import Role
from relocation.organisation.models import Person, Unit, User
from relocation.organisation.services import liaison_assign, programme_load, user_create

DEMO_PASSWORD = "Demo@2022"
PROGRAMME_FILE = Path(__file__).resolve().parent / "programmes" / "humen_zone_b.json"
SECOND_PROGRAMME_FILE = Path(__file__).resolve().parent / "programmes" / "jianghai_lingang.json"
# username, role, unit code (of the second programme), display name
SECOND_DEMO_USERS = [
    ("jh_hq", Role.HQ_STAFF, "zb", "柯建文"),
    ("jh_liaison", Role.UNIT_LIAISON, "lgjd", "温海燕"),
]

# username, role, unit code, display name
DEMO_USERS = [
    ("commander", Role.HQ_COMMANDER, "hq", "郑海涛"),
    ("hq", Role.HQ_STAFF, "hq", "何静"),
    ("leader", Role.GROUP_LEADER, "hq", "陈建国"),
    ("humen_leader", Role.UNIT_LEADER, "humen", "黄立明"),
    ("humen_liaison", Role.UNIT_LIAISON, "humen", "梁小燕"),
    ("eeb_liaison", Role.UNIT_LIAISON, "eeb", "邓志坚"),
    ("hrss_liaison", Role.UNIT_LIAISON, "hrss", "曹敏"),
    ("inspector", Role.INSPECTOR, "eeb", "袁浩"),
    ("inspector2", Role.INSPECTOR, "eeb", "罗斌"),
    ("enterprise", Role.ENTERPRISE_CONTACT, None, "叶老板"),
    ("auditor", Role.AUDITOR, None, "审计员"),
    ("sysadmin", Role.SYSTEM_ADMIN, None, "系统管理员"),
    ("secadmin", Role.SECURITY_ADMIN, None, "安全管理员"),
]

LIAISONS = {
    "hq": "何静",
    "binhaiwan": "苏文",
    "humen": "梁小燕",
    "shatian": "冯建平",
    "machong": "谭丽",
    "dalang": "邱海",
    "eeb": "邓志坚",
    "market": "曾伟",
    "urban": "彭军",
    "natres": "蒋涛",
    "housing": "韩冰",
    "emergency": "唐勇",
    "police": "许刚",
    "fire": "傅强",
    "tax": "沈洁",
    "hrss": "曹敏",
    "water": "吕清",
    "power": "丁磊",
    "community": "魏芳",
    "justice": "程诚",
    "tgao": "薛宁",
    "propaganda": "叶青",
    "stability": "阎安",
}


def seed(*, scale: str, out: Any) -> None:
    programme = programme_load(actor=None, config=json.loads(PROGRAMME_FILE.read_text(encoding="utf-8")))
    units = {u.code: u for u in Unit.objects.filter(programme=programme)}
    with transaction.atomic():
        for username, role, unit_code, name in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                unit=units.get(unit_code) if unit_code else None,
                display_name=name,
                email=f"{username}@demo.invalid",
            )
        hq_editor = User.objects.get(username="hq")
        for code, name in LIAISONS.items():
            unit = units[code]
            person, _created = Person.objects.get_or_create(
                unit=unit, name=name, defaults={"title": "联络员", "phone": "13800138000"}
            )
            linked = User.objects.filter(display_name=name, unit=unit).first()
            if linked is not None and person.user_id is None:
                person.user = linked
                person.save(update_fields=["user"])
            if not unit.liaison_assignments.filter(ends_on__isnull=True).exists():
                liaison_assign(actor=hq_editor, unit=unit, person=person)
    out.write(f"  programme {programme.code}: {len(units)} units, {len(DEMO_USERS)} demo logins\n")
    second = seed_second_programme()
    out.write(f"  programme {second.code}: {second.units.count()} units, {len(SECOND_DEMO_USERS)} demo logins\n")


def seed_second_programme() -> Any:
    """The fictional second programme and its logins (idempotent)."""
    programme = programme_load(actor=None, config=json.loads(SECOND_PROGRAMME_FILE.read_text(encoding="utf-8")))
    units = {u.code: u for u in Unit.objects.filter(programme=programme)}
    with transaction.atomic():
        for username, role, unit_code, name in SECOND_DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            user = user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                unit=units[unit_code],
                display_name=name,
                email=f"{username}@demo.invalid",
            )
            person, _created = Person.objects.get_or_create(
                unit=units[unit_code], name=name, defaults={"title": "联络员", "phone": "13900139000"}
            )
            if person.user_id is None:
                person.user = user
                person.save(update_fields=["user"])
        hq_editor = User.objects.get(username="jh_hq")
        for unit in units.values():
            if unit.liaison_assignments.filter(ends_on__isnull=True).exists():
                continue
            person = unit.people.order_by("id").first()
            if person is not None:
                liaison_assign(actor=hq_editor, unit=unit, person=person)
    return programme
