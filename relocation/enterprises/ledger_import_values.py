"""Reading a ledger workbook's rows into field values (ledger_import): the header
row mapped to the ledger columns (our own export's extra columns ignored), the
programme's towns and batches by name, and the town guessed from the address
of a new enterprise."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from relocation.enterprises.ledger_columns import (
    BY_FIELD,
    BY_HEADER,
    COLUMNS,
    EXPORT_ONLY_HEADERS,
    REQUIRED_FIELDS,
    CellError,
    Column,
    is_blank,
    normalise_header,
)
from relocation.enterprises.ledger_import_report import ImportReport, RowError
from relocation.organisation.models import Programme, Unit

EXPORT_ONLY = {normalise_header(h) for h in EXPORT_ONLY_HEADERS}


def _map_headers(header_row: tuple[Any, ...], report: ImportReport) -> dict[int, Column]:
    """Column index → Column. Extra columns are ignored with a warning."""
    mapping: dict[int, Column] = {}
    from openpyxl.utils import get_column_letter

    for index, raw in enumerate(header_row):
        if is_blank(raw):
            continue
        column = BY_HEADER.get(normalise_header(raw))
        if column is None and normalise_header(raw) in EXPORT_ONLY:
            continue  # 属地/分类/进度/批次 of our own export: shown, not imported
        if column is None:
            report.warnings.append(
                _("第%(letter)s列“%(header)s”不是模板中的列，已忽略。")
                % {"letter": get_column_letter(index + 1), "header": raw}
            )
            continue
        if column in mapping.values():
            report.errors.append(RowError(1, column.header, _("列名重复")))
            continue
        mapping[index] = column
    present = {c.field for c in mapping.values()}
    for required in REQUIRED_FIELDS:
        if required not in present:
            report.errors.append(RowError(1, BY_FIELD[required].header, _("缺少必需的列")))
    missing = [c.header for c in COLUMNS if c.field not in present and c.field not in REQUIRED_FIELDS]
    if missing:
        report.warnings.append(_("文件缺少以下列，对应字段保持不变：%(columns)s") % {"columns": "、".join(missing)})
    return mapping


def _column_for(field_name: str | None) -> str:
    column = BY_FIELD.get(field_name or "")
    return column.header if column else _("整行")


class ProgrammeValues:
    """The programme's towns (属地) and batches (批次) by name: the template's
    drop-downs and what the import accepts in those columns."""

    def __init__(self, programme: Programme) -> None:
        from relocation.enterprises.lifecycle_models import Batch
        from relocation.organisation.models import UnitFunction
        from relocation.organisation.selectors import units_with_function

        towns = list(units_with_function(programme, UnitFunction.TERRITORIAL_TOWN))
        self.town_names = [str(unit) for unit in towns]
        self.towns: dict[str, Unit] = {}
        for unit in towns:
            for name in (str(unit), unit.name, unit.short_name):
                if name:
                    self.towns.setdefault(normalise_header(name), unit)
        batches = list(Batch.objects.filter(programme=programme))
        self.batch_names = [b.name for b in batches]
        self.batches = {normalise_header(b.name): b for b in batches}

    def town(self, name: str) -> Unit:
        unit = self.towns.get(normalise_header(name))
        if unit is None:
            raise CellError(
                _("“%(value)s”不是本项目的属地（可选：%(allowed)s）")
                % {"value": name, "allowed": "、".join(self.town_names) or "—"}
            )
        return unit

    def batch(self, name: str) -> Any:
        batch = self.batches.get(normalise_header(name))
        if batch is None:
            raise CellError(
                _("“%(value)s”不是本项目的搬迁批次（可选：%(allowed)s）")
                % {"value": name, "allowed": "、".join(self.batch_names) or "—"}
            )
        return batch


class _TownGuesser:
    """For a new enterprise: the territorial unit whose name appears in the address."""

    def __init__(self, programme: Programme) -> None:
        self.units = [
            (name, unit)
            for unit in Unit.objects.filter(programme=programme, is_territorial=True)
            for name in {unit.name, unit.short_name} - {""}
        ]

    def __call__(self, address: str) -> Unit | None:
        for name, unit in self.units:
            if name and name in address:
                return unit
        return None
