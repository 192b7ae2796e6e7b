"""Exporting the ledger: the list's filters, the template's columns, no leaks."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from relocation.core.tests.exports import assert_header_matches, attachment_name, table_header, workbook_rows
from relocation.enterprises.ledger_columns import HEADERS
from relocation.enterprises.ledger_export import EXPORT_HEADERS

pytestmark = pytest.mark.django_db


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def test_it_exports_what_the_list_shows(client, hq_staff, make_enterprise):
    make_enterprise(name="东莞市威远五金电镀有限公司")
    make_enterprise(name="东莞市南栅印染有限公司", industry="dyeing", processes=["dyeing", "printing"])
    client.force_login(hq_staff)
    response = client.get("/enterprises/export/", {"industry": "dyeing"})
    assert response.status_code == 200
    rows = list(sheet_of(response.content).iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADERS
    assert [r[0] for r in rows[1:]] == ["东莞市南栅印染有限公司"]
    assert rows[1][HEADERS.index("行业类别")] == "印染"
    assert rows[1][HEADERS.index("主要工艺")] == "染色、印花"


def test_phones_are_masked(client, hq_staff, enterprise):
    client.force_login(hq_staff)
    content = client.get("/enterprises/export/").content
    row = [c.value for c in sheet_of(content)[2]]
    assert row[HEADERS.index("联系电话")] == "138****5678"
    assert b"13812345678" not in content


@pytest.mark.parametrize("dangerous", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("http://evil","x")'])
def test_formula_injection_is_neutralised(client, hq_staff, make_enterprise, dangerous):
    make_enterprise(name="东莞市安全电镀有限公司", address=dangerous, legal_representative=dangerous)
    client.force_login(hq_staff)
    sheet = sheet_of(client.get("/enterprises/export/").content)
    cell = sheet.cell(row=2, column=HEADERS.index("地址") + 1)
    assert cell.data_type == "s" and cell.value == "'" + dangerous


def test_the_export_command_writes_the_workbook(tmp_path, programme, enterprise):
    target = tmp_path / "ledger.xlsx"
    call_command("export_ledger", str(target), stdout=StringIO())
    rows = list(sheet_of(target.read_bytes()).iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADERS and rows[1][0] == enterprise.name


def test_an_outsider_without_a_staff_role_cannot_export(client, enterprise_contact):
    client.force_login(enterprise_contact)
    assert client.get("/enterprises/export/").status_code == 403


def test_the_export_carries_locality_category_progress_and_batch_like_the_list(client, hq_staff, make_enterprise):
    import datetime as dt

    from relocation.enterprises.lifecycle_models import Batch, RelocationPlan
    from relocation.enterprises.models import Category

    category = Category.objects.first() or Category.objects.create(code="x", name="关停类")
    planned = make_enterprise(name="东莞市甲电镀有限公司", category=category, status="agreed")
    make_enterprise(name="东莞市乙电镀有限公司")
    batch = Batch.objects.create(programme=planned.programme, name="第一批", deadline=dt.date(2026, 6, 30))
    RelocationPlan.objects.create(enterprise=planned, batch=batch)
    client.force_login(hq_staff)
    page = client.get("/enterprises/").content.decode()
    response = client.get("/enterprises/export/")
    rows = workbook_rows(response)
    assert_header_matches(table_header(page, "ledger-table"), rows[0], ordered=False)
    assert attachment_name(response).startswith("企业台账-")
    by_name = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    first = by_name["东莞市甲电镀有限公司"]
    assert first["属地"] == str(planned.territorial_unit)
    assert first["分类"] == category.name
    assert first["搬迁进度"] == planned.get_status_display()
    assert first["批次"] == "第一批"
    assert by_name["东莞市乙电镀有限公司"]["批次"] is None


def test_the_export_reads_a_fixed_number_of_queries(client, hq_staff, make_enterprise, django_assert_max_num_queries):
    for _n in range(30):
        make_enterprise()
    client.force_login(hq_staff)
    with django_assert_max_num_queries(12):
        response = client.get("/enterprises/export/")
    assert len(workbook_rows(response)) == 31


def test_an_exported_file_imports_back_without_warnings(hq_staff, enterprise, programme):
    from relocation.enterprises.ledger_export import export_ledger
    from relocation.enterprises.ledger_import import import_ledger
    from relocation.enterprises.models import Enterprise

    qs = Enterprise.objects.select_related("territorial_unit", "category")
    report = import_ledger(actor=hq_staff, programme=programme, content=export_ledger(qs), dry_run=True)
    assert not report.errors and not report.warnings
    assert len(report.unchanged) == 1
