"""Reading a laboratory's sampling results (Excel .xlsx or CSV) for one site.

Columns (first row, Chinese headers): 采样点, 深度（米）, 污染物 (name, code,
CAS number, English name or a synonym, spelled as the laboratory likes:
screening_values.normalise), 浓度（mg/kg）, 采样日期, optional 调查阶段 (初步调查,
详细调查, 效果评估). Every row is checked before anything is written; a
malformed row refuses the file with a report of every bad row. A row whose
item is not in the standard's table (zinc, pH…) is not an error: it is left
out and named in the warnings, and the rows of known items are kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core.spreadsheets import cell_date, cell_decimal
from relocation.remediation.models import SamplingResult, ScreeningValue, Site, Stage
from relocation.remediation.screening_values import normalise

HEADERS = {
    "point": ("采样点", "点位", "point"),
    "depth_m": ("深度（米）", "深度(米)", "深度", "depth_m"),
    "pollutant": ("污染物", "检测项目", "pollutant"),
    "concentration": ("浓度（mg/kg）", "浓度(mg/kg)", "浓度", "concentration"),
    "sampled_on": ("采样日期", "日期", "sampled_on"),
    "stage": ("调查阶段", "阶段", "stage"),
}
REQUIRED = ("point", "depth_m", "pollutant", "concentration", "sampled_on")
SAMPLING_STAGES = (Stage.INITIAL, Stage.DETAILED, Stage.EFFECT)
MAX_ROWS = 5000


@dataclass
class ParsedRow:
    line: int
    point: str
    depth_m: Decimal
    pollutant: ScreeningValue
    concentration: Decimal
    sampled_on: dt.date
    stage: str


@dataclass
class Parsed:
    rows: list[ParsedRow]
    errors: list[str]
    # Items not in the standard's table: {name as written: [line numbers]}.
    unknown: dict[str, list[int]]

    @property
    def warnings(self) -> list[str]:
        return [
            _("检测项目“%(name)s”不在筛选值表中，第 %(lines)s 行未导入。")
            % {"name": name, "lines": "、".join(str(n) for n in lines)}
            for name, lines in self.unknown.items()
        ]


def pollutant_index() -> dict[str, ScreeningValue]:
    """Every key a laboratory may use for an item, normalised."""
    index: dict[str, ScreeningValue] = {}
    for p in ScreeningValue.objects.all():
        for key in (p.name, p.code, p.cas, p.name_en, *(p.synonyms or [])):
            if key:
                index.setdefault(normalise(key), p)
    return index


def parse(rows: list[list[Any]], *, site: Site) -> Parsed:
    result = _parse(rows, site=site)
    return result if isinstance(result, Parsed) else Parsed([], result, {})


def _parse(rows: list[list[Any]], *, site: Site) -> Parsed | list[str]:
    if not rows:
        return [_("文件没有内容。")]
    header = [str(c or "").strip() for c in rows[0]]
    index: dict[str, int] = {}
    for key, names in HEADERS.items():
        for i, h in enumerate(header):
            if h in names:
                index[key] = i
                break
    missing = [_("缺少“%(col)s”列。") % {"col": HEADERS[k][0]} for k in REQUIRED if k not in index]
    if missing:
        return missing
    if len(rows) - 1 > MAX_ROWS:
        return [_("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS}]
    pollutants = pollutant_index()
    stage_by_label = {str(label): value for value, label in Stage.choices if value in SAMPLING_STAGES}
    stage_by_label.update({v: v for v in SAMPLING_STAGES})
    default_stage = site.stage if site.stage in SAMPLING_STAGES else Stage.INITIAL
    existing = set(
        SamplingResult.objects.filter(site=site).values_list("point", "depth_m", "pollutant_id", "sampled_on")
    )
    today = timezone.localdate()
    parsed: list[ParsedRow] = []
    errors: list[str] = []
    unknown: dict[str, list[int]] = {}
    seen: set[tuple] = set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(str(c or "").strip() for c in row):
            continue

        def cell(key: str, row: list[Any] = row) -> Any:
            i = index.get(key)
            return row[i] if i is not None and i < len(row) else None

        problems = []
        point = str(cell("point") or "").strip()
        if not point:
            problems.append(_("采样点为空"))
        depth = cell_decimal(cell("depth_m"))
        if depth is None or depth < 0:
            problems.append(_("深度“%(v)s”应为非负数") % {"v": cell("depth_m")})
        name = str(cell("pollutant") or "").strip()
        pollutant = pollutants.get(normalise(name))
        if pollutant is None and not name:
            problems.append(_("污染物为空"))
        concentration = cell_decimal(cell("concentration"))
        if concentration is None or concentration < 0:
            problems.append(_("浓度“%(v)s”应为非负数") % {"v": cell("concentration")})
        day = cell_date(cell("sampled_on"))
        if day is None or day > today:
            problems.append(_("采样日期“%(v)s”无法识别或晚于今天") % {"v": cell("sampled_on")})
        raw_stage = str(cell("stage") or "").strip()
        stage = stage_by_label.get(raw_stage) if raw_stage else default_stage
        if stage is None:
            problems.append(_("调查阶段“%(v)s”应为初步调查、详细调查或效果评估") % {"v": raw_stage})
        if pollutant is None and name:
            if not problems:
                unknown.setdefault(name, []).append(line)
                continue
            problems.append(_("污染物“%(v)s”不在筛选值表中") % {"v": name})
        if not problems:
            key = (point, depth, pollutant.pk, day)
            if key in seen:
                problems.append(_("与前面的行重复"))
            elif key in existing:
                problems.append(_("该结果已经录入"))
            seen.add(key)
        if problems:
            errors.append(_("第 %(line)s 行：%(msg)s。") % {"line": line, "msg": "；".join(str(p) for p in problems)})
            continue
        parsed.append(ParsedRow(line, point, depth, pollutant, concentration, day, stage))
    if not parsed and not errors and not unknown:
        errors.append(_("文件没有数据行。"))
    return Parsed(parsed, errors, unknown)
