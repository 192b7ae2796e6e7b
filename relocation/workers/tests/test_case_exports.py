"""劳动纠纷案件 exports what the list shows: its columns, its filters, a
Chinese file name, formula-safe cells and no worker's personal data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relocation.core.tests.exports import assert_header_matches, attachment_name, table_header, workbook_rows
from relocation.workers.models import LabourCase

pytestmark = pytest.mark.django_db


def test_the_case_export_matches_the_page_and_its_filters(client, hq_staff, enterprise, make_case):
    case = make_case(enterprise)
    LabourCase.objects.filter(pk=case.pk).update(summary="@SUM(A1)停产后工资未发")
    client.force_login(hq_staff)
    url = reverse("workers:cases")
    page = client.get(url).content.decode()
    assert "export=xlsx" in page
    response = client.get(url, {"export": "xlsx"})
    assert attachment_name(response).startswith("劳动纠纷案件-")
    rows = workbook_rows(response)
    assert_header_matches(table_header(page, "case-table"), rows[0])
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["情况摘要"] == "'@SUM(A1)停产后工资未发"
    assert record["涉及金额(元)"] == 3000
    other = "severance" if case.kind != "severance" else "wage_arrears"
    assert len(workbook_rows(client.get(url, {"export": "xlsx", "kind": other}))) == 1
    assert len(workbook_rows(client.get(url, {"export": "xlsx", "status": case.status}))) == 2
