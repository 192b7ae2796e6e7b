"""Demo part of the ledger: about 80 Zone B enterprises with visits.

Deterministic (seeded random), so every demo looks the same and a second run
finds everything in place."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from relocation.core import audit, credit_code, demo_time, planner_statistics
from relocation.enterprises import categories
from relocation.enterprises.models import (
    CapitalBackground,
    Enterprise,
    Industry,
    Intention,
    ProductionStatus,
    Visit,
)
from relocation.enterprises.services import enterprise_create, visit_record
from relocation.organisation.models import Programme, Unit, User

PLACE_WORDS = [
    "虎门",
    "威远",
    "南栅",
    "沙角",
    "怀德",
    "赤岗",
    "白沙",
    "镇口",
    "北栅",
    "路东",
    "大宁",
    "龙眼",
    "金洲",
    "宏远",
    "鑫达",
    "永盛",
    "华强",
    "恒丰",
    "兴业",
    "伟业",
    "嘉华",
    "力达",
    "正通",
    "新科",
    "精艺",
    "亿丰",
    "美源",
    "汇通",
    "骏业",
    "宝丰",
    "昌盛",
    "广联",
    "明辉",
    "德信",
    "富源",
    "荣达",
]
PLATING_SUFFIX = ["电镀有限公司", "五金电镀有限公司", "表面处理有限公司", "金属制品有限公司", "电镀厂"]
DYEING_SUFFIX = ["印染有限公司", "漂染有限公司", "纺织印染有限公司", "制衣洗水有限公司"]
SURNAMES = "陈李黄张梁林刘何罗郑谢叶周吴王钟蔡邓冯卢"
GIVEN = ["志明", "国强", "伟雄", "少华", "建新", "永康", "丽娟", "金凤", "耀光", "家豪", "文杰", "惠玲"]


def make_credit_code(rng: random.Random) -> str:
    """A valid-looking code: 9144 (Guangdong registration) + 1900 (Dongguan) + 10 random."""
    body = "91441900" + "".join(rng.choice(credit_code.ALPHABET) for _ in range(9))
    return body + credit_code.check_character(body)


def enterprise_facts(rng: random.Random, index: int) -> dict[str, Any]:
    industry = (
        Industry.ELECTROPLATING if rng.random() < 0.6 else (Industry.DYEING if rng.random() < 0.85 else Industry.OTHER)
    )
    word = PLACE_WORDS[index % len(PLACE_WORDS)] + (
        PLACE_WORDS[(index * 7 + 3) % len(PLACE_WORDS)] if index >= len(PLACE_WORDS) else ""
    )
    suffix = rng.choice(PLATING_SUFFIX if industry == Industry.ELECTROPLATING else DYEING_SUFFIX)
    if industry == Industry.ELECTROPLATING:
        processes = rng.sample(
            ["zinc", "nickel", "chromium", "copper", "cyanide", "anodising", "phosphating"], rng.randint(1, 3)
        )
    elif industry == Industry.DYEING:
        processes = rng.sample(["dyeing", "printing", "washing", "finishing"], rng.randint(1, 3))
    else:
        processes = ["washing"]
    workers = rng.randint(12, 320)
    return {
        "name": f"东莞市{word}{suffix}",
        "credit_code": make_credit_code(rng),
        "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "contact_person": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "contact_phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        "address": f"东莞市虎门镇电镀印染专业基地B区{rng.randint(1, 12)}路{rng.randint(1, 88)}号",
        "latitude": round(22.8130 + rng.random() * 0.016, 6),
        "longitude": round(113.6720 + rng.random() * 0.036, 6),
        "industry": industry,
        "processes": processes,
        "capital_background": rng.choices(
            [
                CapitalBackground.DOMESTIC,
                CapitalBackground.HONG_KONG,
                CapitalBackground.TAIWAN,
                CapitalBackground.MACAO,
                CapitalBackground.FOREIGN,
            ],
            weights=[70, 14, 10, 3, 3],
        )[0],
        "is_key_polluter": rng.random() < 0.7,
        "workers_count": workers,
        "floor_area_m2": Decimal(rng.randint(8, 60) * 100),
        "wastewater_t_per_day": Decimal(rng.randint(5, 400)),
        "discharge_permit_no": f"914419{rng.randint(10**11, 10**12 - 1)}001P",
        "permit_expires_on": dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 1400)),
        "property_owner_type": rng.choice(["community_collective", "village_group", "private"]),
        "lease_ends_on": dt.date(2021, 6, 1) + dt.timedelta(days=rng.randint(0, 900)),
        "production_status": ProductionStatus.PRODUCING,
    }


def seed(*, scale: str, out: Any) -> None:
    programme = Programme.objects.get(code="humen-zone-b")
    towns = list(Unit.objects.filter(programme=programme, is_territorial=True).order_by("code"))
    rng = random.Random(20220630)
    hq = User.objects.get(username="hq")
    target = 80
    existing = set(Enterprise.objects.filter(programme=programme).values_list("credit_code", flat=True))
    created = 0
    for i in range(target):
        facts = enterprise_facts(rng, i)
        facts["territorial_unit"] = towns[i % len(towns)]
        visit_rng = random.Random(i)
        if facts["credit_code"] in existing:
            continue
        # Entered in the ledger during the first survey, June 2021 (core.demo_time).
        with demo_time.on(dt.date(2021, 6, 1) + dt.timedelta(days=i % 9)):
            enterprise = enterprise_create(actor=hq, programme=programme, data=facts)
        created += 1
        for v in range(visit_rng.randint(1, 3)):
            visited_on = dt.date(2021, 6, 10) + dt.timedelta(days=30 * v + visit_rng.randint(0, 20))
            with demo_time.on(visited_on, hour=16):
                visit_record(
                    actor=hq,
                    enterprise=enterprise,
                    visited_on=visited_on,
                    visitors="梁小燕、袁浩",
                    production_status_seen=ProductionStatus.PRODUCING,
                    intention=visit_rng.choice(Intention.values),
                    demands=visit_rng.choice(
                        ["希望延长过渡期", "需要协助寻找园区厂房", "关注补助政策", "工人安置有困难", ""]
                    ),
                    # The demo's lifecycle plan (lifecycle_demo.PLAN) sets every stage itself.
                    advance_stage=False,
                )
    out.write(f"  enterprises: {created} created, {len(existing)} already there\n")
    with demo_time.on(dt.date(2021, 8, 2)):
        confirmed = seed_categories(programme=programme, actor=hq)
    out.write(f"  categories: {confirmed} confirmed\n")
    if scale == "city":
        made, visits = seed_city(programme=programme, towns=towns)
        out.write(f"  city scale: {made} enterprises and {visits} visits created\n")
    second = seed_second_programme()
    out.write(f"  second programme: {second} enterprises\n")


# The fictional second programme (organisation/programmes/jianghai_lingang.json):
# a handful of enterprises whose names share nothing with Zone B's.
SECOND_PROGRAMME_CODE = "jianghai-lingang"
SECOND_ENTERPRISES = [
    ("江海市临港蓝海表面处理有限公司", Industry.ELECTROPLATING, ["zinc", "nickel"], 46),
    ("江海市港湾五金制品有限公司", Industry.ELECTROPLATING, ["chromium"], 28),
    ("江海市潮音纺织漂染有限公司", Industry.DYEING, ["dyeing", "washing"], 120),
    ("江海市银滩金属表面处理厂", Industry.ELECTROPLATING, ["anodising"], 18),
    ("江海市渔火洗水有限公司", Industry.DYEING, ["washing"], 64),
]


def seed_second_programme() -> int:
    """Its enterprises (through the service) and its enterprise-contact login."""
    from relocation.enterprises.contacts import contact_link
    from relocation.organisation.demo import DEMO_PASSWORD
    from relocation.organisation.services import user_create

    programme = Programme.objects.filter(code=SECOND_PROGRAMME_CODE).first()
    if programme is None:
        return 0
    town = Unit.objects.filter(programme=programme, is_territorial=True).order_by("order").first()
    hq = User.objects.get(username="jh_hq")
    rng = random.Random(20231231)
    existing = set(Enterprise.objects.filter(programme=programme).values_list("name", flat=True))
    for i, (name, industry, processes, workers) in enumerate(SECOND_ENTERPRISES):
        if name in existing:
            continue
        body = "91440799" + "".join(rng.choice(credit_code.ALPHABET) for _ in range(9))
        facts = {
            **enterprise_facts(rng, i),
            "name": name,
            "credit_code": body + credit_code.check_character(body),
            "address": f"江海市临港街道表面处理集聚区{i + 1}号",
            "latitude": round(21.942 + rng.random() * 0.016, 6),
            "longitude": round(112.792 + rng.random() * 0.016, 6),
            "industry": industry,
            "processes": processes,
            "workers_count": workers,
            "discharge_permit_no": f"914407{rng.randint(10**11, 10**12 - 1)}001P",
            "capital_background": CapitalBackground.HONG_KONG if i == 2 else CapitalBackground.DOMESTIC,
            "territorial_unit": town,
        }
        with demo_time.on(dt.date(2023, 1, 10) + dt.timedelta(days=i)):
            enterprise_create(actor=hq, programme=programme, data=facts)
    if not User.objects.filter(username="jh_enterprise").exists():
        contact = user_create(
            actor=None,
            username="jh_enterprise",
            password=DEMO_PASSWORD,
            role="enterprise_contact",
            display_name="柯老板",
            email="jh_enterprise@demo.invalid",
        )
        first = Enterprise.objects.get(programme=programme, name=SECOND_ENTERPRISES[0][0])
        contact_link(actor=hq, enterprise=first, user=contact)
    return Enterprise.objects.filter(programme=programme).count()


def seed_categories(*, programme: Programme, actor: Any) -> int:
    """Confirm the proposed category of about three enterprises in four (the
    rest stay "proposed, to confirm", as on a real ledger). Through the service."""
    categories.seed_default_categories()
    active = categories.active_categories()
    confirmed = 0
    qs = Enterprise.objects.filter(programme=programme, category__isnull=True, credit_code__startswith="91441900")
    for enterprise in qs.exclude(credit_code__startswith=CITY_PREFIX).order_by("credit_code"):
        if int(enterprise.credit_code[-3:-1], 36) % 4 == 0:
            continue
        proposed = categories.propose(enterprise, active)
        if proposed is not None:
            categories.category_confirm(actor=actor, enterprise=enterprise, category=proposed, reason="首轮摸查分类")
            confirmed += 1
    return confirmed


# City-scale codes: 91441900 + "9" + 8-digit index, so a second run finds them.
CITY_PREFIX = "914419009"
CITY_ENTERPRISES = 10_000
VISITS_PER_ENTERPRISE = 20
BATCH = 500


def city_credit_code(index: int) -> str:
    body = f"{CITY_PREFIX}{index:08d}"
    return body + credit_code.check_character(body)


def seed_city(
    *, programme: Programme, towns: list[Unit], count: int = CITY_ENTERPRISES, visits_per: int = VISITS_PER_ENTERPRISE
) -> tuple[int, int]:
    """Benchmark-scale data: `count` enterprises with `visits_per` visits each.

    This deliberately bypasses the services and writes with bulk_create: it is
    synthetic load for bench/ledger.py and `seed_demo --scale city`, not
    business data, and going row by row through the services (and the audit
    chain) would take many minutes. One audit event records the bulk load.
    Idempotent: enterprises are keyed by their generated credit code and only
    the missing ones (with their visits) are created."""
    existing = set(
        Enterprise.objects.filter(programme=programme, credit_code__startswith=CITY_PREFIX).values_list(
            "credit_code", flat=True
        )
    )
    active = categories.active_categories()
    visit_rng = random.Random(7)
    made = visits = 0
    missing = [i for i in range(count) if city_credit_code(i) not in existing]
    for start in range(0, len(missing), BATCH):
        batch = []
        for i in missing[start : start + BATCH]:
            rng = random.Random(i)
            facts = enterprise_facts(rng, i)
            facts["credit_code"] = city_credit_code(i)
            facts["name"] = f"{facts['name'][:-4]}{i:05d}{facts['name'][-4:]}"
            enterprise = Enterprise(programme=programme, territorial_unit=towns[i % len(towns)] if towns else None)
            for key, value in facts.items():
                setattr(enterprise, key, value)
            enterprise.intention = rng.choice(Intention.values)
            enterprise.search_text = enterprise.build_search_text()
            proposed = categories.propose(enterprise, active)
            enterprise.category = proposed if rng.random() < 0.75 else None
            batch.append(enterprise)
        with transaction.atomic():
            Enterprise.objects.bulk_create(batch, batch_size=BATCH)
            rows = [
                Visit(
                    enterprise=e,
                    visited_on=dt.date(2021, 6, 1) + dt.timedelta(days=visit_rng.randint(0, 380)),
                    visitors="梁小燕、袁浩",
                    production_status_seen=ProductionStatus.PRODUCING,
                    intention=e.intention,
                )
                for e in batch
                for _n in range(visits_per)
            ]
            Visit.objects.bulk_create(rows, batch_size=2000)
        made += len(batch)
        visits += len(rows)
    if made:
        with transaction.atomic():
            audit.record(
                actor=None,
                action="enterprise.city_scale_seeded",
                summary=f"批量生成基准测试数据：{made}家企业、{visits}条走访",
            )
        planner_statistics.refresh_statistics(Enterprise, Visit)
    return made, visits


# The relocation lifecycle's demo part (lifecycle_demo.py) runs right after the ledger's.
_seed_ledger = seed


def seed(*, scale: str, out: Any) -> None:  # noqa: F811
    _seed_ledger(scale=scale, out=out)
    from relocation.enterprises import lifecycle_demo

    lifecycle_demo.seed(scale=scale, out=out)
    _link_demo_contact()


def _link_demo_contact() -> None:
    """The demo login "enterprise" speaks for the first demo enterprise."""
    from relocation.enterprises import contacts
    from relocation.organisation.models import User

    account = contacts.unlinked_contact_accounts().filter(username="enterprise").first()
    first = Enterprise.objects.filter(credit_code__startswith="91441900").exclude(credit_code__startswith=CITY_PREFIX)
    first = first.order_by("id").first()
    if account is not None and first is not None:
        contacts.contact_link(actor=User.objects.get(username="hq"), enterprise=first, user=account)
