"""Demo part of the meetings: the last three monthly meetings held, with
attendance, minutes (issued as Word/PDF) and decisions turned into tasks; this
month's and next month's meetings on the calendar; one pending request for an
extra meeting. Relative to today, so "the next meeting" is always ahead.
Idempotent: a month that already has its meeting is left alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

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


def _month_start(day: dt.date, back: int) -> dt.date:
    year, month = day.year, day.month - back
    while month <= 0:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


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
        meeting = services.meeting_schedule_monthly(actor=hq, programme=programme, period=period)
        services.agenda_assemble(actor=hq, meeting=meeting)
        services.agenda_item_add(actor=hq, meeting=meeting, title="通报上月企业关停搬迁进度和任务完成情况")
        services.agenda_item_add(
            actor=hq, meeting=meeting, title="研究承接园区厂房分配和入园手续办理", unit=units.get("machong")
        )
        services.meeting_mark_held(actor=hq, meeting=meeting)
        entries = []
        for i, unit in enumerate(u for u in units.values() if u.code != "hq"):
            status = "absent" if i % 11 == 7 else "deputy" if i % 5 == 3 else "present"
            entries.append(
                {
                    "unit": unit,
                    "status": status,
                    "attendee": "" if status == "absent" else f"{unit.short_name or unit.name}代表",
                }
            )
        services.attendance_record(actor=hq, meeting=meeting, entries=entries)
        when = timezone.localtime(meeting.scheduled_at).date()
        for text, lead, co, days in DECISIONS[: 2 + (n % 3)]:
            if lead not in units:
                continue
            services.decision_add(
                actor=hq,
                meeting=meeting,
                text=text.format(n=n),
                lead_unit=units[lead],
                co_units=[units[c] for c in co if c in units],
                deadline=when + dt.timedelta(days=days),
                make_task=True,
            )
        minutes = (
            f"<h2>一、会议基本情况</h2><p>{when.year}年{when.month}月{when.day}日，现场指挥部在{meeting.place}召开{meeting.title}，"
            "总指挥主持会议，各成员单位分管领导参加。</p>"
            "<h2>二、会议听取的情况</h2><p>会议听取了各成员单位关于企业关停搬迁、联合执法和承接园区建设的进展汇报，"
            "研究了各单位报送的需要协调解决的问题。</p>"
            "<h2>三、会议要求</h2><ol><li>各单位要对照时间节点，倒排工期、挂图作战。</li>"
            "<li>对逾期任务，指挥部将发出督办单，并在月度通报中通报。</li></ol>"
        )
        meeting.refresh_from_db()
        services.minutes_save(actor=hq, meeting=meeting, minutes=minutes, expected_version=meeting.version)
        services.minutes_issue(actor=hq, meeting=meeting)
        created += 1
    upcoming = services.schedule_upcoming_monthly_meetings(today=today)
    for meeting in upcoming:
        if meeting.scheduled_at < timezone.now() and meeting.status == MeetingStatus.SCHEDULED:
            services.meeting_mark_held(actor=hq, meeting=meeting)
    for meeting in upcoming:
        if meeting.status == MeetingStatus.SCHEDULED:
            services.agenda_assemble(actor=hq, meeting=meeting)
    liaison = User.objects.filter(username="humen_liaison").first()
    if liaison is not None and not MeetingRequest.objects.filter(requested_by=liaison).exists():
        services.request_create(
            actor=liaison,
            problem="B区3家企业业主以补偿未谈妥为由阻挠断电，需公安、供电、信访联合处置",
            details="涉及威远、南栅片区，预计下周一实施断电，请指挥部组织专题会商。",
        )
    out.write(f"  {created} past monthly meetings with minutes and decisions, next meetings scheduled")
