"""With supervision's unit reports: problems reach the agenda, urgent ones raise
requests, issued minutes settle them, and the bulletin quotes the reports."""

from __future__ import annotations

import datetime as dt

import pytest

reports = pytest.importorskip("relocation.supervision.reports")

from relocation.meetings import services  # noqa: E402
from relocation.meetings.models import AgendaSource, MeetingRequest  # noqa: E402


@pytest.fixture
def submitted_report(liaison, units):
    report = reports.report_open(actor=liaison, unit=units["humen"], period_start=dt.date(2022, 1, 10))
    reports.report_save(
        actor=liaison,
        report=report,
        progress="本期完成12家企业停产断电。",
        next_steps="继续推进",
        suggestions="",
        problems=[
            {"title": "3家企业业主阻挠断电", "detail": "需公安、供电协同", "is_urgent": True},
            {"title": "承接园区厂房不足", "detail": "", "is_urgent": False},
        ],
    )
    report.refresh_from_db()
    return reports.report_submit(actor=liaison, report=report)


@pytest.mark.django_db
def test_reports_problems_flow_through_the_meeting(programme, units, hq_staff, liaison, submitted_report):
    from relocation.supervision.models import CoordinationProblem

    feb = services.meeting_schedule_monthly(actor=hq_staff, programme=programme, period=dt.date(2022, 2, 1))
    added = services.agenda_assemble(actor=hq_staff, meeting=feb)
    assert [(i.source, i.title) for i in added] == [
        (AgendaSource.UNIT_REPORT, "3家企业业主阻挠断电"),
        (AgendaSource.UNIT_REPORT, "承接园区厂房不足"),
    ]
    assert added[0].unit == units["humen"]

    assert len(services.requests_from_urgent_problems(programme=programme)) == 1
    assert MeetingRequest.objects.get().requested_by == liaison

    services.meeting_mark_held(actor=hq_staff, meeting=feb)
    services.minutes_save(actor=hq_staff, meeting=feb, minutes="<p>研究了断电问题。</p>", expected_version=feb.version)
    services.minutes_issue(actor=hq_staff, meeting=feb)
    assert set(CoordinationProblem.objects.values_list("status", flat=True)) == {"resolved"}

    march = services.meeting_schedule_monthly(actor=hq_staff, programme=programme, period=dt.date(2022, 3, 1))
    assert [i.source for i in services.agenda_assemble(actor=hq_staff, meeting=march)] == []


@pytest.mark.django_db
def test_the_bulletin_quotes_the_reports(programme, units, hq_staff, submitted_report):
    from relocation.reporting import services as reporting

    bulletin = reporting.bulletin_compile(actor=hq_staff, programme=programme, year=2022, month=1)
    assert {"unit": "虎门镇", "text": "本期完成12家企业停产断电。"} in bulletin.figures["highlights"]
    assert "本期完成12家企业停产断电" in bulletin.sections.get(key="highlights").text
