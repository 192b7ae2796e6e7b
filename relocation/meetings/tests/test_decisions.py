"""Agenda, attendance, decisions → tasks, follow-up and minutes."""

from __future__ import annotations

import datetime as dt
import re
import zlib

import pytest
from django.utils import timezone

from relocation.core.errors import ServiceError
from relocation.meetings import official, services, sources
from relocation.meetings.models import AgendaSource, Meeting, MeetingStatus
from relocation.supervision.models import Task, TaskStatus


def embedded_font_names(pdf: bytes) -> set[bytes]:
    """Font names of the fonts embedded in a PDF, read without a PDF library:
    inflate every stream and look for FontName entries next to FontFile data."""
    chunks = [pdf]
    for m in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", m.end())
        try:
            chunks.append(zlib.decompressobj().decompress(pdf[m.end() : end]))
        except zlib.error:
            continue
    text = b"".join(chunks)
    assert b"/FontFile" in text
    return set(re.findall(rb"/FontName\s*/([A-Za-z0-9+_-]+)", text))


@pytest.mark.django_db
def test_a_decision_becomes_a_task_in_one_step_and_only_once(hq_staff, units, held_meeting):
    decision = services.decision_add(
        actor=hq_staff,
        meeting=held_meeting,
        text="虎门镇牵头完成B区剩余12家企业的停产断电",
        lead_unit=units["humen"],
        co_units=[units["power"], units["water"]],
        deadline=dt.date(2022, 3, 15),
        make_task=True,
    )
    decision.refresh_from_db()
    task = decision.task
    assert task is not None and task.source == "meeting"
    assert task.subject_type == "meetings.decision" and task.subject_id == str(decision.pk)
    assert task.lead_unit == units["humen"] and task.deadline == dt.date(2022, 3, 15)
    assert set(task.co_units.values_list("code", flat=True)) == {"power", "water"}
    again = services.decision_make_task(actor=hq_staff, decision=decision)
    assert again.pk == task.pk
    assert Task.objects.filter(source="meeting").count() == 1


@pytest.mark.django_db
def test_the_next_meeting_opens_with_the_follow_up_of_the_previous_decisions(
    programme, hq_staff, units, held_meeting, monkeypatch
):
    decision = services.decision_add(
        actor=hq_staff,
        meeting=held_meeting,
        text="供电单位落实断电",
        lead_unit=units["power"],
        deadline=dt.date(2022, 3, 1),
        make_task=True,
    )
    march = services.meeting_schedule_monthly(actor=hq_staff, programme=programme, period=dt.date(2022, 3, 1))
    problem = sources.CoordinationProblem(
        ref="report-problem:7", unit_id=units["humen"].pk, text="部分企业拒不签署承诺书"
    )
    monkeypatch.setattr(sources, "open_coordination_problems", lambda programme, since=None: [problem])
    added = services.agenda_assemble(actor=hq_staff, meeting=march)
    assert [i.source for i in added] == [AgendaSource.FOLLOW_UP, AgendaSource.UNIT_REPORT]
    assert added[1].unit == units["humen"]
    assert services.agenda_assemble(actor=hq_staff, meeting=march) == []  # nothing new the second time
    from relocation.meetings import selectors

    previous, follow = selectors.follow_up(march)
    assert previous == held_meeting and [d.pk for d in follow] == [decision.pk]
    assert follow[0].task.status == TaskStatus.ASSIGNED


@pytest.mark.django_db
def test_it_records_attendance_and_requires_the_deputys_name(hq_staff, units, meeting):
    services.attendance_record(
        actor=hq_staff,
        meeting=meeting,
        entries=[{"unit": units["humen"], "status": "present", "attendee": "王镇长"}],
    )
    with pytest.raises(ServiceError):
        services.attendance_record(
            actor=hq_staff, meeting=meeting, entries=[{"unit": units["eeb"], "status": "deputy"}]
        )
    services.attendance_record(
        actor=hq_staff, meeting=meeting, entries=[{"unit": units["humen"], "status": "absent", "attendee": ""}]
    )
    assert meeting.attendance.get().status == "absent"


