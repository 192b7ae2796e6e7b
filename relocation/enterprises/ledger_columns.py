"""The ledger workbook's columns: one definition shared by the template, the
import and the export, so the three never disagree about a header or a label.

Each column knows how to read what real ledgers contain (full-width digits,
stray spaces, 是/否 and Y/N, Chinese labels, several date spellings) and how
to write a value back as a person would type it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from relocation.enterprises.models import CapitalBackground, Industry, Process, PropertyOwnerType


class CellError(ValueError):
    """A cell that cannot be read; the message is the Chinese reason."""


# Full-width digits and Latin letters → ASCII (names keep their full-width brackets).
_FULLWIDTH_ALNUM = {
    **{0xFF10 + i: ord("0") + i for i in range(10)},
    **{0xFF21 + i: ord("A") + i for i in range(26)},
    **{0xFF41 + i: ord("a") + i for i in range(26)},
    0x3000: ord(" "),
}
# Everything full-width → ASCII, for numbers, dates, codes and headers.
_FULLWIDTH_ALL = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: ord(" ")}
_SPACES = re.compile(r"\s+")
# A leading apostrophe our export adds against formula injection.
_ESCAPED_FORMULA = re.compile(r"^'(?=[=+\-@\t\r])")


def clean_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).translate(_FULLWIDTH_ALNUM)
    text = _ESCAPED_FORMULA.sub("", text.strip())
    return _SPACES.sub(" ", text).strip()


def clean_token(value: Any) -> str:
    """For numbers, dates and codes: every full-width character to ASCII, no spaces."""
    if value is None:
        return ""
    return _SPACES.sub("", str(value).translate(_FULLWIDTH_ALL))


def normalise_header(value: Any) -> str:
    return clean_token(value)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- readers: cell value (not blank) → Python value, or CellError -------------


def read_text(value: Any) -> str:
    return clean_text(value)


def read_phone(value: Any) -> str:
    return clean_token(value).replace("-", "")


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def read_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        # A date cell formatted as a number: Excel's serial day count.
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    text = clean_token(value)
    text = re.sub(r"\d{1,2}:\d{2}(:\d{2})?$", "", text)  # "2022-06-30 00:00:00"
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        raise CellError(
            _("无法识别的日期“%(value)s”（可写作 2022-06-30、2022/6/30、2022.6.30 或 2022年6月30日）")
            % {"value": value}
        )
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CellError(_("“%(value)s”不是有效的日期") % {"value": value})


def read_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(_("应为整数"))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = clean_token(value).replace(",", "")
    if not re.fullmatch(r"-?\d+(\.0+)?", text):
        raise CellError(_("“%(value)s”不是整数") % {"value": value})
    return int(Decimal(text))


def read_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("应为数字"))
    text = str(value) if isinstance(value, (int, float)) else clean_token(value).replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s”不是数字") % {"value": value})
    if not number.is_finite():
        raise CellError(_("“%(value)s”不是数字") % {"value": value})
    try:
        return number.quantize(Decimal("0.01"))
    except InvalidOperation:  # more digits than the decimal context holds (1e+26)
        raise CellError(_("“%(value)s”超出可记录的范围") % {"value": value}) from None


def read_float(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(clean_token(value))
    except ValueError:
        raise CellError(_("“%(value)s”不是数字") % {"value": value})


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "重点"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "非重点"}


def read_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = clean_token(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("应填写“是”或“否”（也可写 Y/N），而不是“%(value)s”") % {"value": value})


def choice_reader(choices: type[models.TextChoices], aliases: dict[str, str] | None = None) -> Callable[[Any], str]:
    lookup = {str(label): value for value, label in choices.choices}
    lookup.update({value: value for value in choices.values})
    lookup.update(aliases or {})

    def read(value: Any) -> str:
        text = clean_token(value)
        found = lookup.get(text) or lookup.get(text.lower())
        if found is None:
            allowed = "、".join(str(label) for _v, label in choices.choices)
            raise CellError(_("“%(value)s”不是可选值（可选：%(allowed)s）") % {"value": value, "allowed": allowed})
        return found

    return read


_PROCESS_SPLIT = re.compile(r"[、,，/／;；\s]+")
_PROCESS_LOOKUP = {
    **{str(label): value for value, label in Process.choices},
    **{value: value for value in Process.values},
    # Spellings seen in real ledgers.
    "镀金": Process.PRECIOUS,
    "镀银": Process.PRECIOUS,
    "氰化镀": Process.CYANIDE,
    "氧化": Process.ANODISING,
    "漂染": Process.DYEING,
}


def read_processes(value: Any) -> list[str]:
    codes: list[str] = []
    for token in _PROCESS_SPLIT.split(str(value).translate(_FULLWIDTH_ALNUM).strip()):
        if not token:
            continue
        code = _PROCESS_LOOKUP.get(token) or _PROCESS_LOOKUP.get(token.lower())
        if code is None:
            allowed = "、".join(str(label) for _v, label in Process.choices)
            raise CellError(_("未知的工艺“%(value)s”（可选：%(allowed)s）") % {"value": token, "allowed": allowed})
        if code not in codes:
            codes.append(str(code))
    return codes


# --- writers: Python value → what a person would type ------------------------


def _label(choices: type[models.TextChoices]) -> Callable[[Any], str]:
    labels = dict(choices.choices)
    return lambda value: str(labels.get(value, value or ""))


def write_processes(value: Any) -> str:
    labels = dict(Process.choices)
    return "、".join(str(labels.get(code, code)) for code in value or [])


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    read: Callable[[Any], Any]
    write: Callable[[Any], Any] | None = None
    width: int = 14


COLUMNS: list[Column] = [
    Column("企业名称", "name", read_text, width=32),
    Column("统一社会信用代码", "credit_code", lambda v: clean_token(v).upper(), width=22),
    Column("法定代表人", "legal_representative", read_text),
    Column("联系人", "contact_person", read_text),
    Column("联系电话", "contact_phone", read_phone, width=16),
    Column("地址", "address", read_text, width=40),
    Column("行业类别", "industry", choice_reader(Industry), _label(Industry)),
    Column("主要工艺", "processes", read_processes, write_processes, width=24),
    Column(
        "资本背景",
        "capital_background",
        choice_reader(
            CapitalBackground, {"香港": "hong_kong", "澳门": "macao", "台湾": "taiwan", "港澳台": "hong_kong"}
        ),
        _label(CapitalBackground),
    ),
    Column("是否重点污染企业", "is_key_polluter", read_bool, lambda v: "是" if v else "否"),
    Column("从业人数", "workers_count", read_int),
    Column("厂房面积(平方米)", "floor_area_m2", read_decimal, lambda v: float(v) if v is not None else None),
    Column("废水排放量(吨/日)", "wastewater_t_per_day", read_decimal, lambda v: float(v) if v is not None else None),
    Column("排污许可证编号", "discharge_permit_no", read_text, width=24),
    Column("许可证有效期至", "permit_expires_on", read_date),
    Column("物业性质", "property_owner_type", choice_reader(PropertyOwnerType), _label(PropertyOwnerType)),
    Column("租约到期日", "lease_ends_on", read_date),
    Column("经度", "longitude", read_float),
    Column("纬度", "latitude", read_float),
    # The programme's own values (its towns, its batches): read as names here,
    # matched against the programme by the import (ledger_import.ProgrammeValues).
    Column("属地", "territorial_unit", read_text, lambda unit: str(unit) if unit else "", width=16),
    Column("批次", "batch", read_text, width=16),
]
HEADERS = [c.header for c in COLUMNS]
# Columns the export adds after the template's (ledger_export.EXTRA_COLUMNS);
# the import skips them without a warning, so an export can be imported back.
EXPORT_ONLY_HEADERS = ("分类", "搬迁进度")
BY_FIELD = {c.field: c for c in COLUMNS}
BY_HEADER = {normalise_header(c.header): c for c in COLUMNS}
REQUIRED_FIELDS = ("name", "credit_code")
