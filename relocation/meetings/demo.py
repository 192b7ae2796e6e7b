"""Demo part of the meetings: the last three monthly meetings held, with
attendance, minutes (issued as Word/PDF) and decisions turned into tasks; this
month's meeting held (minutes being drafted) if its day has passed; next
month's on the calendar with its agenda; one pending extra-meeting request.

Relative to the (demo) clock, so "the next meeting" is always ahead; each step
is dated on the day it would have happened (core.demo_time). Idempotent: a
month that already has its meeting is left alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from relocation.core import demo_time, workdays
from relocation.meetings import services
from relocation.meetings.models import Meeting, MeetingKind, MeetingRequest, MeetingStatus
from relocation.organisation.models import Unit, User
from relocation.organisation.selectors import active_programme

DECISIONS = [
    ("虎门镇牵头，会同供电、供水单位对已签承诺书但未停产的企业实施停产断电断水", "humen", ["power", "water"], 15),
    ("市生态环境局牵头开展第{n}轮联合执法“回头看”，对屡禁不止企业依法从严查处", "eeb", ["police", "market"], 20),
    ("麻涌、沙田、大朗三个承接园区报送可用厂房和治污设施容量，指挥部统一调配", "machong", ["shatian", "dalang"], 10),
    ("人社部门会同属地做好停产企业工人工资清算和转岗就业对接", "hrss", ["humen", "binhaiwan"], 25),
]
MINUTES = (
    "<h2>一、会议基本情况</h2><p>{date}，现场指挥部在{place}召开{title}，总指挥主持会议，各成员单位分管领导参加。</p>"
    "<h2>二、会议听取的情况</h2><p>会议听取了各成员单位关于企业关停搬迁、联合执法和承接园区建设的进展汇报，"
    "研究了各单位报送的需要协调解决的问题。</p>"
    "<h2>三、会议要求</h2><ol><li>各单位要对照时间节点，倒排工期、挂图作战。</li>"
    "<li>对逾期任务，指挥部将发出督办单，并在月度通报中通报。</li></ol>"
)


def _month_start(day: dt.date, back: int) -> dt.date:
    year, month = day.year, day.month - back
    while month <= 0:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def _hold(meeting: Meeting, *, hq: Any, units: dict[str, Unit], n: int) -> None:
    """The meeting takes place: attendance and decisions (each a task at once)."""
    services.meeting_mark_held(actor=hq, meeting=meeting)
    entries = []
    for i, unit in enumerate(u for u in units.values() if u.code != "hq"):
        status = "absent" if i % 11 == 7 else "deputy" if i % 5 == 3 else "present"
        name = "" if status == "absent" else f"{unit.short_name or unit.name}代表"
        entries.append({"unit": unit, "status": status, "attendee": name})
    services.attendance_record(actor=hq, meeting=meeting, entries=entries)
    day = timezone.localtime(meeting.scheduled_at).date()
    for text, lead, co, days in DECISIONS[: 2 + (n % 3)]:
        if lead in units:
            services.decision_add(
                actor=hq,
                meeting=meeting,
                text=text.format(n=n),
                lead_unit=units[lead],
                co_units=[units[c] for c in co if c in units],
                deadline=workdays.add_workdays(day, days),
                make_task=True,
            )


def _progress_tasks(meeting: Meeting, *, hq: Any) -> None:
    """The units work on the decisions' tasks: Humen's are done and verified on
    time, the environment bureau's are in hand, the rest wait (the follow-up at
    the next meeting then shows all three)."""
    from relocation.supervision import services as tasks

    people = {u.unit_id: u for u in User.objects.filter(username__in=["humen_liaison", "eeb_liaison"])}
    day = timezone.localtime(meeting.scheduled_at).date()
    for decision in meeting.decisions.select_related("task"):
        task, person = decision.task, people.get(decision.lead_unit_id)
        if task is None or person is None or task.status != "assigned":
            continue
        with demo_time.on(workdays.add_workdays(day, 1), hour=9):
            tasks.task_sign_for(actor=person, task=task)
            tasks.task_start(actor=person, task=task)
        if decision.lead_unit.code == "humen":
            with demo_time.on(workdays.add_workdays(day, 8), hour=16):
                tasks.task_report_done(actor=person, task=task, note="已按会议要求完成。")
            with demo_time.on(workdays.add_workdays(day, 9), hour=10):
                tasks.task_verify(actor=hq, task=task, note="核实完成。")


def seed(*, scale: str, out: Any) -> None:
    programme = active_programme()
    if programme is None:
        return
    hq = User.objects.get(username="hq")
    units = {u.code: u for u in Unit.objects.filter(programme=programme)}
    today = timezone.localdate()
    created = 0
    for n, back in enumerate((3, 2, 1), 1):
        period = _month_start(today, back)
        if Meeting.objects.filter(programme=programme, kind=MeetingKind.MONTHLY, period=period).exists():
            continue
        day = services.monthly_meeting_time(period).date()
        with demo_time.on(period - dt.timedelta(days=20)):
            meeting = services.meeting_schedule_monthly(actor=hq, programme=programme, period=period)
        with demo_time.on(day - dt.timedelta(days=2)):
            services.agenda_assemble(actor=hq, meeting=meeting)
            services.agenda_item_add(actor=hq, meeting=meeting, title="通报上月企业关停搬迁进度和任务完成情况")
            services.agenda_item_add(
                actor=hq, meeting=meeting, title="研究承接园区厂房分配和入园手续办理", unit=units.get("machong")
            )
        with demo_time.on(day, hour=17):
            _hold(meeting, hq=hq, units=units, n=n)
        _progress_tasks(meeting, hq=hq)
        with demo_time.on(workdays.add_workdays(day, 2)):
            meeting.refresh_from_db()
            minutes = MINUTES.format(
                date=f"{day.year}年{day.month}月{day.day}日", place=meeting.place, title=meeting.title
            )
            services.minutes_save(actor=hq, meeting=meeting, minutes=minutes, expected_version=meeting.version)
            services.minutes_issue(actor=hq, meeting=meeting)
        created += 1
    with demo_time.on(_month_start(today, 0) - dt.timedelta(days=20)):
        services.schedule_upcoming_monthly_meetings(today=_month_start(today, 1))
    upcoming = services.schedule_upcoming_monthly_meetings(today=today)
    # The scheduler serves every programme; the demo holds only this one's meetings.
    for meeting in (m for m in upcoming if m.programme_id == programme.pk):
        if meeting.scheduled_at < timezone.now() and meeting.status == MeetingStatus.SCHEDULED:
            day = timezone.localtime(meeting.scheduled_at).date()
            with demo_time.on(day - dt.timedelta(days=2)):
                services.agenda_assemble(actor=hq, meeting=meeting)
            with demo_time.on(day, hour=17):
                _hold(meeting, hq=hq, units=units, n=4)
        elif meeting.status == MeetingStatus.SCHEDULED and not meeting.agenda_items.exists():
            services.agenda_assemble(actor=hq, meeting=meeting)
    liaison = User.objects.filter(username="humen_liaison").first()
    if liaison is not None and not MeetingRequest.objects.filter(requested_by=liaison, source_ref="").exists():
        with demo_time.on(today - dt.timedelta(days=1), hour=15):
            services.request_create(
                actor=liaison,
                problem="B区3家企业业主以补偿未谈妥为由阻挠断电，需公安、供电、信访联合处置",
                details="涉及威远、南栅片区，预计下周一实施断电，请指挥部组织专题会商。",
            )
    out.write(f"  {created} past monthly meetings with minutes and decisions, next meetings scheduled")
