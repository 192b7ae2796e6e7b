"""The one export mechanism: file names, formula safety, widths, the link tag, the API action."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone
from openpyxl import load_workbook

from relocation.core import spreadsheets
from relocation.core.spreadsheets import Col, content_disposition, export_table
from relocation.core.tests.exports import attachment_name, workbook_rows


def test_a_chinese_file_name_is_sent_as_rfc5987_with_an_ascii_fallback():
    header = content_disposition("任务清单-20261207-1522.xlsx")
    assert header.startswith('attachment; filename="export-20261207-1522.xlsx"; ')
    assert "filename*=UTF-8''%E4%BB%BB%E5%8A%A1%E6%B8%85%E5%8D%95-20261207-1522.xlsx" in header
    assert content_disposition('a"\r\nb.xlsx') == "attachment; filename=\"ab.xlsx\"; filename*=UTF-8''a%22%0D%0Ab.xlsx"


@pytest.mark.parametrize("evil", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_every_text_cell_that_would_run_as_a_formula_is_quoted(evil):
    response = export_table("测试", [Col("名称", lambda o: o), Col("数", lambda o: -5)], [evil])
    rows = workbook_rows(response)
    assert rows[1] == ("'" + evil, -5)
    assert attachment_name(response).startswith("测试-")


def test_cells_are_typed_and_columns_have_widths():
    when = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 30))
    columns = [
        Col("日期", lambda o: dt.date(2026, 1, 2), 12),
        Col("时间", lambda o: when, 18),
        Col("是否", lambda o: True),
    ]
    response = export_table("类型", columns, [object()])
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.title == "类型"
    assert sheet["A2"].value == dt.datetime(2026, 1, 2) and sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet["B2"].value == timezone.localtime(when).replace(tzinfo=None)
    assert sheet["C2"].value == "是"
    assert sheet.column_dimensions["A"].width == 12 and sheet.column_dimensions["B"].width == 18
    assert sheet.freeze_panes == "A2"


def test_the_export_link_keeps_the_filters_and_drops_the_page():
    request = RequestFactory().get("/tasks/", {"status": "open", "unit": "3", "page": "4"})
    html = Template("{% load rhq %}{% export_link %}").render(Context({"request": request}))
    assert 'href="/tasks/?status=open&amp;unit=3&amp;export=xlsx"' in html
    assert "export-link" in html and "导出 Excel" in html
    other = Template("{% load rhq %}{% export_link '/x/export/' %}").render(Context({"request": request}))
    assert 'href="/x/export/?status=open&amp;unit=3"' in other


def test_the_limit_caps_the_rows(monkeypatch):
    response = export_table("多", [Col("n", lambda o: o)], list(range(10)), limit=3)
    assert len(workbook_rows(response)) == 11  # a list is not a queryset: the caller slices it
    assert spreadsheets.EXPORT_MAX_ROWS >= 100_000


@pytest.mark.django_db
def test_the_api_export_action_answers_the_filtered_list(client, auditor):
    from relocation.core import audit

    audit.record(actor=None, action="test.evil", obj=None, summary="=cmd|' /C calc'!A0")
    audit.record(actor=None, action="test.other", obj=None, summary="ok")
    from relocation.core.tests.personas import verified_login

    verified_login(client, auditor)
    response = client.get("/api/core/audit-events/export/", {"action": "test.evil"})
    rows = workbook_rows(response)
    assert rows[0][0] == "序号"
    assert [r[4] for r in rows[1:]] == ["test.evil"]
    assert rows[1][9].startswith("'=")
