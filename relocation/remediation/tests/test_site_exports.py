"""污染地块 exports what the list shows: its columns and counts, its filters,
a Chinese file name and formula-safe cells."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relocation.core.tests.exports import assert_header_matches, attachment_name, table_header, workbook_rows
from relocation.remediation.models import Site

pytestmark = pytest.mark.django_db


def test_the_site_export_matches_the_page_and_its_filters(client, hq_staff, site):
    Site.objects.filter(pk=site.pk).update(name="+精艺电镀原厂址地块")
    client.force_login(hq_staff)
    url = reverse("remediation:list")
    page = client.get(url).content.decode()
    assert "export=xlsx" in page
    response = client.get(url, {"export": "xlsx"})
    assert attachment_name(response).startswith("污染地块-")
    rows = workbook_rows(response)
    assert_header_matches(table_header(page, "site-table"), rows[0])
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["地块编号"] == "HM-001" and record["地块"] == "'+精艺电镀原厂址地块"
    assert record["检测结果"] == 0
    assert len(workbook_rows(client.get(url, {"export": "xlsx", "q": "不存在的地块"}))) == 1