@pytest.mark.django_db
def test_minutes_are_sanitised(hq_staff, meeting):
    services.minutes_save(
        actor=hq_staff,
        meeting=meeting,
        minutes='<h2 onclick="x()">一、会议情况</h2><script>alert(1)</script><p>会议听取了汇报。</p>',
        expected_version=meeting.version,
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "<h2>一、会议情况</h2><p>会议听取了汇报。</p>"


@pytest.mark.django_db
def test_issuing_the_minutes_makes_a_numbered_word_and_pdf_with_embedded_cjk_fonts(
    hq_staff, units, held_meeting, liaison, group_leader
):
    from relocation.core.models import Notification

    services.minutes_save(
        actor=hq_staff,
        meeting=held_meeting,
        minutes="<h2>一、会议情况</h2><p>会议由总指挥主持。</p>",
        expected_version=held_meeting.version,
    )
    services.decision_add(
        actor=hq_staff,
        meeting=held_meeting,
        text="市生态环境局加强执法",
        lead_unit=units["eeb"],
        deadline=dt.date(2022, 3, 1),
    )
    services.minutes_issue(actor=hq_staff, meeting=held_meeting)
    meeting = Meeting.objects.get(pk=held_meeting.pk)
    assert meeting.status == MeetingStatus.MINUTES_ISSUED
    assert meeting.minutes_number.startswith("搬迁会纪〔") and meeting.minutes_number.endswith("号")
    text = official.docx_text(bytes(meeting.minutes_docx))
    assert meeting.title in text and meeting.minutes_number in text
    assert "会议由总指挥主持。" in text and "市生态环境局加强执法" in text
    fonts = embedded_font_names(bytes(meeting.minutes_pdf))
    assert any(b"CJK" in name for name in fonts), fonts
    assert Notification.objects.filter(recipient=liaison, verb="meeting.minutes_issued").exists()
    assert Notification.objects.filter(recipient=group_leader, verb="meeting.minutes_issued").exists()
    with pytest.raises(ServiceError):
        services.minutes_save(actor=hq_staff, meeting=meeting, minutes="<p>改</p>", expected_version=meeting.version)


@pytest.mark.django_db
def test_minutes_cannot_be_issued_before_the_meeting_is_held(hq_staff, meeting):
    with pytest.raises(ServiceError):
        services.minutes_issue(actor=hq_staff, meeting=meeting)


@pytest.mark.django_db
def test_a_unit_requests_an_extra_meeting_and_hq_schedules_it(liaison, hq_staff, units):
    request = services.request_create(actor=liaison, problem="三家企业聚集上访", details="需公安、信访协同")
    meeting = services.request_accept(
        actor=hq_staff, request=request, scheduled_at=timezone.make_aware(dt.datetime(2022, 2, 16, 10))
    )
    request.refresh_from_db()
    assert request.status == "accepted" and request.meeting == meeting
    assert meeting.kind == "extra"
    assert meeting.agenda_items.get().title == "三家企业聚集上访"
    assert services.agenda_assemble(actor=hq_staff, meeting=meeting) == []


@pytest.mark.django_db
def test_inspectors_and_hq_cannot_request_extra_meetings(inspector, hq_staff):
    from relocation.core.errors import PermissionDeniedError

    for user in (inspector, hq_staff):
        with pytest.raises(PermissionDeniedError):
            services.request_create(actor=user, problem="x")


def test_problems_from_report_rows_keep_their_identity():
    """A problem row (model instance) is keyed by its table and id, so two problems
    of one report are two agenda items."""

    class Problem:
        class _meta:  # noqa: N801 - imitates a model's _meta
            label_lower = "supervision.coordinationproblem"

        def __init__(self, pk, title):
            self.pk, self.title, self.unit_id, self.detail, self.is_urgent = pk, title, 3, "详情", pk == 2

    a, b = (sources._normalise(Problem(1, "甲")), sources._normalise(Problem(2, "乙")))
    assert (a.ref, b.ref) == ("supervision.coordinationproblem:1", "supervision.coordinationproblem:2")
    assert b.is_urgent and a.details == "详情" and a.unit_id == 3


@pytest.mark.django_db
def test_an_urgent_problem_in_a_report_becomes_an_extra_meeting_request_once(
    programme, units, liaison, hq_staff, monkeypatch
):
    from relocation.core.models import Notification
    from relocation.meetings.models import MeetingRequest

    urgent = sources.CoordinationProblem(
        ref="supervision.coordinationproblem:5",
        unit_id=units["humen"].pk,
        text="企业聚集阻挠断电",
        is_urgent=True,
        raised_by_id=liaison.pk,
    )
    calm = sources.CoordinationProblem(
        ref="supervision.coordinationproblem:6", unit_id=units["humen"].pk, text="一般问题", raised_by_id=liaison.pk
    )
    monkeypatch.setattr(sources, "open_coordination_problems", lambda programme, since=None: [urgent, calm])
    assert len(services.requests_from_urgent_problems(programme=programme)) == 1
    assert services.requests_from_urgent_problems(programme=programme) == []
    request = MeetingRequest.objects.get()
    assert request.requested_by == liaison and request.unit == units["humen"] and request.status == "pending"
    assert Notification.objects.filter(recipient=hq_staff, verb="meeting.requested").count() == 1
