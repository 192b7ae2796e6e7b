"""The roster workbook: an export with personal data masked, and an import
that writes every row or none, naming each bad row and column."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from relocation.core.errors import PermissionDeniedError
from relocation.core.models import AuditEvent
from relocation.workers import roster_excel
from relocation.workers.models import Worker
from relocation.workers.tests.conftest import valid_id

pytestmark = pytest.mark.django_db
HEADERS = ["姓名", "身份证号", "手机号码", "工资卡账号", "岗位", "入职日期", "月工资(元)"]


def workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_it_imports_every_row_and_audits_each(enterprise, bureau):
    content = workbook(
        [
            ["张三", valid_id(1), "13800000001", "6222000011112222", "电镀工", "2019-03-01", 5200],
            ["李四", valid_id(2), None, None, "质检员", None, "4800"],
        ]
    )
    report = roster_excel.import_roster(actor=bureau, enterprise=enterprise, content=content, file_name="r.xlsx")
    assert report.applied and (report.created, report.updated) == (2, 0)
    assert Worker.objects.filter(enterprise=enterprise).count() == 2
    assert AuditEvent.objects.filter(action="worker.created").count() == 2
    assert AuditEvent.objects.filter(action="worker.roster_imported", enterprise_id=enterprise.pk).exists()


def test_one_bad_row_means_nothing_is_written_and_each_error_is_named(enterprise, bureau):
    content = workbook(
        [
            ["张三", valid_id(1), "", "", "", "", 5000],
            ["李四", "440000000000000000", "", "", "", "", 5000],
            ["王五", valid_id(1), "", "", "", "", 5000],
            ["赵六", valid_id(4), "", "", "", "昨天", 5000],
            ["钱七", valid_id(5), "", "12ab", "", "", 5000],
        ]
    )
    report = roster_excel.import_roster(actor=bureau, enterprise=enterprise, content=content)
    assert not report.applied
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "身份证号"),
        (4, "身份证号"),
        (5, "入职日期"),
        (6, "工资卡账号"),
    ]
    assert "第2行" in report.errors[1].reason
    assert not Worker.objects.exists() and not AuditEvent.objects.filter(action__startswith="worker.").exists()


def test_reimporting_our_masked_export_updates_nothing_personal(enterprise, worker, bureau):
    exported = load_workbook(io.BytesIO(roster_excel.export_roster([worker])))
    row = [c.value for c in list(exported.active.iter_rows())[1]]
    assert row[1] == "4419**********" + worker.id_number[-4:] and row[2] == "138****5678"
    assert row[3].endswith("3445") and "0200112233445" not in row[3]
    content = workbook([[worker.name, worker.id_number, row[2], row[3], "质检员", None, 5000]])
    report = roster_excel.import_roster(actor=bureau, enterprise=enterprise, content=content)
    assert report.applied and report.updated == 1
    fresh = Worker.objects.get(pk=worker.pk)
    assert (fresh.job, fresh.phone, fresh.bank_account) == ("质检员", "13812345678", "6222020200112233445")


def test_a_file_that_is_not_a_workbook_is_refused(enterprise, bureau):
    with pytest.raises(roster_excel.FileRefused):
        roster_excel.import_roster(actor=bureau, enterprise=enterprise, content=b"not a zip")


def test_units_without_a_say_cannot_import(enterprise, other_town):
    with pytest.raises(PermissionDeniedError):
        roster_excel.import_roster(actor=other_town, enterprise=enterprise, content=workbook([]))


def test_the_import_page_lists_the_errors(client, bureau, enterprise):
    client.force_login(bureau)
    upload = SimpleUploadedFile("roster.xlsx", workbook([["", valid_id(1)]]))
    response = client.post(reverse("workers:import", args=[enterprise.pk]), {"file": upload})
    body = response.content.decode()
    assert 'id="import-errors"' in body and "姓名不能为空" in body


def test_the_export_is_masked(client, hq_staff, enterprise, worker):
    client.force_login(hq_staff)
    response = client.get(reverse("workers:export", args=[enterprise.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert worker.id_number not in values and "13812345678" not in values
