"""Resident identity number (身份证号), GB 11643-1999.

Eighteen characters: a six-digit administrative division code of the place of
first registration (GB/T 2260), the date of birth (YYYYMMDD), a three-digit
sequence and an ISO 7064 MOD 11-2 check character (0-9 or X). The check
character alone lets through numbers no office ever issued (born in 2030,
region 000000), so `problem` checks every part.

The region check is structural: the first two digits must be a province-level
code of GB/T 2260 and the prefecture digits may not be 00. The full county
table changes every year and no maintained package ships it; a number with a
real province and prefecture is what a roster clerk can vouch for."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"

# Province-level codes of GB/T 2260 (the first two digits of a division code),
# including Taiwan, Hong Kong and Macao as the standard lists them.
PROVINCES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82",
    }
)  # fmt: skip
# A working person on a roster: at least 16 (劳动法 art. 15) and not older than 70.
MIN_AGE = 16
MAX_AGE = 70


def check_character(first17: str) -> str:
    return CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date(value: str) -> dt.date | None:
    v = value.strip().upper()
    try:
        return dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return None


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def structure_problem(value: str, *, today: dt.date | None = None) -> str | None:
    """What is wrong with the number itself (length, region, date, check
    character), or None. `today` is the date the number is judged on."""
    v = value.strip().upper()
    if len(v) != 18 or not v[:17].isdigit() or v[17] not in CHECK:
        return _("身份证号应为18位：17位数字加1位校验码（0-9或X）。")
    region = v[:6]
    if region == "000000" or v[:2] not in PROVINCES or v[2:4] == "00":
        return _("身份证号前6位“%(region)s”不是有效的行政区划代码。") % {"region": region}
    born = birth_date(v)
    if born is None:
        return _("身份证号中的出生日期“%(date)s”不是真实的日期。") % {"date": v[6:14]}
    today = today or dt.date.today()
    if born > today:
        return _("身份证号中的出生日期 %(date)s 晚于今天。") % {"date": born.isoformat()}
    if born.year < 1900:
        return _("身份证号中的出生日期 %(date)s 早于1900年。") % {"date": born.isoformat()}
    if check_character(v[:17]) != v[17]:
        return _("身份证号校验码不正确（应为 %(check)s）。") % {"check": check_character(v[:17])}
    return None


def worker_problem(value: str, *, on: dt.date | None = None) -> str | None:
    """`structure_problem`, then the working age (16 to 70) on `on`, the day
    the roster entry is recorded."""
    on = on or dt.date.today()
    problem = structure_problem(value, today=on)
    if problem:
        return problem
    age = age_on(birth_date(value), on)  # type: ignore[arg-type]
    if age < MIN_AGE:
        return _("按身份证号，此人在 %(day)s 仅 %(age)d 岁，未满16周岁，不能列入工人花名册。") % {
            "day": on.isoformat(),
            "age": age,
        }
    if age > MAX_AGE:
        return _("按身份证号，此人在 %(day)s 已 %(age)d 岁，超过70周岁，请核对身份证号。") % {
            "day": on.isoformat(),
            "age": age,
        }
    return None


def is_valid(value: str) -> bool:
    return structure_problem(value) is None
