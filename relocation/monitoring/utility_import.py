"""Reading the water and power companies' files (Excel .xlsx or CSV).

Columns (first row, Chinese headers): 统一社会信用代码, 日期, 用量, optional
时段 (hour 0–23 for hourly data), 周期 (小时/日/月; without it a row with an
hour is hourly, one without a daily reading; a monthly row's 日期 may be
"2022-03") and 表读数 (meter reading). Every row
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
    "interval": ("周期", "计量周期", "interval"),
}
INTERVAL_WORDS = {
    "小时": "hour",
    "时": "hour",
    "hour": "hour",
    "hourly": "hour",
    "日": "day",
    "天": "day",
    "day": "day",
    "daily": "day",
    "月": "month",
    "month": "month",
    "monthly": "month",
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
    interval: str = "day"


def _month(value: Any) -> dt.date | None:
    """ "2022-03" or "2022/3" (a monthly bill) as the first day of that month."""
    text = str(value or "").strip().replace("/", "-").replace("年", "-").rstrip("月")
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), 1)
    except ValueError:
        return None


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
    # Only the programme's own enterprises: a credit code of another programme is unknown here.
    enterprises = Enterprise.objects.filter(credit_code__in=codes, programme_id=programme_id)
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
        raw_interval = str(cell("interval") or "").strip().lower()
        interval = INTERVAL_WORDS.get(raw_interval, "")
        if raw_interval and not interval:
            row_errors.append(_("周期“%(v)s”应为小时、日或月") % {"v": cell("interval")})
        day = cell_date(cell("reading_date"))
        if day is None and interval == "month":
            day = _month(cell("reading_date"))
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
        if not interval:
            interval = "hour" if hour is not None else "day"
        if interval == "hour" and hour is None:
            row_errors.append(_("小时读数须填写时段"))
        if interval != "hour" and hour is not None:
            row_errors.append(_("日或月读数不填时段"))
        if interval == "month" and day is not None:
            day = day.replace(day=1)
        key = (code, day, hour, interval)
        if not row_errors and key in seen:
            row_errors.append(_("与前面的行重复"))
        seen.add(key)
        if row_errors:
            errors.append(_("第 %(line)s 行：%(msg)s。") % {"line": line, "msg": "；".join(str(e) for e in row_errors)})
            continue
        parsed.append(ParsedRow(line, enterprise, day, hour, amount, meter, interval))
    if not parsed and not errors:
        errors.append(_("文件没有数据行。"))
    return parsed, errors
