"""Reading the water and power companies' files (Excel .xlsx or CSV).

Columns (first row, Chinese headers): 统一社会信用代码, 日期, 用量, optional
时段 (hour 0–23 for hourly power data) and 表读数 (meter reading). Every row
is checked before anything is written; one bad row refuses the whole file
with row-level messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from relocation.core.spreadsheets import cell_date, cell_decimal
from relocation.enterprises.models import Enterprise

HEADERS = {
    "credit_code": ("统一社会信用代码", "信用代码", "credit_code"),
    "reading_date": ("日期", "抄表日期", "date"),
    "consumption": ("用量", "用水量", "用电量", "consumption"),
    "hour": ("时段", "小时", "hour"),
    "meter_reading": ("表读数", "读数", "meter_reading"),
}
MAX_ROWS = 50000


@dataclass
class ParsedRow:
    line: int
    enterprise: Enterprise
    reading_date: dt.date
    hour: int | None
    consumption: Decimal
    meter_reading: Decimal | None


def parse(rows: list[list[Any]], *, programme_id: int | None) -> tuple[list[ParsedRow], list[str]]:
    errors: list[str] = []
    if not rows:
        return [], [_("文件没有内容。")]
    header = [str(c or "").strip() for c in rows[0]]
    index: dict[str, int] = {}
    for key, names in HEADERS.items():
        for i, h in enumerate(header):
            if h in names:
                index[key] = i
                break
    for key in ("credit_code", "reading_date", "consumption"):
        if key not in index:
            errors.append(_("缺少“%(col)s”列。") % {"col": HEADERS[key][0]})
    if errors:
        return [], errors
    if len(rows) - 1 > MAX_ROWS:
        return [], [_("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS}]
    codes = {str(r[index["credit_code"]] or "").strip().upper() for r in rows[1:] if len(r) > index["credit_code"]}
    enterprises = Enterprise.objects.filter(credit_code__in=codes)
    if programme_id:
        enterprises = enterprises.filter(programme_id=programme_id)
    by_code = {e.credit_code: e for e in enterprises}
    parsed: list[ParsedRow] = []
    seen: set[tuple] = set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(str(c or "").strip() for c in row):
            continue

        def cell(key: str, row: list[Any] = row) -> Any:
            i = index.get(key)
            return row[i] if i is not None and i < len(row) else None

        row_errors = []
        code = str(cell("credit_code") or "").strip().upper()
        enterprise = by_code.get(code)
        if enterprise is None:
            row_errors.append(_("统一社会信用代码“%(c)s”不是本项目的企业") % {"c": code})
        day = cell_date(cell("reading_date"))
        if day is None:
            row_errors.append(_("日期“%(v)s”无法识别（应为 2022-03-01）") % {"v": cell("reading_date")})
        amount = cell_decimal(cell("consumption"))
        if amount is None or amount < 0:
            row_errors.append(_("用量“%(v)s”应为非负数") % {"v": cell("consumption")})
        hour: int | None = None
        raw_hour = cell("hour")
        if raw_hour not in (None, ""):
            try:
                hour = int(str(raw_hour).strip())
                if not 0 <= hour <= 23:
                    raise ValueError
            except ValueError:
                row_errors.append(_("时段“%(v)s”应为 0 至 23") % {"v": raw_hour})
        meter = cell_decimal(cell("meter_reading")) if cell("meter_reading") not in (None, "") else None
        if cell("meter_reading") not in (None, "") and meter is None:
            row_errors.append(_("表读数“%(v)s”不是数字") % {"v": cell("meter_reading")})
        key = (code, day, hour)
        if not row_errors and key in seen:
            row_errors.append(_("与前面的行重复"))
        seen.add(key)
        if row_errors:
            errors.append(_("第 %(line)s 行：%(msg)s。") % {"line": line, "msg": "；".join(str(e) for e in row_errors)})
            continue
        parsed.append(ParsedRow(line, enterprise, day, hour, amount, meter))
    if not parsed and not errors:
        errors.append(_("文件没有数据行。"))
    return parsed, errors
