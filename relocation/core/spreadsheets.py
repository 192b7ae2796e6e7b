"""Writing Excel files that are safe to open, and reading the cells of imports.

A cell whose text starts with = + - @ (or a tab/CR) is run as a formula by
Excel and WPS; an attacker who puts "=HYPERLINK(...)" into a field could make
an export run it on an official's machine. Every exported text cell goes
through `safe_cell`, which prefixes such text with a quote (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# `?export=xlsx` on a list page answers the list as a workbook: same view, same
# selector, same filters, every row (not only the page) up to EXPORT_MAX_ROWS.
EXPORT_PARAM = "export"
EXPORT_VALUE = "xlsx"
EXPORT_MAX_ROWS = 100_000


@dataclass(frozen=True)
class Col:
    """One exported column: its header (the list page's header) and how to read
    the value from a row object; `width` in Excel character units."""

    header: Any
    value: Callable[[Any], Any]
    width: int = 14


def cell_value(value: Any) -> Any:
    """What a cell can hold: lazy text as text, aware times in local time
    without tzinfo (Excel has none), None as blank, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, Promise):
        value = str(value)
    elif isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    elif isinstance(value, bool):
        value = str(_("是") if value else _("否"))
    elif not isinstance(value, (str, int, float, Decimal, dt.date)):
        value = str(value)
    return safe_cell(value)


def workbook_bytes(
    *,
    title: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
) -> bytes:
    """One sheet, a bold frozen header row, every cell made safe, dates as
    dates; streamed row by row (write-only mode) so a large export does not
    hold the workbook in memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(title)[:31])
    for index, header in enumerate(headers, start=1):
        width = widths[index - 1] if widths and index <= len(widths) else max(10, min(40, 2 * len(str(header)) + 4))
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=safe_cell(str(h)))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        out: list[Any] = []
        for raw in row:
            value = cell_value(raw)
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def content_disposition(filename: str) -> str:
    """An attachment header with the Chinese name for every browser (RFC 6266 /
    RFC 5987 filename*) and an ASCII name for clients that do not read it."""
    fallback = "".join(ch for ch in filename if ch.isascii() and ch.isprintable() and ch not in '"\\')
    fallback = fallback.strip(" -_")
    if fallback in ("", ".xlsx") or not fallback.endswith(".xlsx"):
        fallback = "export.xlsx"
    elif not fallback[0].isalpha():
        fallback = "export-" + fallback
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def export_filename(name: Any) -> str:
    """The list's name and the local time: 任务清单-20261207-1522.xlsx."""
    return f"{name}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def wants_export(request: Any) -> bool:
    return request.GET.get(EXPORT_PARAM) == EXPORT_VALUE


def export_table(
    name: Any, columns: Sequence[Col], objects: Iterable[Any], *, limit: int = EXPORT_MAX_ROWS
) -> HttpResponse:
    """The one way a list becomes a workbook: `name` is the sheet and the file
    name, `columns` the page's columns, `objects` the list's own queryset
    (already scoped and filtered by the list's selector)."""
    if hasattr(objects, "iterator"):
        objects = objects[:limit].iterator(chunk_size=2000)  # type: ignore[index]
    rows = ([column.value(obj) for column in columns] for obj in objects)
    content = workbook_bytes(
        title=str(name), headers=[str(c.header) for c in columns], rows=rows, widths=[c.width for c in columns]
    )
    return xlsx_response(export_filename(name), content)


# The date spellings people type into Excel and CSV files here; a real Excel
# date cell arrives as a date(time) already.
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d")


def cell_date(value: Any) -> dt.date | None:
    """An imported cell as a date, or None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def cell_decimal(value: Any) -> Decimal | None:
    """An imported cell as a finite decimal (thousands separators allowed), or
    None when it is empty or not a number."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


XLSX_MAGIC = b"PK\x03\x04"


def is_workbook(data: bytes) -> bool:
    """An .xlsx file is a zip archive; anything else is read as CSV."""
    return data[:4] == XLSX_MAGIC


def read_table(data: bytes) -> list[list[Any]]:
    """The rows of an import: the first sheet of a workbook, or a CSV in UTF-8
    or GB18030 (what Excel and WPS save on Chinese Windows). The caller checks
    a workbook's zip directory first (`ledger_import.check_file_safety`).
    Raises ValueError with a message for the user when the text cannot be decoded."""
    if is_workbook(data):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(_("无法识别文件编码，请另存为 UTF-8 CSV 或 Excel。"))
    return list(csv.reader(io.StringIO(text)))
