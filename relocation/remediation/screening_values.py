"""GB 36600-2018 《土壤环境质量 建设用地土壤污染风险管控标准（试行）》: the
pollutants of an electroplating and dyeing base, with screening and
intervention values in mg/kg.

Rows: (code, name, CAS, screening 1st, screening 2nd, intervention 1st,
intervention 2nd, note). Table 1 (基本项目) for the seven metals and the
chlorinated solvents used for degreasing, table 2 (其他项目) for cyanide.
The guide chapter lists the same values; change both together. The table-1
rows were checked against the standard's text; the cyanide row (table 2) was
not, and the guide says so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

STANDARD = "GB 36600-2018"

ROWS: list[tuple[str, str, str, str, str, str, str, str]] = [
    ("as", "砷", "7440-38-2", "20", "60", "120", "140", "背景值高于筛选值的地区按背景值（标准表 1 注①）"),
    ("cd", "镉", "7440-43-9", "20", "65", "47", "172", ""),
    ("cr6", "铬（六价）", "18540-29-9", "3.0", "5.7", "30", "78", ""),
    ("cu", "铜", "7440-50-8", "2000", "18000", "8000", "36000", ""),
    ("pb", "铅", "7439-92-1", "400", "800", "800", "2500", ""),
    ("hg", "汞", "7439-97-6", "8", "38", "33", "82", ""),
    ("ni", "镍", "7440-02-0", "150", "900", "600", "2000", ""),
    ("tce", "三氯乙烯", "79-01-6", "0.7", "2.8", "7", "20", ""),
    ("pce", "四氯乙烯", "127-18-4", "11", "53", "34", "183", ""),
    ("cn", "氰化物", "57-12-5", "22", "135", "44", "270", "标准表 2（其他项目）"),
]


def load(model: Any) -> int:
    """Insert or refresh the rows (idempotent); returns how many were new.
    Takes the model so the data migration can pass its historical one."""
    created = 0
    for order, (code, name, cas, s1, s2, i1, i2, note) in enumerate(ROWS):
        _obj, new = model.objects.update_or_create(
            standard=STANDARD,
            code=code,
            defaults={
                "name": name,
                "cas": cas,
                "screening_first": Decimal(s1),
                "screening_second": Decimal(s2),
                "intervention_first": Decimal(i1),
                "intervention_second": Decimal(i2),
                "order": order,
                "note": note,
            },
        )
        created += int(new)
    return created
