"""Writing ledger workbooks: the blank import template and the export of
what the list shows (the template's columns, then 属地, 分类, 搬迁进度 and
批次 as the list shows them; phones masked, no live formulas)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from relocation.core.masking import mask_phone
from relocation.core.spreadsheets import XLSX_CONTENT_TYPE, Col, cell_value, safe_cell
from relocation.enterprises.ledger_columns import BY_FIELD, COLUMNS, EXPORT_ONLY_HEADERS, HEADERS
from relocation.enterprises.models import CapitalBackground, Enterprise, Industry, Process, PropertyOwnerType

__all__ = ["XLSX_CONTENT_TYPE", "export_ledger", "ledger_template"]

SHEET = "企业台账"

# What the list shows beyond the template's columns, after them (the import
# skips these: 分类 and 进度 change through their own confirmations).
EXTRA_COLUMNS = [
    Col(EXPORT_ONLY_HEADERS[0], lambda e: e.category.name if e.category_id else "", 16),
    Col(EXPORT_ONLY_HEADERS[1], lambda e: e.get_status_display(), 14),
]
EXPORT_HEADERS = HEADERS + [c.header for c in EXTRA_COLUMNS]
# What the export reads besides the enterprise row: one query, no N+1.
EXPORT_RELATED = ("territorial_unit", "category", "relocation_plan__batch")


def _batch_name(enterprise: Enterprise) -> str:
    try:
        plan = enterprise.relocation_plan
    except ObjectDoesNotExist:
        return ""
    return plan.batch.name if plan.batch_id else ""


def row_values(enterprise: Enterprise) -> list[Any]:
    values: list[Any] = []
    for column in COLUMNS:
        value = _batch_name(enterprise) if column.field == "batch" else getattr(enterprise, column.field)
        if column.field == "contact_phone":
            value = mask_phone(value)
        elif column.write is not None:
            value = column.write(value)
        if value is None:
            value = ""
        values.append(safe_cell(value))
    return values


def export_ledger(enterprises: Iterable[Enterprise]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    for index, width in enumerate([c.width for c in COLUMNS] + [c.width for c in EXTRA_COLUMNS], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in EXPORT_HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for enterprise in enterprises:
        row: list[Any] = []
        extra = [cell_value(c.value(enterprise)) for c in EXTRA_COLUMNS]
        for value in row_values(enterprise) + extra:
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                row.append(cell)
            else:
                row.append(value)
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _programme_lists(workbook: Any, sheet: Any, programme: Any) -> None:
    """属地 and 批次 as drop-downs: the names sit on a hidden sheet (a list
    typed into the rule is limited to 255 characters)."""
    from relocation.enterprises.ledger_import_values import ProgrammeValues

    values = ProgrammeValues(programme)
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    for col, (field, names) in enumerate((("territorial_unit", values.town_names), ("batch", values.batch_names)), 1):
        if not names:
            continue
        for row, name in enumerate(names, start=1):
            lists.cell(row=row, column=col, value=safe_cell(name))
        source = f"'{LISTS_SHEET}'!${get_column_letter(col)}$1:${get_column_letter(col)}${len(names)}"
        letter = get_column_letter(COLUMNS.index(BY_FIELD[field]) + 1)
        validation = DataValidation(type="list", formula1=source, allow_blank=True)
        validation.error = _("请从下拉列表中选择。")
        validation.add(f"{letter}2:{letter}10000")
        sheet.add_data_validation(validation)


LISTS_SHEET = "可选值"


def _labels(choices: Any) -> str:
    return ",".join(str(label) for _value, label in choices)


def ledger_template(programme: Any = None) -> bytes:
    """The blank workbook to fill in: the headers, drop-down lists where the
    values are fixed (属地 and 批次: the programme's towns and batches), and a
    second sheet explaining each column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = fill
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    for field, choices in (
        ("industry", Industry.choices),
        ("capital_background", CapitalBackground.choices),
        ("property_owner_type", PropertyOwnerType.choices),
    ):
        letter = get_column_letter(COLUMNS.index(BY_FIELD[field]) + 1)
        validation = DataValidation(type="list", formula1=f'"{_labels(choices)}"', allow_blank=True)
        validation.add(f"{letter}2:{letter}10000")
        sheet.add_data_validation(validation)
    if programme is not None:
        _programme_lists(workbook, sheet, programme)
    letter = get_column_letter(COLUMNS.index(BY_FIELD["is_key_polluter"]) + 1)
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    yes_no.add(f"{letter}2:{letter}10000")
    sheet.add_data_validation(yes_no)

    notes = workbook.create_sheet(_("填写说明"))
    notes.append([_("列"), _("说明")])
    explanations = {
        "name": _("必填。"),
        "credit_code": _("必填，18位，按 GB 32100-2015 校验。已在台账中的信用代码将更新该企业，不会重复新增。"),
        "contact_phone": _("手机或座机号码。导出文件中的号码已脱敏（含 *），再次导入时保持原号码不变。"),
        "industry": _labels(Industry.choices),
        "processes": _("可多选，用 、 , ， / 分隔：") + _labels(Process.choices),
        "capital_background": _labels(CapitalBackground.choices),
        "is_key_polluter": _("是 / 否（也可填 Y / N）"),
        "permit_expires_on": _("日期：2022-06-30、2022/6/30、2022.6.30、2022年6月30日 或 Excel 日期"),
        "lease_ends_on": _("日期，格式同上"),
        "property_owner_type": _labels(PropertyOwnerType.choices),
        "territorial_unit": _("从下拉列表选择本项目的属地镇街；新增企业留空时按地址推断。"),
        "batch": _("从下拉列表选择本项目的搬迁批次；留空则不变。"),
        "longitude": _("十进制度数，如 113.69"),
        "latitude": _("十进制度数，如 22.82"),
    }
    for column in COLUMNS:
        notes.append([column.header, str(explanations.get(column.field, ""))])
    notes.append([])
    notes.append([_("空白单元格：新增时取默认值，更新时保持原值不变。模板以外的列会被忽略并提示。")])
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
