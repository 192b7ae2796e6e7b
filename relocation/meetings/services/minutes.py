"""Minutes (纪要): drafted, rendered as an official document and issued."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relocation.core import audit, workflow
from relocation.core.errors import ServiceError
from relocation.core.notifications import notify
from relocation.meetings import official, richtext, sources
from relocation.meetings.models import (
    AgendaSource,
    Meeting,
    MeetingStatus,
)
from relocation.meetings.services.agenda import _require_open
from relocation.meetings.services.schedule import _group_leaders, _member_units, _move, _require_hq, _unit_people
from relocation.organisation.models import Unit

MINUTES_TEMPLATE_CODE = "meetings.minutes"
# 发文字号 prefix: part of the number, so never translated.
MINUTES_PREFIX = "搬迁会纪"


def minutes_save(*, actor: Any, meeting: Meeting, minutes: str, expected_version: int) -> Meeting:
    """Save the draft minutes (sanitised rich text). Refuses a stale version."""
    _require_hq(actor)
    _require_open(meeting)
    clean = richtext.sanitise(minutes)
    with transaction.atomic():
        before = meeting.minutes
        meeting.minutes = clean
        workflow.save_if_unchanged(meeting, expected_version=expected_version, fields=["minutes"])
        audit.record(
            actor=actor,
            action="meeting.minutes_saved",
            obj=meeting,
            summary=_("修改会议纪要：%(title)s") % {"title": meeting.title},
            changes={"minutes": [len(before), len(clean)]},
        )
    return meeting


def minutes_document(
    meeting: Meeting, *, number: str = "", issued_on: dt.date | None = None
) -> official.OfficialDocument:
    """The minutes as an official document: the text HQ wrote, the attendance and the decisions."""
    issued_on = issued_on or timezone.localdate()
    programme = meeting.programme
    blocks = richtext.to_blocks(meeting.minutes)
    attendance = list(meeting.attendance.select_related("unit"))
    if attendance:
        blocks.append(official.Block("heading1", _("出席单位")))
        rows: list[list[object]] = [[_("单位"), _("参会人"), _("出席情况")]]
        rows += [[a.unit.name, a.attendee, a.get_status_display()] for a in attendance]
        blocks.append(official.Block("table", rows=rows))
    decisions = list(meeting.decisions.select_related("lead_unit").prefetch_related("co_units"))
    if decisions:
        blocks.append(official.Block("heading1", _("议定事项")))
        for i, d in enumerate(decisions, 1):
            co = "、".join(u.name for u in d.co_units.all())
            line = _("%(n)s. %(text)s（牵头单位：%(lead)s%(co)s；完成时限：%(deadline)s）") % {
                "n": i,
                "text": d.text,
                "lead": d.lead_unit.name,
                "co": _("；配合单位：%(co)s") % {"co": co} if co else "",
                "deadline": official.chinese_date(d.deadline),
            }
            blocks.append(official.Block("paragraph", line))
    hq = Unit.objects.filter(programme=programme, kind=Unit.Kind.HEADQUARTERS).first()
    issuer = hq.name if hq else _("现场指挥部")
    return official.OfficialDocument(
        authority=_("%(zone)s关停搬迁会议纪要") % {"zone": programme.zone_name},
        document_number=number,
        title=meeting.title + _("纪要") if not meeting.title.endswith(_("纪要")) else meeting.title,
        recipients=_("各成员单位"),
        blocks=blocks,
        signer=issuer,
        date_text=official.chinese_date(issued_on),
        show_seal=False,  # 纪要 carry no seal (GB/T 9704-2012 10.2)
        copy_to=_("搬迁协调工作小组各位领导"),
        printed_by=issuer,
        printed_on=official.chinese_date(issued_on),
    )


def minutes_issue(*, actor: Any, meeting: Meeting) -> Meeting:
    """Number the minutes, render them as Word and PDF, freeze them on the meeting,
    mark the units' problems on its agenda as coordinated, and tell the member
    units (the group leaders in copy). Only once, only after the meeting was held
    and with some minutes written."""
    _require_hq(actor)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("programme").get(pk=meeting.pk)
        if meeting.status != MeetingStatus.HELD:
            raise ServiceError(_("会议召开后才能印发纪要。"))
        if not richtext.to_blocks(meeting.minutes):
            raise ServiceError(_("请先填写会议纪要。"), code="minutes")
        today = timezone.localdate()
        _n, number = official.next_number(
            getattr(settings, "MEETINGS_MINUTES_PREFIX", "") or MINUTES_PREFIX,
            today.year,
        )
        doc = minutes_document(meeting, number=number, issued_on=today)
        docx = official.render_word(doc, template_code=MINUTES_TEMPLATE_CODE)
        pdf = official.render_pdf(doc)
        _move(
            meeting,
            actor=actor,
            target=MeetingStatus.MINUTES_ISSUED,
            extra={
                "minutes_number": number,
                "minutes_issued_at": timezone.now(),
                "minutes_docx": docx,
                "minutes_pdf": pdf,
            },
        )
        refs = list(meeting.agenda_items.filter(source=AgendaSource.UNIT_REPORT).values_list("source_ref", flat=True))
        with translation.override(settings.LANGUAGE_CODE):
            resolution = _("已提交%(title)s研究，见会议纪要%(number)s。") % {"title": meeting.title, "number": number}
        sources.resolve_problems(actor=actor, refs=refs, resolution=resolution)
        recipients = _unit_people(_member_units(meeting.programme)) + _group_leaders(meeting.programme)
        notify(
            recipients=recipients,
            verb="meeting.minutes_issued",
            title=_("会议纪要已印发：%(title)s") % {"title": meeting.title},
            body=number,
            url=f"/meetings/{meeting.pk}/",
            dedupe_key=f"meeting.minutes_issued:{meeting.pk}",
        )
    return meeting
