"""The overdue list and the batches export what they show."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from relocation.core.tests.exports import assert_header_matches, table_header, workbook_rows
from relocation.enterprises import batches

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2022, 1, 10, 9, 0), tick=False)
def test_the_overdue_export_matches_the_page(
    client, hq_staff, programme, make_enterprise, django_assert_max_num_queries
):
    batch = batches.batch_create(actor=hq_staff, programme=programme, name="第一批", deadline=dt.date(2021, 12, 31))
    late = [make_enterprise(name=f"逾期电镀厂{n}") for n in range(20)]
    batches.batch_assign(actor=hq_staff, batch=batch, enterprises=late)
    client.force_login(hq_staff)
    url = reverse("enterprises:lifecycle_overdue")
    page = client.get(url).content.decode()
    with django_assert_max_num_queries(10):
        response = client.get(url, {"export": "xlsx"})
    rows = workbook_rows(response)
    assert_header_matches(table_header(page, "overdue-table"), rows[0], skip=("批次（时限）", "强制关停"))
    assert {"批次", "关停时限"} <= set(rows[0])
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["批次"] == "第一批" and record["关停时限"] == dt.datetime(2021, 12, 31)
    assert record["属地"] == str(late[0].territorial_unit)
    assert len(rows) == 21


def test_the_batch_export_has_one_row_per_batch(client, hq_staff, programme, make_enterprise):
    batch = batches.batch_create(actor=hq_staff, programme=programme, name="第一批", deadline=dt.date(2030, 1, 1))
    batches.batch_assign(actor=hq_staff, batch=batch, enterprises=[make_enterprise(), make_enterprise()])
    client.force_login(hq_staff)
    url = reverse("enterprises:batch_list")
    assert "export=xlsx" in client.get(url).content.decode()
    rows = workbook_rows(client.get(url, {"export": "xlsx"}))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["批次"] == "第一批" and record["企业数"] == 2 and record["已完成"] == 0


def test_a_unit_member_cannot_export_the_overdue_list(client, liaison):
    client.force_login(liaison)
    assert client.get(reverse("enterprises:lifecycle_overdue"), {"export": "xlsx"}).status_code == 403
