from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relocation.conftest import make_user
from relocation.core.errors import ConflictError, PermissionDeniedError
from relocation.core.models import Notification
from relocation.supervision import reports, selectors, services
from relocation.supervision.models import ReportStatus, UnitReport


def at(y, m, d):
    return time_machine.travel(dt.datetime(y, m, d, 2, 0, tzinfo=dt.UTC), tick=False)


@pytest.mark.django_db
def test_it_computes_biweekly_periods_due_in_working_days(programme):
    # The programme starts on 2021-06-01; periods of 14 days.
    p = reports.period_containing(programme, dt.date(2022, 1, 28))
    assert (p.end - p.start).days == 13
    assert p.start <= dt.date(2022, 1, 28) <= p.end
    # A period that ends just before Spring Festival is due two working days later, after the holiday.
    p = reports.period_containing(programme, dt.date(2022, 1, 20))
    assert p.end == dt.date(2022, 1, 24)
    assert p.due_on == dt.date(2022, 1, 26)
    services.settings_for(programme).__class__.objects.filter(programme=programme).update(report_period_days=7)
    assert (
        reports.period_containing(programme, dt.date(2022, 1, 28)).end
        - reports.period_containing(programme, dt.date(2022, 1, 28)).start
    ).days == 6


@pytest.mark.django_db
def test_it_prefills_submits_and_reviews_a_report(make_task, liaison, hq_staff, units, programme):
    with at(2022, 1, 10):
        task = make_task(title="摸排企业用电", deadline=dt.date(2022, 1, 20))
        services.task_update_add(actor=liaison, task=task, body="已摸排一半")
    with at(2022, 1, 25):
        period = reports.last_closed_period(programme, dt.date(2022, 1, 25))
        report = reports.report_open(actor=liaison, unit=units["humen"], period_start=period.start)
        assert "摸排企业用电" in report.progress and "已摸排一半" in report.progress
        reports.report_save(
            actor=liaison,
            report=report,
            progress=report.progress,
            next_steps="继续摸排",
            suggestions="",
            problems=[{"title": "供电部门停电配合", "detail": "需协调供电单位", "is_urgent": True}],
        )
        reports.report_submit(actor=liaison, report=report)
    assert Notification.objects.filter(recipient=hq_staff, verb="report.urgent_problem").count() == 1
    problems = list(selectors.open_coordination_problems(programme))
    assert [p.title for p in problems] == ["供电部门停电配合"]
    assert list(selectors.reports_for_period(programme, dt.date(2022, 1, 1), dt.date(2022, 1, 31))) == [report]
    with at(2022, 1, 26):
        reports.report_review(actor=hq_staff, report=report, comment="请加快进度")
    report.refresh_from_db()
    assert report.status == ReportStatus.REVIEWED and not report.is_late
    assert Notification.objects.filter(recipient=liaison, verb="report.reviewed").count() == 1
    reports.problem_resolve(actor=hq_staff, problem=problems[0], resolution="1月例会已协调")
    assert not selectors.open_coordination_problems(programme).exists()


@pytest.mark.django_db
def test_it_refuses_stale_edits_and_other_units(liaison, outsider, units, programme):
    report = reports.report_open(actor=liaison, unit=units["humen"], period_start=dt.date(2022, 1, 11))
    with pytest.raises(PermissionDeniedError):
        reports.report_save(actor=outsider, report=report, progress="x", next_steps="", suggestions="")
    with pytest.raises(PermissionDeniedError):
        reports.report_open(actor=outsider, unit=units["humen"], period_start=dt.date(2022, 1, 11))
    reports.report_save(actor=liaison, report=report, progress="a", next_steps="", suggestions="", expected_version=1)
    with pytest.raises(ConflictError):
        reports.report_save(
            actor=liaison, report=report, progress="b", next_steps="", suggestions="", expected_version=1
        )


@pytest.mark.django_db
def test_it_reminds_before_the_due_date_and_lists_the_missing(liaison, hq_staff, units, programme):
    eeb = make_user("eeb_liaison", "unit_liaison", units["eeb"])
    # Period 2022-01-11 … 2022-01-24 is due on 2022-01-26.
    with at(2022, 1, 25):
        assert reports.remind_reports() > 0
        assert reports.remind_reports() == 0  # a second run sends nothing
        report = reports.report_open(actor=liaison, unit=units["humen"], period_start=dt.date(2022, 1, 11))
        reports.report_save(actor=liaison, report=report, progress="进展", next_steps="", suggestions="")
        reports.report_submit(actor=liaison, report=report)
    assert Notification.objects.filter(recipient=eeb, verb="report.reminder").count() == 1
    with at(2022, 1, 27):
        reports.remind_reports()
    missing = Notification.objects.get(recipient=hq_staff, verb="report.missing")
    assert "市生态环境局" in missing.body and "虎门镇" not in missing.body
    assert units["humen"] not in selectors.missing_reports(programme, dt.date(2022, 1, 11))


@pytest.mark.django_db
def test_it_fills_in_and_submits_through_the_pages(client, liaison, hq_staff, units):
    client.force_login(liaison)
    with at(2022, 1, 25):
        response = client.post(reverse("supervision:report_open"), {"period": "2022-01-11"})
        report = UnitReport.objects.get()
        assert response.url == reverse("supervision:report", args=[report.pk])
        client.post(
            response.url,
            {
                "action": "submit",
                "progress": "本期完成摸排",
                "problems": "【紧急】需供电单位配合停电：3家企业\n需要税务部门核查",
                "next_steps": "",
                "suggestions": "",
                "version": report.version,
            },
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert [(p.title, p.is_urgent) for p in report.problems.all()] == [
        ("需供电单位配合停电", True),
        ("需要税务部门核查", False),
    ]
    client.force_login(hq_staff)
    with at(2022, 1, 27):
        page = client.get(reverse("supervision:reports"), {"period": "2022-01-11"}).content.decode()
        assert "虎门镇" in page and "市生态环境局" in page  # eeb is in the missing list
        client.post(reverse("supervision:report", args=[report.pk]), {"action": "review", "comment": "收悉"})
    report.refresh_from_db()
    assert report.status == ReportStatus.REVIEWED


@pytest.mark.django_db
def test_report_pages_refuse_other_units(client, liaison, outsider, units):
    report = reports.report_open(actor=liaison, unit=units["humen"], period_start=dt.date(2022, 1, 11))
    client.force_login(outsider)
    assert client.get(reverse("supervision:report", args=[report.pk])).status_code == 404


@pytest.mark.django_db
def test_report_list_query_count_does_not_grow(client, hq_staff, units, programme):
    client.force_login(hq_staff)
    client.get(reverse("supervision:reports"), {"period": "2022-01-11"})
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("supervision:reports"), {"period": "2022-01-11"})
    for code in ["humen", "eeb", "police", "water"]:
        liaison = make_user(f"{code}_l", "unit_liaison", units[code])
        r = reports.report_open(actor=liaison, unit=units[code], period_start=dt.date(2022, 1, 11))
        reports.report_save(actor=liaison, report=r, progress="x", next_steps="", suggestions="")
        reports.report_submit(actor=liaison, report=r)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("supervision:reports"), {"period": "2022-01-11"})
    assert len(large) == len(small)
