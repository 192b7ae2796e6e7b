"""Sampling results: one at a time or imported from a file, checked against the
screening values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import ServiceError
from relocation.remediation import permissions
from relocation.remediation.models import (
    SamplingResult,
    ScreeningValue,
    Site,
    Stage,
)
from relocation.remediation.services.actors import _require, _user


def _result_values(
    site: Site, *, point: str, depth_m: Any, concentration: Any, sampled_on: Any, stage: str | None
) -> dict[str, Any]:
    point = (point or "").strip()
    errors = []
    if not point:
        errors.append(_("采样点不能为空"))
    if depth_m is None or Decimal(depth_m) < 0:
        errors.append(_("采样深度应为非负数"))
    if concentration is None or Decimal(concentration) < 0:
        errors.append(_("浓度应为非负数"))
    if sampled_on is None or sampled_on > timezone.localdate():
        errors.append(_("采样日期无效或晚于今天"))
    stage = stage or (site.stage if site.stage in (Stage.INITIAL, Stage.DETAILED, Stage.EFFECT) else Stage.INITIAL)
    if stage not in (Stage.INITIAL, Stage.DETAILED, Stage.EFFECT):
        errors.append(_("调查阶段应为初步调查、详细调查或效果评估"))
    if errors:
        raise ServiceError("；".join(str(e) for e in errors) + "。")
    return {
        "point": point,
        "depth_m": depth_m,
        "concentration": concentration,
        "sampled_on": sampled_on,
        "stage": stage,
    }


def result_add(
    *,
    actor: Any,
    site: Site,
    pollutant: ScreeningValue,
    point: str,
    depth_m: Decimal,
    concentration: Decimal,
    sampled_on: dt.date,
    stage: str | None = None,
) -> SamplingResult:
    """Enter one laboratory result (stage: the site's investigation stage unless given)."""
    _require(permissions.can_work_on_site(actor, site), _("您没有录入该地块检测结果的权限。"))
    values = _result_values(
        site, point=point, depth_m=depth_m, concentration=concentration, sampled_on=sampled_on, stage=stage
    )
    try:
        with transaction.atomic():
            result = SamplingResult.objects.create(site=site, pollutant=pollutant, recorded_by=_user(actor), **values)
            audit.record(
                actor=actor,
                action="remediation.result_added",
                obj=result,
                enterprise_id=site.enterprise_id,
                summary=_("地块 %(site)s 检测结果：%(point)s %(p)s %(c)s mg/kg")
                % {"site": site.code, "point": result.point, "p": pollutant.name, "c": result.concentration},
            )
    except IntegrityError as exc:
        raise ServiceError(_("同一采样点、深度、日期的该污染物结果已经录入。")) from exc
    return result


@dataclass
class ImportOutcome:
    """What an import did: rows written, errors (the file was refused) and
    warnings (items not in the standard's table, left out)."""

    imported: int = 0
    errors: list[str] = dc_field(default_factory=list)
    warnings: list[str] = dc_field(default_factory=list)


def results_import(*, actor: Any, site: Site, file_name: str, data: bytes) -> ImportOutcome:
    """Import a laboratory's results (Excel or CSV). A malformed row refuses
    the whole file, and the row report says what to fix; rows of items the
    standard's table does not hold are left out and named in the warnings
    (the rows of known items are written)."""
    from relocation.core.spreadsheets import is_workbook, read_table
    from relocation.enterprises.ledger_import import FileRefused, check_file_safety
    from relocation.remediation import results_import as reader

    _require(permissions.can_work_on_site(actor, site), _("您没有录入该地块检测结果的权限。"))
    try:
        if is_workbook(data):
            check_file_safety(data)  # size and zip-bomb checks before openpyxl unpacks it
        table = read_table(data)
    except (ValueError, FileRefused) as exc:
        return ImportOutcome(errors=[str(exc)])
    except Exception:  # noqa: BLE001 - any unreadable workbook is the user's file, not our bug
        return ImportOutcome(errors=[_("无法读取文件，请上传 Excel（.xlsx）或 CSV 文件。")])
    parsed = reader.parse(table, site=site)
    if parsed.errors:
        return ImportOutcome(errors=parsed.errors, warnings=parsed.warnings)
    with transaction.atomic():
        created = SamplingResult.objects.bulk_create(
            [
                SamplingResult(
                    site=site,
                    pollutant=r.pollutant,
                    point=r.point,
                    depth_m=r.depth_m,
                    concentration=r.concentration,
                    sampled_on=r.sampled_on,
                    stage=r.stage,
                    recorded_by=_user(actor),
                )
                for r in parsed.rows
            ]
        )
        audit.record(
            actor=actor,
            action="remediation.results_imported",
            obj=site,
            enterprise_id=site.enterprise_id,
            summary=_("地块 %(site)s 导入检测结果 %(n)s 条（%(file)s）")
            % {"site": site.code, "n": len(created), "file": file_name[:100]},
            changes={"unknown_items": parsed.unknown} if parsed.unknown else None,
        )
    return ImportOutcome(imported=len(created), warnings=parsed.warnings)
