"""属地 and 批次 in the ledger template (the programme's values as drop-downs)
and in the import."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from relocation.enterprises import batches
from relocation.enterprises.ledger_columns import HEADERS
from relocation.enterprises.ledger_import import import_ledger
from relocation.enterprises.models import Enterprise
from relocation.enterprises.tests.workbooks import row, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(hq_staff, programme):
    return batches.batch_create(actor=hq_staff, programme=programme, name="第一批", deadline=dt.date(2030, 6, 30))


def test_the_template_offers_the_programmes_towns_and_batches(client, hq_staff, units, batch):
    client.force_login(hq_staff)
    book = load_workbook(io.BytesIO(client.get("/enterprises/import/template/").content))
    sheet = book["企业台账"]
    lists = book["可选值"]
    assert lists.sheet_state == "hidden"
    rules = {str(v.sqref).split(":")[0][:-1]: v.formula1 for v in sheet.data_validations.dataValidation}
    town_letter = chr(ord("A") + HEADERS.index("属地"))
    batch_letter = chr(ord("A") + HEADERS.index("批次"))
    assert "可选值" in rules[town_letter] and "可选值" in rules[batch_letter]
    towns = [c.value for c in lists["A"] if c.value]
    assert str(units["humen"]) in towns
    assert [c.value for c in lists["B"] if c.value] == ["第一批"]


def test_the_import_reads_the_town_and_the_batch(hq_staff, programme, units, batch):
    content = workbook([row(1, 属地=str(units["humen"]), 批次="第一批"), row(2, 地址="某地")])
    report = import_ledger(actor=hq_staff, programme=programme, content=content)
    assert report.applied, report.errors
    first = Enterprise.objects.get(name="东莞市导入1号电镀有限公司")
    assert first.territorial_unit == units["humen"]
    assert first.relocation_plan.batch == batch
    second = Enterprise.objects.get(name="东莞市导入2号电镀有限公司")
    assert not hasattr(second, "relocation_plan")  # a blank 批次 plans nothing


def test_a_batch_cell_alone_updates_the_row(hq_staff, programme, units, batch):
    import_ledger(actor=hq_staff, programme=programme, content=workbook([row(1)]))
    report = import_ledger(actor=hq_staff, programme=programme, content=workbook([row(1, 批次="第一批")]))
    assert report.applied and [u.fields for u in report.updated] == [["batch"]]
    assert Enterprise.objects.get().relocation_plan.batch == batch


def test_unknown_towns_and_batches_are_refused_with_the_choices(hq_staff, programme, units, batch):
    content = workbook([row(1, 属地="火星镇"), row(2, 批次="第九批")])
    report = import_ledger(actor=hq_staff, programme=programme, content=content)
    assert not report.applied and Enterprise.objects.count() == 0
    reasons = {(e.row, e.column): e.reason for e in report.errors}
    assert "不是本项目的属地" in reasons[(2, "属地")] and str(units["humen"]) in reasons[(2, "属地")]
    assert "不是本项目的搬迁批次" in reasons[(3, "批次")] and "第一批" in reasons[(3, "批次")]
