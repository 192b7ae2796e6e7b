"""The catalogue of highly toxic chemicals (剧毒化学品) the ledger accepts,
and how a name typed on a form finds its entry.

Source: 《危险化学品目录（2015版）》 (国家安全监管总局等十部门公告 2015年第5号,
in force since 1 May 2015; it replaced the 剧毒化学品目录（2002年版）), whose
entries marked "剧毒" are the highly toxic chemicals — 148 of them. Only the
entries a plating and dyeing zone meets and whose names and CAS numbers are
beyond doubt are seeded here (cyanides, arsenic and mercury compounds, and a
few others). The list only ever grows: a further entry of the catalogue is
added here and loaded by a new data migration.

A line of the ledger names its chemical by its Chinese name, a synonym, a
formula or the CAS number: "NaCN", "山奈" and "143-33-9" are all 氰化钠.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# (name, CAS, synonyms). Formulas are synonyms: that is how stores label drums.
CATALOGUE: list[tuple[str, str, list[str]]] = [
    ("氰化钠", "143-33-9", ["NaCN", "山奈", "山奈钠", "Sodium cyanide"]),
    ("氰化钾", "151-50-8", ["KCN", "山奈钾", "Potassium cyanide"]),
    ("氰化氢", "74-90-8", ["HCN", "氢氰酸", "无水氢氰酸", "Hydrogen cyanide"]),
    ("氰化汞", "592-04-1", ["Hg(CN)2", "氰化高汞", "Mercuric cyanide"]),
    ("氯化汞", "7487-94-7", ["HgCl2", "升汞", "二氯化汞", "氯化高汞", "Mercuric chloride"]),
    ("三氧化二砷", "1327-53-3", ["As2O3", "白砒", "砒霜", "亚砷酸酐", "Arsenic trioxide"]),
    ("五氧化二砷", "1303-28-2", ["As2O5", "砷酸酐", "Arsenic pentoxide"]),
    ("亚砷酸钠", "7784-46-5", ["NaAsO2", "偏亚砷酸钠", "Sodium arsenite"]),
    ("砷化氢", "7784-42-1", ["AsH3", "胂", "Arsine"]),
    ("氟乙酸钠", "62-74-8", ["Sodium fluoroacetate"]),
    ("四乙基铅", "78-00-2", ["Pb(C2H5)4", "Tetraethyl lead"]),
    ("羰基镍", "13463-39-3", ["Ni(CO)4", "四羰基镍", "Nickel carbonyl"]),
    ("碳酰氯", "75-44-5", ["COCl2", "光气", "Phosgene"]),
    ("磷化氢", "7803-51-2", ["PH3", "膦", "Phosphine"]),
]


def normalise(text: str) -> str:
    """Full-width to half-width, no spaces, case folded: how names are compared."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def load(model: Any) -> int:
    """Insert the entries missing from the catalogue table (data migrations, tests)."""
    created = 0
    for name, cas, synonyms in CATALOGUE:
        _obj, was_created = model.objects.get_or_create(
            cas_number=cas, defaults={"name": name, "synonyms": synonyms, "source": "危险化学品目录（2015版）"}
        )
        created += int(was_created)
    return created


def resolve(text: str, entries: Any) -> Any:
    """The entry whose name, CAS number or synonym is `text`, or None."""
    wanted = normalise(text)
    if not wanted:
        return None
    for entry in entries:
        names = [entry.name, entry.cas_number, *(entry.synonyms or [])]
        if any(normalise(n) == wanted for n in names):
            return entry
    return None
