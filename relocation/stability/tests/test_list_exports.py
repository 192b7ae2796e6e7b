"""The stability lists (风险研判, 事件, 舆情) export what they show: the page's
columns, its filters, a Chinese file name and cells that cannot run as formulas."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relocation.core.tests.exports import assert_header_matches, attachment_name, table_header, workbook_rows
from relocation.stability.models import Incident

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name,table,file_name,fixture",
    [
        ("stability:risks", "risk-table", "稳定风险研判-", "risk"),
        ("stability:incidents", "incident-table", "维稳事件-", "incident"),
        ("stability:opinions", "opinion-table", "舆情处置-", "opinion"),
    ],
)
def test_each_list_exports_its_columns(request, client, hq_staff, url_name, table, file_name, fixture):
    request.getfixturevalue(fixture)
    client.force_login(hq_staff)
    url = reverse(url_name)
    page = client.get(url).content.decode()
    assert "export=xlsx" in page
    response = client.get(url, {"export": "xlsx"})
    assert attachment_name(response).startswith(file_name)
    rows = workbook_rows(response)
    assert_header_matches(table_header(page, table), rows[0])
    assert len(rows) == 2


def test_the_incident_export_follows_the_filter_and_defuses_formulas(client, hq_staff, incident):
    Incident.objects.filter(pk=incident.pk).update(title='=HYPERLINK("http://x")')
    client.force_login(hq_staff)
    rows = workbook_rows(client.get(reverse("stability:incidents"), {"export": "xlsx"}))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    other = "petition" if incident.kind != "petition" else "labour_dispute"
    rows = workbook_rows(client.get(reverse("stability:incidents"), {"export": "xlsx", "kind": other}))
    assert len(rows) == 1


def test_the_opinion_export_keeps_the_overdue_filter(client, hq_staff, opinion):
    client.force_login(hq_staff)
    rows = workbook_rows(client.get(reverse("stability:opinions"), {"export": "xlsx", "overdue": "1"}))
    assert len(rows) == 1
    rows = workbook_rows(client.get(reverse("stability:opinions"), {"export": "xlsx"}))
    assert rows[1][1] == "网帖称B区关停一刀切"


def test_the_risk_export_shows_the_signal_raised_level(client, hq_staff, risk):
    client.force_login(hq_staff)
    rows = workbook_rows(client.get(reverse("stability:risks"), {"export": "xlsx", "level": "high"}))
    assert len(rows) == 1
    rows = workbook_rows(client.get(reverse("stability:risks"), {"export": "xlsx", "level": "medium"}))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["企业"] == risk.enterprise.name
    assert "拖欠工资" in record["风险因素"]
