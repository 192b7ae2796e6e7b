"""Test helpers for list exports: read a workbook response, read a page's table
header, and check one against the other."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import unquote

from openpyxl import load_workbook


def workbook_rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def attachment_name(response: Any) -> str:
    """The file name a browser saves (RFC 5987 filename*)."""
    match = re.search(r"filename\*=UTF-8''([^;]+)", response["Content-Disposition"])
    assert match, response["Content-Disposition"]
    return unquote(match[1])


_TH = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def table_header(html: str, table_id: str) -> list[str]:
    """The header cells' text of <table id=table_id>."""
    start = html.index(f'id="{table_id}"')
    thead = html[start : html.index("</thead>", start)]
    return [re.sub(r"\s+", " ", _TAGS.sub("", cell)).strip() for cell in _TH.findall(thead)]


def assert_header_matches(
    page_header: list[str], export_header: tuple[Any, ...], *, skip: tuple[str, ...] = (), ordered: bool = True
) -> None:
    """Every column the page shows is in the file (in the page's order unless
    the file's order is fixed elsewhere, as the ledger template's is)."""
    wanted = [h for h in page_header if h and h not in skip]
    exported = [str(h) for h in export_header if h is not None]
    missing = [h for h in wanted if h not in exported]
    assert not missing, f"page columns missing from the export: {missing} (export: {exported})"
    positions = [exported.index(h) for h in wanted]
    assert not ordered or positions == sorted(positions), f"export order differs from the page: {wanted} vs {exported}"


def visible_header(page: Any, table_id: str) -> list[str]:
    """In a browser test: the header cells of <table id=table_id> as shown."""
    return [t.strip() for t in page.locator(f"#{table_id} thead th").all_inner_texts() if t.strip()]


def browser_download(page: Any, tmp_path: Any) -> tuple[str, list[tuple[Any, ...]]]:
    """In a browser test: click the page's 导出 Excel, open the file; its name and rows."""
    with page.expect_download() as info:
        page.locator("a.export-link").first.click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(str(path))
    return download.suggested_filename, list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
