"""园区分配测算 exports what the list shows, with a Chinese file name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relocation.core.tests.exports import assert_header_matches, attachment_name, table_header, workbook_rows

pytestmark = pytest.mark.django_db


def test_the_proposal_export_matches_the_page(client, hq_staff, park, mover, proposal_for):
    proposal = proposal_for()
    client.force_login(hq_staff)
    url = reverse("parks:proposals")
    page = client.get(url).content.decode()
    assert "export=xlsx" in page
    response = client.get(url, {"export": "xlsx"})
    assert attachment_name(response).startswith("园区分配测算-")
    rows = workbook_rows(response)
    assert_header_matches(table_header(page, "proposal-table"), rows[0])
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["#"] == proposal.pk
    assert record["安置"] == (proposal.result or {}).get("objective", {}).get("placed")
