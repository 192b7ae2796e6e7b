"""Reading a year's State Council holiday notice as HQ enters or imports it.

The notice lists the holidays and the make-up working days of one year; every
other day follows the weekly rule. The file format of `workdays import`:
`{"year": 2027, "source": "国办发明电〔2026〕…号", "holidays": ["2027-01-01", …],
"workdays": ["2027-…", …]}`. In the browser the same lists are typed as dates
separated by spaces, commas or new lines, with `2027-02-15~2027-02-21` for a run.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from relocation.core.errors import ServiceError

_SEPARATORS = re.compile(r"[\s,，、;；]+")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:~|～|至|\.\.)(\d{4}-\d{2}-\d{2})$")
# A run longer than this is a typo, not a holiday (the longest, Spring Festival, is 9 days).
_LONGEST_RUN = 15


@dataclass(frozen=True)
class CalendarNotice:
    year: int
    source: str
    holidays: tuple[dt.date, ...]
    workdays: tuple[dt.date, ...]


def _day(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ServiceError(
            _("%(what)s中的“%(text)s”不是日期，请写成 YYYY-MM-DD。") % {"what": what, "text": text}
        ) from None


def _days(value: Any, what: str) -> list[dt.date]:
    if isinstance(value, str):
        items = [item for item in _SEPARATORS.split(value.strip()) if item]
    elif isinstance(value, list | tuple):
        items = [str(item).strip() for item in value]
    elif value is None:
        items = []
    else:
        raise ServiceError(_("%(what)s应为日期列表。") % {"what": what})
    days: list[dt.date] = []
    for item in items:
        run = _RANGE.match(item)
        if not run:
            days.append(_day(item, what))
            continue
        first, last = _day(run.group(1), what), _day(run.group(2), what)
        if last < first or (last - first).days >= _LONGEST_RUN:
            raise ServiceError(_("%(what)s中的区间“%(text)s”不合理。") % {"what": what, "text": item})
        days.extend(first + dt.timedelta(days=i) for i in range((last - first).days + 1))
    return days


def notice_from(data: Any) -> CalendarNotice:
    """Check a notice and return it; every error names what to correct."""
    if not isinstance(data, dict):
        raise ServiceError(_("文件内容应为一个对象：year、source、holidays、workdays。"))
    unknown = sorted(set(data) - {"year", "source", "holidays", "workdays"})
    if unknown:
        raise ServiceError(_("未知的字段：%(f)s") % {"f": "、".join(unknown)})
    try:
        year = int(data.get("year"))
    except (TypeError, ValueError, OverflowError):  # None, "abc", or an infinite float
        raise ServiceError(_("请填写年份（如 2027）。")) from None
    if not 2000 <= year <= 2100:
        raise ServiceError(_("年份应在 2000 至 2100 之间。"))
    source = str(data.get("source") or "").strip()
    if not source:
        raise ServiceError(_("请填写依据，即国务院办公厅通知的名称或文号。"))
    holidays = _days(data.get("holidays"), _("放假日期"))
    workdays = _days(data.get("workdays"), _("调休上班日期"))
    if not holidays:
        raise ServiceError(_("请至少填写一个放假日期。"))
    outside = sorted(d.isoformat() for d in holidays + workdays if d.year != year)
    if outside:
        raise ServiceError(_("以下日期不在 %(y)s 年：%(d)s") % {"y": year, "d": "、".join(outside)})
    both = sorted({d.isoformat() for d in holidays} & {d.isoformat() for d in workdays})
    if both:
        raise ServiceError(_("以下日期既是放假日又是上班日：%(d)s") % {"d": "、".join(both)})
    # Make-up working days are always a Saturday or a Sunday; a weekday here is a typo.
    weekdays = sorted(d.isoformat() for d in workdays if d.weekday() < 5)
    if weekdays:
        raise ServiceError(_("调休上班日应为周六或周日，以下日期是工作日：%(d)s") % {"d": "、".join(weekdays)})
    return CalendarNotice(
        year=year, source=source[:200], holidays=tuple(sorted(set(holidays))), workdays=tuple(sorted(set(workdays)))
    )
