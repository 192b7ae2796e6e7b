"""Demo part of the ledger: about 80 Zone B enterprises with visits.

Deterministic (seeded random), so every demo looks the same and a second run
finds everything in place."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from relocation.core import credit_code
from relocation.enterprises.models import CapitalBackground, Enterprise, Industry, Intention, ProductionStatus
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
        enterprise = enterprise_create(actor=hq, programme=programme, data=facts)
        created += 1
        for v in range(visit_rng.randint(1, 3)):
            visit_record(
                actor=hq,
                enterprise=enterprise,
                visited_on=dt.date(2021, 6, 10) + dt.timedelta(days=30 * v + visit_rng.randint(0, 20)),
                visitors="梁小燕、袁浩",
                production_status_seen=ProductionStatus.PRODUCING,
                intention=visit_rng.choice(Intention.values),
                demands=visit_rng.choice(
                    ["希望延长过渡期", "需要协助寻找园区厂房", "关注补助政策", "工人安置有困难", ""]
                ),
            )
    out.write(f"  enterprises: {created} created, {len(existing)} already there")


# The relocation lifecycle's demo part (lifecycle_demo.py) runs right after the ledger's.
_seed_ledger = seed


def seed(*, scale: str, out: Any) -> None:  # noqa: F811
    _seed_ledger(scale=scale, out=out)
    from relocation.enterprises import lifecycle_demo

    lifecycle_demo.seed(scale=scale, out=out)
