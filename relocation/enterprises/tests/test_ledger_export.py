"""Exporting the ledger: the list's filters, the template's columns, no leaks."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from relocation.enterprises.ledger_columns import HEADERS

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
    assert list(rows[0]) == HEADERS
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
    assert list(rows[0]) == HEADERS and rows[1][0] == enterprise.name


def test_an_outsider_without_a_staff_role_cannot_export(client, enterprise_contact):
    client.force_login(enterprise_contact)
    assert client.get("/enterprises/export/").status_code == 403
