"""The 诉求 inbox exports what it shows: its columns, its filters, a Chinese
file name, formula-safe cells and none of the submitter's contact details."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relocation.core.tests.exports import assert_header_matches, attachment_name, table_header, workbook_rows

pytestmark = pytest.mark.django_db


def test_the_inbox_export_matches_the_page_and_its_filters(client, hq_staff, assigned, submit):
    submit(subject="-1+1 河涌发黑", kind="pollution")
    client.force_login(hq_staff)
    url = reverse("portal:inbox")
    page = client.get(url).content.decode()
    assert "export=xlsx" in page
    response = client.get(url, {"export": "xlsx"})
    assert attachment_name(response).startswith("诉求办理-")
    rows = workbook_rows(response)
    assert_header_matches(table_header(page, "inbox"), rows[0])
    assert "'-1+1 河涌发黑" in {r[2] for r in rows[1:]}
    flat = " ".join(str(c) for r in rows for c in r)
    assert "13800138000" not in flat and "李女士" not in flat
    only = workbook_rows(client.get(url, {"export": "xlsx", "q": assigned.number}))
    assert [r[0] for r in only[1:]] == [assigned.number]
