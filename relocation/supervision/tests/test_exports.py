"""The task and special-inspection lists export what they show (filters, columns)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from relocation.core.tests.exports import assert_header_matches, attachment_name, table_header, workbook_rows
from relocation.supervision import reviews

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2022, 2, 10, 9, 0), tick=False)
def test_the_task_export_has_the_pages_columns_and_filters(client, make_task, hq_staff, units):
    make_task(title="核查用水台账", deadline=dt.date(2022, 2, 9))
    make_task(title='=HYPERLINK("http://evil","x")', lead_unit=units["water"])
    client.force_login(hq_staff)
    url = reverse("supervision:tasks")
    page = client.get(url, {"unit": units["humen"].pk}).content.decode()
    assert "export=xlsx" in page
    response = client.get(url, {"unit": units["humen"].pk, "export": "xlsx"})
    rows = workbook_rows(response)
    assert_header_matches(table_header(page, "task-table"), rows[0])
    assert attachment_name(response).startswith("任务清单-")
    assert [r[0] for r in rows[1:]] == ["核查用水台账"]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["预警"] == "红色预警" and record["牵头单位"] == str(units["humen"])
    everything = workbook_rows(client.get(url, {"export": "xlsx"}))
    assert '\'=HYPERLINK("http://evil","x")' in [r[0] for r in everything[1:]]


def test_the_task_export_is_scoped_like_the_list(client, make_task, liaison, units):
    make_task(title="本单位任务", lead_unit=liaison.unit)
    make_task(title="别的单位任务", lead_unit=units["water"] if liaison.unit != units["water"] else units["humen"])
    client.force_login(liaison)
    rows = workbook_rows(client.get(reverse("supervision:tasks"), {"export": "xlsx"}))
    assert [r[0] for r in rows[1:]] == ["本单位任务"]


def test_the_task_export_reads_a_fixed_number_of_queries(
    client, make_task, hq_staff, units, django_assert_max_num_queries
):
    for n in range(40):
        make_task(title=f"任务{n}", responsible=hq_staff)
    client.force_login(hq_staff)
    # Session, user, programme and settings: 13 whatever the number of tasks (40 here).
    with django_assert_max_num_queries(14):
        rows = workbook_rows(client.get(reverse("supervision:tasks"), {"export": "xlsx"}))
    assert len(rows) == 41


def test_the_special_inspection_export(client, hq_staff, programme):
    reviews.inspection_create(actor=hq_staff, programme=programme, title="断水断电专题督查", year=2022, quarter=1)
    client.force_login(hq_staff)
    url = reverse("supervision:inspections")
    page = client.get(url).content.decode()
    rows = workbook_rows(client.get(url, {"export": "xlsx"}))
    assert_header_matches(table_header(page, "inspection-table"), rows[0])
    assert rows[1][:3] == ("断水断电专题督查", "2022Q1", 0)


def test_the_api_exports_the_filtered_tasks(client, make_task, hq_staff, units):
    make_task(title="用水", lead_unit=units["humen"])
    make_task(title="用电", lead_unit=units["water"])
    client.force_login(hq_staff)
    response = client.get("/api/supervision/tasks/export/", {"unit": units["water"].pk})
    rows = workbook_rows(response)
    assert rows[0][0] == "任务" and [r[0] for r in rows[1:]] == ["用电"]


def test_the_report_export_lists_who_reported_and_who_has_not(client, hq_staff, liaison, units):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relocation.conftest import make_user
    from relocation.supervision import reports
    from relocation.supervision.tests.test_unit_reports import at

    with at(2022, 1, 25):
        r = reports.report_open(actor=liaison, unit=liaison.unit, period_start=dt.date(2022, 1, 11))
        reports.report_save(actor=liaison, report=r, progress="x", next_steps="", suggestions="")
        reports.report_submit(actor=liaison, report=r)
    client.force_login(hq_staff)
    url = reverse("supervision:reports")
    with at(2022, 1, 27):
        page = client.get(url, {"period": "2022-01-11"}).content.decode()
        with CaptureQueriesContext(connection) as small:
            rows = workbook_rows(client.get(url, {"period": "2022-01-11", "export": "xlsx"}))
        assert_header_matches(table_header(page, "report-table"), rows[0])
        by_unit = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
        assert by_unit[str(liaison.unit)]["状态"] == r.get_status_display()
        assert by_unit[str(units["eeb"])]["状态"] == "未报送"
        for code in ["eeb", "police"]:
            other = make_user(f"{code}_l", "unit_liaison", units[code])
            o = reports.report_open(actor=other, unit=units[code], period_start=dt.date(2022, 1, 11))
            reports.report_save(actor=other, report=o, progress="x", next_steps="", suggestions="")
            reports.report_submit(actor=other, report=o)
        with CaptureQueriesContext(connection) as large:
            client.get(url, {"period": "2022-01-11", "export": "xlsx"})
    assert len(large) == len(small)
    client.force_login(liaison)
    with at(2022, 1, 27):
        mine = workbook_rows(client.get(url, {"export": "xlsx"}))
    assert [m[0] for m in mine[1:]] == [str(liaison.unit)]
