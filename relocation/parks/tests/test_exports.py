"""入园需求 exports what the page shows, at a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from relocation.core.tests.exports import assert_header_matches, table_header, workbook_rows

pytestmark = pytest.mark.django_db


def test_the_demand_export_matches_the_page(client, hq_staff, mover, make_enterprise, django_assert_max_num_queries):
    for n in range(10):
        make_enterprise(name=f"东莞市入园{n}号", intention="move_to_park", wastewater_t_per_day=Decimal("10"))
    client.force_login(hq_staff)
    url = reverse("parks:demands")
    page = client.get(url).content.decode()
    assert "export=xlsx" in page
    with django_assert_max_num_queries(12):
        response = client.get(url, {"export": "xlsx"})
    rows = workbook_rows(response)
    assert_header_matches(table_header(page, "demand-table"), rows[0])
    record = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}[mover.name]
    assert record["面积(平方米)"] == 1200
    assert len(rows) == 12
