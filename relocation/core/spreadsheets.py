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
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def workbook_bytes(*, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet, a bold header row, every cell made safe; streamed row by row
    (write-only mode) so a large export does not hold the workbook in memory."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=safe_cell(str(h)))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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
