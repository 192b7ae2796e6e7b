"""The inspection and measure lists export what they show."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relocation.core.tests.exports import assert_header_matches, attachment_name, table_header, workbook_rows
from relocation.enforcement.models import Measure

pytestmark = pytest.mark.django_db


def test_the_inspection_export_matches_the_page_and_is_formula_safe(
    client, inspector, record, django_assert_max_num_queries
):
    for _n in range(15):
        record(findings="=1+2")
    client.force_login(inspector)
    url = reverse("enforcement:inspection_list")
    page = client.get(url).content.decode()
    assert "export=xlsx" in page
    with django_assert_max_num_queries(12):
        response = client.get(url, {"export": "xlsx"})
    rows = workbook_rows(response)
    assert_header_matches(table_header(page, "inspection-table"), rows[0])
    assert attachment_name(response).startswith("检查记录-")
    assert len(rows) == 16
    assert dict(zip(rows[0], rows[1], strict=True))["检查情况"] == "'=1+2"


def test_the_measure_export_keeps_the_status_filter(client, inspector, violation):
    client.force_login(inspector)
    client.post(reverse("enforcement:measure_create", args=[violation.pk]), {"kind": "rectification", "workdays": 7})
    measure = Measure.objects.get()
    url = reverse("enforcement:measure_list")
    page = client.get(url).content.decode()
    rows = workbook_rows(client.get(url, {"export": "xlsx"}))
    assert_header_matches(table_header(page, "measure-table"), rows[0])
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["企业"] == measure.enterprise.name and record["违法行为"] == "通过暗管排放电镀废水"
    other = next(v for v in type(measure).status.field.choices if v[0] != measure.status)[0]
    assert len(workbook_rows(client.get(url, {"export": "xlsx", "status": other}))) == 1


def test_who_may_not_read_the_list_may_not_export_it(client, enterprise_contact, record):
    record()
    client.force_login(enterprise_contact)
    assert client.get(reverse("enforcement:inspection_list"), {"export": "xlsx"}).status_code == 403


def test_the_api_exports_inspections_and_measures(client, inspector, record):
    record()
    client.force_login(inspector)
    rows = workbook_rows(client.get("/api/enforcement/inspections/export/"))
    assert rows[0][:2] == ("日期", "企业") and len(rows) == 2
    assert workbook_rows(client.get("/api/enforcement/measures/export/"))[0][0] == "企业"
